from . import (
    test_audit_log,
    test_channel,
    test_exception,
    test_inbox,
    test_order_concurrency,
    test_order_lifecycle,
    test_order_policies,
    test_order_validation,
    test_outbox,
    test_security,
    test_tour,
    test_webhook,
)

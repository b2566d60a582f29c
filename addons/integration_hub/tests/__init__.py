from . import (
    test_audit_log,
    test_channel,
    test_exception,
    test_inbox,
    test_outbox,
    test_security,
    test_tour,
    test_webhook,
)

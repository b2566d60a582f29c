from . import (
    integration_adapter,
    integration_adapter_generic,
    integration_adapter_manual,
    integration_audit_log,
    integration_channel,
    integration_demo,
    integration_event,
    integration_job,
    integration_secret,
    integration_sync_exception,
    res_config_settings,
)

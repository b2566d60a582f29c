from . import integration_channel, integration_adapter_netsuite

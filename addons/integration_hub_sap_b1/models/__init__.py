from . import integration_channel, integration_adapter_sap_b1

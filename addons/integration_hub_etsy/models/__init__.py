from . import integration_adapter_etsy, integration_channel

from . import integration_channel
from . import integration_adapter_shopify

from . import integration_channel
from . import integration_shopify_location
from . import integration_shopify_inventory_item
from . import integration_shopify_fulfillment
from . import integration_adapter_shopify
from . import integration_event
from . import integration_job
from . import integration_channel_order

from . import test_shopify_outbound, test_shopify_webhook

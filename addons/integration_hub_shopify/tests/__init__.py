from . import test_shopify_outbound, test_shopify_real_orders, test_shopify_webhook

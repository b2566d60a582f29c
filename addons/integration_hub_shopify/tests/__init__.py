from . import test_role_matrix, test_shopify_outbound, test_shopify_real_orders, test_shopify_webhook

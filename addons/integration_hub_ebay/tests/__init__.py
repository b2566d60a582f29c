from . import test_ebay, test_ebay_deletion, test_ebay_orders, test_role_matrix

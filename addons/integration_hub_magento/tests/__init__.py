from . import test_magento, test_magento_inventory, test_role_matrix

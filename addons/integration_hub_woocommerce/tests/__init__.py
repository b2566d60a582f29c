from . import test_role_matrix, test_woocommerce

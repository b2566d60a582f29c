from . import test_prestashop, test_role_matrix

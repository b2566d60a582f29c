from . import test_etsy, test_role_matrix

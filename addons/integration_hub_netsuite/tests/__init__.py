from . import test_netsuite, test_role_matrix

from . import test_mirakl, test_role_matrix

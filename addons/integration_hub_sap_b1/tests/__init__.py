from . import test_sap_b1, test_role_matrix

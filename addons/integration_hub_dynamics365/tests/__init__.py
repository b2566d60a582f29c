from . import test_dynamics365, test_role_matrix

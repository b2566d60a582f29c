from . import test_odoo_erp, test_role_matrix

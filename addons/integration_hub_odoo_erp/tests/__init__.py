from . import test_odoo_erp, test_odoo_erp_webhook, test_role_matrix

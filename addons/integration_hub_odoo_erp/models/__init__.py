from . import integration_channel, integration_adapter_odoo_erp

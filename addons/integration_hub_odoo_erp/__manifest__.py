{
    "name": "Integration Hub - Client's Odoo (ERP)",
    "summary": "A client's own Odoo as its ERP: sale and purchase orders in, deliveries, receipts and counts back",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests"]},
    "data": ["views/integration_channel_views.xml", "data/ir_cron_data.xml"],
}

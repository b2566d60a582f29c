{
    "name": "Integration Hub - Shopify",
    "summary": "Shopify channels for the Integration Hub (webhooks, polling, inventory, fulfillment)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/integration_hub_shopify_security.xml",
        "data/ir_cron_data.xml",
        "views/integration_channel_views.xml",
    ],
}

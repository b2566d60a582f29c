{
    "name": "Integration Hub - Shopify",
    "summary": "Shopify channels for the Integration Hub (webhooks, polling, inventory, fulfillment)",
    "version": "18.0.1.1.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests"]},
    "data": ["views/integration_channel_views.xml"],
}

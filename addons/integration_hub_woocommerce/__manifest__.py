{
    "name": "Integration Hub - WooCommerce",
    "summary": "WooCommerce shops for the Integration Hub (webhooks, polling, stock batches, fulfillment, refunds)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests"]},
    "data": ["views/integration_channel_views.xml"],
}

{
    "name": "Integration Hub - Dynamics 365 Business Central",
    "summary": "Business Central (API v2.0) for the Integration Hub: sales orders, purchase orders and items in, "
    "shipments and receipts out, webhook subscriptions",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "oauthlib"]},
    "data": ["views/integration_channel_views.xml"],
}

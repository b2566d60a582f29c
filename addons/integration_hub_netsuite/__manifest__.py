{
    "name": "Integration Hub - Oracle NetSuite",
    "summary": "Oracle NetSuite for the Integration Hub (SuiteTalk REST: sales and purchase orders, items, "
    "item fulfillments, item receipts, inventory adjustments)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "requests_oauthlib", "pytz"]},
    "data": ["views/integration_channel_views.xml"],
}

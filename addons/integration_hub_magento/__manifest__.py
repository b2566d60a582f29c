{
    "name": "Integration Hub - Magento 2",
    "summary": "Magento 2 / Adobe Commerce for the Integration Hub (polling, MSI stock, shipments, credit memos)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "requests_oauthlib"]},
    "data": ["views/integration_channel_views.xml"],
    "demo": ["demo/integration_channel_demo.xml"],
}

{
    "name": "Integration Hub - Mirakl",
    "summary": "Mirakl marketplaces for the Integration Hub (orders, acceptance, stock imports, shipments, returns)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests"]},
    "data": ["views/integration_channel_views.xml"],
    "demo": ["demo/integration_channel_demo.xml"],
}

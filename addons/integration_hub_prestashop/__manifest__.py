{
    "name": "Integration Hub - PrestaShop",
    "summary": "PrestaShop shops for the Integration Hub (webservice polling, stock_availables, order carriers)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "lxml"]},
    "data": [
        "security/ir.model.access.csv",
        "security/integration_hub_prestashop_security.xml",
        "views/integration_channel_views.xml",
    ],
    "demo": ["demo/integration_hub_prestashop_demo.xml"],
}

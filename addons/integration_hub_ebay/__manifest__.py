{
    "name": "Integration Hub - eBay",
    "summary": "eBay for the Integration Hub (Fulfillment API orders, Inventory / Trading API stock, shipping "
    "fulfillments, Post-Order returns, marketplace account deletion)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "cryptography", "lxml"]},
    "data": ["views/integration_channel_views.xml"],
}

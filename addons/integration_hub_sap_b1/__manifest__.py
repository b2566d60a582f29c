{
    "name": "Integration Hub - SAP Business One",
    "summary": "SAP Business One (Service Layer) for the Integration Hub: orders, items, purchase orders in; "
    "delivery notes, goods receipts and inventory positions out",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests"]},
    "data": ["views/integration_channel_views.xml"],
}

{
    "name": "Integration Hub - Carriers",
    "summary": "DHL, UPS, DPD and Correos through delivery.carrier, closing shipments only with carrier proof",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub", "stock_delivery"],
    "external_dependencies": {"python": ["requests", "lxml"]},
    "data": [
        "security/ir.model.access.csv",
        "security/integration_hub_carriers_security.xml",
        "data/ir_cron_data.xml",
        "views/delivery_carrier_views.xml",
        "views/stock_picking_views.xml",
        "views/integration_carrier_rule_views.xml",
    ],
}

{
    "name": "Integration Hub - Files and email",
    "summary": "SFTP and folder drops for file channels: B2B purchase orders, returns and counts in; "
    "inventory snapshots, shipment confirmations and order status out",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub", "mail"],
    "external_dependencies": {"python": ["paramiko"]},
    "data": [
        "security/ir.model.access.csv",
        "security/integration_hub_files_security.xml",
        "data/ir_cron_data.xml",
        "views/integration_channel_views.xml",
        "views/integration_tracking_entry_views.xml",
        "views/integration_routing_guide_views.xml",
        "views/integration_order_manual_entry_views.xml",
        "report/packing_list.xml",
    ],
    "demo": ["demo/integration_hub_files_demo.xml"],
    "assets": {
        "web.assets_tests": ["integration_hub_files/static/tests/tours/*.js"],
    },
}

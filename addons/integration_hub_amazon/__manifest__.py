{
    "name": "Integration Hub - Amazon",
    "summary": "Amazon Selling Partner API for the Integration Hub (MFN orders, SQS notifications, listings feeds, "
    "shipment confirmations, returns report)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "boto3"]},
    "data": ["views/integration_channel_views.xml"],
    "demo": ["demo/integration_hub_amazon_demo.xml"],
}

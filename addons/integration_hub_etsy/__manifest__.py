{
    "name": "Integration Hub - Etsy",
    "summary": "Etsy shops for the Integration Hub (OAuth PKCE, receipts, listing inventory, receipt tracking)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Integrations",
    "website": "https://github.com/3pl-spain/integration-hub",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["integration_hub"],
    "external_dependencies": {"python": ["requests", "oauthlib"]},
    "data": ["views/integration_channel_views.xml"],
}

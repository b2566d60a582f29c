"""Bench set-up for Shopify, piped into ``odoo-bin shell`` by scripts/bench.sh.

Creates (or reuses) the live Shopify channel BENCHSHOP (shop bench-shop.myshopify.com)
with a known app client secret, empties its inbox, and prints
``BENCH_SHOPIFY_CHANNEL={"id": .., "token": .., "shop": ..}``.
"""

import json
import os

env = globals()["env"]  # provided by odoo-bin shell (superuser environment)
SECRET = os.environ["BENCH_SHOPIFY_SECRET"]
CODE, SHOP = "BENCHSHOP", "bench-shop.myshopify.com"

company = env.company
Channel = env["integration.channel"].with_context(active_test=False)
channel = Channel.search([("code", "=", CODE), ("company_id", "=", company.id)], limit=1)
if not channel:
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    channel = Channel.create(
        {
            "name": "Bench Shopify shop",
            "code": CODE,
            "platform": "shopify",
            "state": "live",
            "warehouse_id": warehouse.id,
            "shopify_shop_domain": SHOP,
        }
    )
channel.write({"state": "live", "active": True, "allowed_ips": False, "shopify_shop_domain": SHOP})
channel.shopify_client_secret = SECRET
env["integration.event"].search([("channel_id", "=", channel.id)]).unlink()
env.cr.commit()
print("BENCH_SHOPIFY_CHANNEL=" + json.dumps({"id": channel.id, "token": channel.webhook_token, "shop": SHOP}))

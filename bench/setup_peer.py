"""Bench set-up of the peer (OCA shopify_connector 18.0), piped into ``odoo-bin shell`` by scripts/bench.sh.

Creates (or reuses) a Shopify instance for the same shop and app secret the hub's bench channel has,
accepting webhooks, and prints ``BENCH_PEER={"path": .., "secret": ..}`` for bench/peer_intake.py.
"""

import json
import os

env = globals()["env"]  # provided by odoo-bin shell (superuser environment)
SECRET = os.environ.get("BENCH_SHOPIFY_SECRET", "shpss_bench_only_public_client_secret")
SHOP = "bench-shop.myshopify.com"

Instance = env["shopify.instance"].with_context(active_test=False)
instance = Instance.search([("shop_url", "=", SHOP)], limit=1) or Instance.create(
    {"name": "Bench shop", "shop_url": SHOP}
)
instance.write({"webhook_secret": SECRET, "accept_webhooks": True, "active": True})
env.cr.commit()
print("BENCH_PEER=" + json.dumps({"path": f"/shopify/webhook/{instance.id}", "secret": SECRET}))

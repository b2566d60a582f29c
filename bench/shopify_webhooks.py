"""Intake throughput of signed Shopify webhooks vs a bare Odoo auth='none' route.

Same method as bench/webhook_intake.py (whose measuring code it reuses): run by
``make bench`` (scripts/bench.sh) against the same multi-process Odoo, with the
live Shopify channel BENCHSHOP from bench/setup_shopify_channel.py
(BENCH_SHOPIFY_CHANNEL_JSON / BENCH_SHOPIFY_SECRET).

  baseline    GET /web/health (auth='none', full database dispatch)
  webhooks    POST /integration_hub/v1/webhooks/<token>: orders/create, signed like
              Shopify (X-Shopify-Hmac-Sha256 over the raw body, shop domain, topic,
              a unique X-Shopify-Event-Id each)
  duplicates  10 % of those events delivered again (same event id, new webhook id):
              must collapse into the original row

Checks: one inbox row per unique event id (zero loss, no double) and
redelivery rows == re-sends. Timings are printed, never asserted.
"""

import base64
import hashlib
import hmac
import importlib.util
import json
import os
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_webhook_intake", HERE / "webhook_intake.py")
intake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(intake)

ORDER_FIXTURE = json.loads(
    (HERE.parent / "addons/integration_hub_shopify/tests/fixtures/orders_create.json").read_text()
)


def order_body(number):
    order = dict(ORDER_FIXTURE, id=number, name=f"#{number}", admin_graphql_api_id=f"gid://shopify/Order/{number}")
    return json.dumps(order).encode()


def signed_shopify(token, secret, shop, event_id, body):
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2025-10",
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
    }
    return ("POST", intake.WEBHOOK_ROUTE + token, body, headers)


def main():
    args = intake.parse_args(__doc__.splitlines()[0])
    channel = json.loads(os.environ["BENCH_SHOPIFY_CHANNEL_JSON"])
    secret = os.environ["BENCH_SHOPIFY_SECRET"]
    return intake.run_bench(
        args,
        channel["id"],
        sign=lambda event_id, body: signed_shopify(channel["token"], secret, channel["shop"], event_id, body),
        # Shopify order ids are numbers: a stable number per key
        body_for=lambda key: order_body(int(hashlib.sha1(key.encode()).hexdigest()[:12], 16)),
        title="Shopify webhook intake bench",
        label="signed Shopify webhooks",
    )


if __name__ == "__main__":
    sys.exit(main())

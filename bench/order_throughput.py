"""Orders through the whole hub path vs bare Odoo, in one process and one run (piped into odoo-bin shell).

hub path : signed generic webhook verified -> stored in the inbox -> processed by the inbox worker:
           validation, SKU resolution, partner, sale order created and confirmed, delivery reserved,
           channel order accepted (commit per batch, like the cron)
baseline : bare sale.order create + action_confirm for the same lines (commit per batch)

Prints orders/s for both and the ratio. Asserts nothing on timing; checks that every order was accepted.
"""

import json
import os
import time
import uuid

env = globals()["env"]  # provided by odoo-bin shell
N = int(os.environ.get("BENCH_ORDERS", "200"))
BATCH = 20
SECRET = os.environ["BENCH_SECRET"]

from odoo.addons.integration_hub.lib import standard_webhooks  # noqa: E402

channel = env["integration.channel"].search([("code", "=", "BENCH")], limit=1)
warehouse = channel.warehouse_id
Product = env["product.product"]
product = Product.search([("default_code", "=", "BENCH-SKU")], limit=1) or Product.create(
    {"name": "Bench product", "default_code": "BENCH-SKU", "is_storable": True}
)
# every round of both paths reserves N units: enough free stock for this whole run
env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 4 * N + 100)
partner = env["res.partner"].search([("email", "=", "bench@example.com")], limit=1) or env["res.partner"].create(
    {"name": "Bench customer", "email": "bench@example.com"}
)
# the normal path: a service selection rule picks the carrier (no rule would open an exception per order)
if "integration.carrier.rule" in env and not env["integration.carrier.rule"].search([("channel_id", "=", channel.id)]):
    service = env["product.product"].create({"name": "Bench shipping", "type": "service"})
    carrier = env["delivery.carrier"].create(
        {"name": "Bench carrier", "delivery_type": "fixed", "product_id": service.id}
    )
    env["integration.carrier.rule"].create(
        {
            "channel_id": channel.id,
            "service_level_id": env.ref("integration_hub.service_level_ground").id,
            "carrier_id": carrier.id,
            "service_code": "STD",
        }
    )
env.cr.commit()


def order_document(external_id):
    return {
        "type": "order.created",
        "data": {
            "id": external_id,
            "name": f"#{external_id}",
            "placed_at": "2026-11-27T09:00:00+01:00",
            "updated_at": "2026-11-27T09:00:00+01:00",
            "financial_status": "paid",
            "customer": {"name": "Bench customer", "email": "bench@example.com", "phone": "+34 612 345 678"},
            "shipping_address": {
                "name": "Bench customer",
                "street": "Calle de Colón 1",
                "street2": "",
                "zip": "46004",
                "city": "Valencia",
                "state": "",
                "country_code": "ES",
                "phone": "+34 612 345 678",
            },
            "service_level": "ground",
            "special_handling": "",
            "lines": [{"id": "1", "sku": "BENCH-SKU", "quantity": 1}],
        },
    }


def hub_path():
    run = uuid.uuid4().hex[:8]
    requests = []
    for n in range(N):
        body = json.dumps(order_document(f"B{run}-{n}")).encode()
        msg_id, ts = f"msg_{run}_{n}", str(int(time.time()))
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": ts,
            "webhook-signature": standard_webhooks.sign(SECRET, msg_id, ts, body),
        }
        requests.append((headers, body))
    adapter = channel._adapter()
    Event = env["integration.event"]
    started = time.perf_counter()
    for headers, body in requests:  # what the controller does per request
        envelope = adapter._verify_webhook(channel, headers, body)
        event_type, _data = adapter._parse_webhook(channel, envelope, body)
        Event._intake(
            channel, envelope.idempotency_key, body, event_type=event_type, source_timestamp=envelope.source_timestamp
        )
        env.cr.commit()  # 200 only after the row is committed
    while Event._queue_due_exists():  # the inbox worker (the cron): one event per transaction
        Event._cron_process_inbox()
        env.cr.commit()
    elapsed = time.perf_counter() - started
    accepted = env["integration.channel.order"].search_count(
        [("channel_id", "=", channel.id), ("external_id", "=like", f"B{run}-%"), ("state", "=", "accepted")]
    )
    return elapsed, accepted


def bare_path():
    started = time.perf_counter()
    for n in range(N):
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "warehouse_id": warehouse.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        if (n + 1) % BATCH == 0:
            env.cr.commit()
    env.cr.commit()
    return time.perf_counter() - started


N_REAL, N = N, 10  # warm caches with a few orders of each kind
bare_path()
hub_path()
N = N_REAL
rounds = []
for _round in range(2):
    bare = bare_path()
    hub, accepted = hub_path()
    rounds.append((N / bare, N / hub, accepted))
bare_rate = sum(r[0] for r in rounds) / len(rounds)
hub_rate = sum(r[1] for r in rounds) / len(rounds)
print(f"orders per round: {N}, batches of {BATCH}, 2 alternating rounds after warm-up")
print(f"  bare sale.order create+confirm   {bare_rate:8.1f} orders/s")
print(f"  hub: signed webhook -> accepted  {hub_rate:8.1f} orders/s  (accepted {[r[2] for r in rounds]} of {N})")
print(f"  ratio hub / bare = {hub_rate / bare_rate:.2f}   per round: " + " ".join(f"{r[1] / r[0]:.2f}" for r in rounds))
print("  [ok] every order accepted" if all(r[2] == N for r in rounds) else "  [FAIL] some orders were not accepted")

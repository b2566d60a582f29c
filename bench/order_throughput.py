"""Orders through the whole hub path vs bare Odoo, in one process and one run (piped into odoo-bin shell).

hub path : signed generic webhook verified -> stored in the inbox -> processed by the inbox worker:
           validation, SKU resolution, partner, sale order created and confirmed, delivery reserved,
           channel order accepted (commit per batch, like the cron)
baseline : bare sale.order create + action_confirm for the same lines (commit per batch)
also     : the same bare orders with a commit after each one (what any durable per-message inbox pays:
           every commit clears Odoo's cache), printed as a second ratio

Prints orders/s for both and the ratio. Asserts nothing on timing; checks that every order was accepted.
"""

import os
import time
import uuid

env = globals()["env"]  # provided by odoo-bin shell
N = int(os.environ.get("BENCH_ORDERS", "100"))
BATCH = 20
SECRET = os.environ["BENCH_SECRET"]

import hub_orders  # noqa: E402  (bench/, on PYTHONPATH)

channel = env["integration.channel"].search([("code", "=", "BENCH")], limit=1)
warehouse = channel.warehouse_id
Product = env["product.product"]
product = Product.search([("default_code", "=", "BENCH-SKU")], limit=1) or Product.create(
    {"name": "Bench product", "default_code": "BENCH-SKU", "is_storable": True}
)
# every round of the three paths reserves N units: enough free stock for this whole run
env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 6 * N + 100)
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


def hub_path():
    prefix = f"B{uuid.uuid4().hex[:8]}"
    messages = hub_orders.signed_messages(SECRET, prefix, N)
    started = time.perf_counter()
    hub_orders.take_in(env, channel, messages)
    hub_orders.drain_inbox(env)  # the inbox worker (the cron): one event per transaction
    elapsed = time.perf_counter() - started
    return elapsed, hub_orders.accepted(env, channel, prefix)


def bare_path(batch=BATCH):
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
        if (n + 1) % batch == 0:
            env.cr.commit()
    env.cr.commit()
    return time.perf_counter() - started


N_REAL, N = N, 10  # warm caches with a few orders of each kind
bare_path()
bare_path(1)
hub_path()
N = N_REAL
rounds = []
for _round in range(2):
    bare = bare_path()
    bare_each = bare_path(1)
    hub, accepted = hub_path()
    rounds.append((N / bare, N / hub, accepted, N / bare_each))
bare_rate = sum(r[0] for r in rounds) / len(rounds)
hub_rate = sum(r[1] for r in rounds) / len(rounds)
bare_each_rate = sum(r[3] for r in rounds) / len(rounds)
print(f"orders per round: {N}, batches of {BATCH}, 2 alternating rounds after warm-up")
print(f"  bare sale.order create+confirm   {bare_rate:8.1f} orders/s")
print(f"  hub: signed webhook -> accepted  {hub_rate:8.1f} orders/s  (accepted {[r[2] for r in rounds]} of {N})")
print(f"  ratio hub / bare = {hub_rate / bare_rate:.2f}   per round: " + " ".join(f"{r[1] / r[0]:.2f}" for r in rounds))
print(f"  bare, a commit per order         {bare_each_rate:8.1f} orders/s  (one transaction per order)")
print(f"  ratio hub / bare committing per order = {hub_rate / bare_each_rate:.2f}")
print("  [ok] every order accepted" if all(r[2] == N for r in rounds) else "  [FAIL] some orders were not accepted")
pipeline = "SUMMARY\tOrder pipeline: hub / bare sale.order"
print(f"{pipeline}, bare committing every {BATCH} (aim >= 0.8)\t{hub_rate / bare_rate:.2f}")
print(f"{pipeline} committing each order\t{hub_rate / bare_each_rate:.2f}")

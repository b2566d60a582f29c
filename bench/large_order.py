"""One order of 1,500 lines (variants and kits among them) from the signed webhook to its reserved delivery,
against bare Odoo doing the same sale order (create + confirm) in the same run (issue 23, "Order pipeline").
Piped into odoo-bin shell on the bench database (the BENCH channel of bench/setup_channel.py; bench/ on
PYTHONPATH). Prints seconds, the ratio and the process's peak memory growth; asserts nothing on timing;
checks the order accepted with every line reserved.
"""

import os
import resource
import time
import uuid

import hub_orders  # bench/, on PYTHONPATH

env = globals()["env"]  # provided by odoo-bin shell
LINES = int(os.environ.get("BENCH_ORDER_LINES", "1500"))
VARIANTS, KITS = LINES // 10, LINES // 10  # 150 variants of one template, 150 kits of two components each
PREFIX = "BBIG-"
SECRET = os.environ["BENCH_SECRET"]

channel = env["integration.channel"].search([("code", "=", "BENCH")], limit=1)
warehouse = channel.warehouse_id
Product = env["product.product"]


def set_up():
    """Products once per bench database: plain items, the variants of one template, kits (phantom BoMs)."""
    plain_count = LINES - VARIANTS - KITS
    plain = Product.create(
        [
            {"name": f"Big order item {n}", "default_code": f"{PREFIX}P{n:05d}", "is_storable": True}
            for n in range(plain_count)
        ]
    )
    size = env["product.attribute"].create(
        {
            "name": f"Bench size {uuid.uuid4().hex[:6]}",
            "value_ids": [(0, 0, {"name": f"S{n}"}) for n in range(VARIANTS)],
        }
    )
    template = env["product.template"].create(
        {
            "name": "Big order shirt",
            "is_storable": True,
            "attribute_line_ids": [(0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})],
        }
    )
    for n, variant in enumerate(template.product_variant_ids):
        variant.default_code = f"{PREFIX}V{n:05d}"
    kits = Product.create(
        [{"name": f"Big order kit {n}", "default_code": f"{PREFIX}K{n:05d}", "is_storable": True} for n in range(KITS)]
    )
    env["mrp.bom"].create(
        [
            {
                "product_tmpl_id": kit.product_tmpl_id.id,
                "product_id": kit.id,
                "type": "phantom",
                "bom_line_ids": [
                    (0, 0, {"product_id": plain[(2 * n) % len(plain)].id, "product_qty": 1}),
                    (0, 0, {"product_id": plain[(2 * n + 1) % len(plain)].id, "product_qty": 1}),
                ],
            }
            for n, kit in enumerate(kits)
        ]
    )
    for product in plain | template.product_variant_ids:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1000)
    env.cr.commit()


def of_kind(letter, count):
    """The first ``count`` bench products of one kind (P plain, V variant, K kit), by code."""
    return Product.search([("default_code", "=like", f"{PREFIX}{letter}%")], order="default_code", limit=count)


PLAIN = LINES - VARIANTS - KITS
if len(of_kind("P", PLAIN)) < PLAIN or len(of_kind("V", VARIANTS)) < VARIANTS or len(of_kind("K", KITS)) < KITS:
    print(
        f"  set-up: {LINES} products ({VARIANTS} variants, {KITS} kits) with stock, once per database ...", flush=True
    )
    set_up()
# the same mix at every size (a smaller run on a database set up for a larger one takes a share of each kind)
products = of_kind("P", PLAIN) | of_kind("V", VARIANTS) | of_kind("K", KITS)
skus = products.mapped("default_code")
listed = set(env["integration.external.id"].search([("channel_id", "=", channel.id)]).mapped("product_id").ids)
env["integration.external.id"].create(
    [{"channel_id": channel.id, "product_id": p.id, "sku": p.default_code} for p in products if p.id not in listed]
)
env.cr.commit()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hub_order():
    prefix = f"BIG{uuid.uuid4().hex[:8]}"
    messages = hub_orders.signed_messages(SECRET, prefix, 1, skus)
    started = time.perf_counter()
    hub_orders.take_in(env, channel, messages)
    hub_orders.drain_inbox(env)
    seconds = time.perf_counter() - started
    order = env["integration.channel.order"].search([("external_id", "=", f"{prefix}-0")])
    pickings = order.sale_order_id.picking_ids
    reserved = order.state == "accepted" and all(p.state == "assigned" for p in pickings)
    return seconds, reserved, len(order.line_ids)


def bare_order():
    partner = env["res.partner"].search([("email", "=", "bench@example.com")], limit=1) or env["res.partner"].create(
        {"name": "Bench customer", "email": "bench@example.com"}
    )
    started = time.perf_counter()
    sale = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": 1}) for p in products],
        }
    )
    sale.action_confirm()
    env.cr.commit()
    return time.perf_counter() - started


start_mb = peak_mb()
bare = bare_order()
hub, reserved, lines = hub_order()
print(f"one order of {LINES} lines ({VARIANTS} variants, {KITS} kits), webhook to reserved delivery")
print(f"  bare sale.order create + confirm  {bare:7.1f} s")
print(f"  hub: signed webhook -> reserved   {hub:7.1f} s   ({lines} lines on the channel order)")
print(f"  ratio hub / bare time = {hub / bare:.2f}; peak memory of the process +{peak_mb() - start_mb:.0f} MB")
print("  [ok] accepted, delivery reserved" if reserved and lines == LINES else "  [FAIL] not accepted or not reserved")
print(f"SUMMARY\tOrder of {LINES} lines: hub seconds (webhook to reserved delivery)\t{hub:.1f}")
print(f"SUMMARY\tOrder of {LINES} lines: hub time / bare sale.order time\t{hub / bare:.2f}")

"""Availability for 5,000 SKUs (250 of them kits; BENCH_SKUS / BENCH_KITS) and the payload to publish,
against a naive per-product ``qty_available`` loop, in one process and one run (piped into odoo-bin shell).

Prints both times and the ratio. Asserts nothing on timing; checks that both agree on the kits.
"""

import os
import time

env = globals()["env"]  # provided by odoo-bin shell
N = int(os.environ.get("BENCH_SKUS", "5000"))
KITS = int(os.environ.get("BENCH_KITS", "250"))
PREFIX = "BINV-"

channel = env["integration.channel"].search([("code", "=", "BENCH")], limit=1)
warehouse = channel.warehouse_id
Product = env["product.product"]

existing = Product.search_count([("default_code", "=like", PREFIX + "%")])
if existing < N:
    print(f"  set-up: creating {N} products ({KITS} kits) with stock, once per bench database ...", flush=True)
    started = time.perf_counter()
    plain = Product.create(
        [{"name": f"Bench item {n}", "default_code": f"{PREFIX}{n:05d}", "is_storable": True} for n in range(N - KITS)]
    )
    kits = Product.create(
        [{"name": f"Bench kit {n}", "default_code": f"{PREFIX}K{n:04d}", "is_storable": True} for n in range(KITS)]
    )
    env["mrp.bom"].create(
        [
            {
                "product_tmpl_id": kit.product_tmpl_id.id,
                "product_id": kit.id,
                "type": "phantom",
                "bom_line_ids": [
                    (0, 0, {"product_id": plain[(3 * n) % len(plain)].id, "product_qty": 1}),
                    (0, 0, {"product_id": plain[(3 * n + 1) % len(plain)].id, "product_qty": 2}),
                ],
            }
            for n, kit in enumerate(kits)
        ]
    )
    # stock in bulk: one quant per plain product (set-up only, not what is measured)
    env.flush_all()
    env.cr.execute(
        """INSERT INTO stock_quant (product_id, location_id, company_id, quantity, reserved_quantity, in_date,
                                    create_uid, create_date, write_uid, write_date)
           SELECT p.id, %s, %s, 5 + (p.id %% 40), 0, now() at time zone 'UTC', 1, now() at time zone 'UTC', 1,
                  now() at time zone 'UTC'
             FROM product_product p WHERE p.default_code LIKE %s AND p.default_code NOT LIKE %s""",
        [warehouse.lot_stock_id.id, warehouse.company_id.id, PREFIX + "%", PREFIX + "K%"],
    )
    env.cr.commit()
    print(f"  set-up took {time.perf_counter() - started:.1f} s", flush=True)

products = Product.search([("default_code", "=like", PREFIX + "%")], order="id")
ids = products.ids
env.invalidate_all()


def hub():
    quantities = channel._compute_availability(Product.browse(ids))
    payload = {code: quantities[pid] for pid, code in zip(ids, products.mapped("default_code"), strict=True)}
    return quantities, payload


def naive():
    result = {}
    for pid in ids:  # what an ORM read per product in a loop costs
        product = Product.browse(pid).with_context(warehouse_id=warehouse.id)
        result[pid] = max(0, int(product.free_qty))
    return result


hub()  # warm caches (registry, query plans) for both
env.invalidate_all()
t0 = time.perf_counter()
quantities, payload = hub()
hub_seconds = time.perf_counter() - t0
env.invalidate_all()
t0 = time.perf_counter()
naive_result = naive()
naive_seconds = time.perf_counter() - t0

kits = products.filtered(lambda p: p.default_code.startswith(PREFIX + "K"))
agree = sum(1 for kit in kits if quantities[kit.id] == naive_result[kit.id])
agree_all = sum(1 for pid in ids if quantities[pid] == naive_result[pid])
print(f"SKUs: {len(ids)} ({len(kits)} kits), payload entries: {len(payload)}")
print(f"  hub batched availability + payload   {hub_seconds:7.2f} s")
print(f"  naive per-product free_qty loop      {naive_seconds:7.2f} s")
print(f"  speed-up naive / hub = {naive_seconds / hub_seconds:.1f}x")
verdict = "ok" if agree == len(kits) else "FAIL"
print(f"  [{verdict}] kit availability agrees with Odoo's own (mrp) on {agree}/{len(kits)} kits")
print(f"  [{'ok' if agree_all == len(ids) else 'FAIL'}] every SKU agrees with Odoo's free_qty: {agree_all}/{len(ids)}")
env.cr.rollback()

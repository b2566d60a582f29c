"""One inventory publication cycle at warehouse scale (issue 23, "Publication at scale"): SKUs across 5 live
channels of 2 clients (the warehouse's own goods on 3 channels, a fulfilment client's on 2), 5 % of them kits.
Piped into odoo-bin shell on the bench database. Sizes: BENCH_PUB_SKUS (default 20,000; 100,000 for the issue's
full size).

Measured, same run: the first cycle (every listed SKU sent once), a cycle after 1 % of the SKUs changed (only
those queued), and the baseline: the one grouped quant query any publication needs (on hand per product).
Prints seconds, the ratio to the baseline and each cycle's own peak memory growth (the process's peak is reset
before each cycle, Linux /proc/self/clear_refs); asserts nothing on timing; checks that the second cycle
queued exactly the changed SKUs on each channel.
"""

import ctypes
import gc
import os
import resource
import time

env = globals()["env"]  # provided by odoo-bin shell
N = int(os.environ.get("BENCH_PUB_SKUS", "20000"))
KITS = N // 20
PREFIX = "BPUB-"
warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
stock = warehouse.lot_stock_id
Product = env["product.product"].with_context(tracking_disable=True, mail_create_nolog=True)
own = env.company.partner_id
client = env["res.partner"].search([("name", "=", "Bench fulfilment client")], limit=1) or env["res.partner"].create(
    {"name": "Bench fulfilment client", "is_company": True, "hub_client": True, "hub_accounting_mode": "fulfilment"}
)
split = N * 3 // 5  # the warehouse's own catalogue: 60 %; the client's: 40 %


def set_up():
    """Products, kits, stock and listings once per bench database and size (bulk: set-up is not measured)."""
    started = time.perf_counter()
    for first in range(0, N, 2000):
        Product.create(
            [
                {
                    "name": f"Pub item {n}",
                    "default_code": f"{PREFIX}{n:06d}",
                    "is_storable": True,
                    "hub_client_id": (own if n < split else client).id,
                }
                for n in range(first, min(first + 2000, N))
            ]
        )
        env.cr.commit()
    products = Product.search([("default_code", "=like", PREFIX + "%")], order="default_code")
    kits, plain = products[: KITS // 2] | products[split : split + KITS - KITS // 2], products
    plain -= kits
    plain_of = {
        own.id: plain.filtered(lambda p: p.hub_client_id == own),
        client.id: plain - plain.filtered(lambda p: p.hub_client_id == own),
    }
    env["mrp.bom"].create(
        [
            {
                "product_tmpl_id": kit.product_tmpl_id.id,
                "product_id": kit.id,
                "type": "phantom",
                "bom_line_ids": [
                    (0, 0, {"product_id": plain_of[kit.hub_client_id.id][(2 * n) % 100].id, "product_qty": 1}),
                    (0, 0, {"product_id": plain_of[kit.hub_client_id.id][(2 * n + 1) % 100].id, "product_qty": 2}),
                ],
            }
            for n, kit in enumerate(kits)
        ]
    )
    env.flush_all()
    env.cr.execute(
        """INSERT INTO stock_quant (product_id, location_id, company_id, owner_id, quantity, reserved_quantity,
                                    in_date, create_uid, create_date, write_uid, write_date)
           SELECT p.id, %s, %s, CASE WHEN t.hub_client_id = %s THEN %s END, 5 + (p.id %% 40), 0,
                  now() at time zone 'UTC', 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
             FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE p.default_code LIKE %s AND p.id NOT IN %s""",
        [stock.id, warehouse.company_id.id, client.id, client.id, PREFIX + "%", tuple(kits.ids)],
    )
    env.cr.commit()
    print(f"  set-up: {N:,} products ({len(kits):,} kits) with stock in {time.perf_counter() - started:.0f} s")


if Product.search_count([("default_code", "=like", PREFIX + "%")]) < N:
    set_up()

channels = env["integration.channel"]
for n in range(5):
    code = f"BPUB{n}"
    owner = own if n < 3 else client
    channel = env["integration.channel"].search([("code", "=", code)], limit=1) or env["integration.channel"].create(
        {
            "name": f"Bench publication {n}",
            "code": code,
            "platform": "generic",
            "state": "live",
            "warehouse_id": warehouse.id,
            "client_id": owner.id,
            "api_base_url": f"https://partner.example.com/{code.lower()}",
        }
    )
    channels |= channel
    # every product of the channel's client listed (bulk insert, set-up only), levels reset: a first cycle
    env.cr.execute("DELETE FROM integration_inventory_level WHERE channel_id = %s", [channel.id])
    env.cr.execute("DELETE FROM integration_job WHERE channel_id = %s", [channel.id])
    env.cr.execute(
        """INSERT INTO integration_external_id (channel_id, company_id, kind, product_id, sku, listed, source,
                                                create_uid, create_date, write_uid, write_date)
           SELECT %s, %s, 'product', p.id, p.default_code, true, 'manual', 1, now() at time zone 'UTC', 1,
                  now() at time zone 'UTC'
             FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE p.default_code LIKE %s AND t.hub_client_id = %s
              AND NOT EXISTS (SELECT 1 FROM integration_external_id x
                               WHERE x.channel_id = %s AND x.product_id = p.id)""",
        [channel.id, channel.company_id.id, PREFIX + "%", owner.id, channel.id],
    )
env.cr.commit()
env.invalidate_all()
product_ids = Product.search([("default_code", "=like", PREFIX + "%")]).ids


def memory_mb(field):
    """VmRSS (now) or VmHWM (the peak since ``reset_peak``) of this process, in MB (Linux /proc)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith(field + ":"))


def reset_peak():
    """Start the peak again from the current size, so that a cycle's peak is its own, not the set-up's.

    What an earlier cycle freed is handed back to the system first (Python keeps freed memory for reuse, so the
    size a cycle starts from would otherwise still hold the previous cycle's peak)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: the peak may then include memory an earlier cycle freed
        pass
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cycle():
    """(seconds, peak memory growth MB, {channel: SKUs queued}) for one publication of the 5 channels."""
    env.invalidate_all()
    own_peak = reset_peak()
    before = memory_mb("VmRSS") if own_peak else peak_mb()
    started = time.perf_counter()
    jobs = {}
    for channel in channels:
        jobs[channel.code] = channel._publish_inventory()
        env.cr.commit()
    seconds = time.perf_counter() - started
    growth = (memory_mb("VmHWM") if own_peak else peak_mb()) - before
    queued = {code: len(job._payload()) if job else 0 for code, job in jobs.items()}  # checked, not timed
    return seconds, growth, queued


def baseline():
    env.invalidate_all()
    started = time.perf_counter()
    env["stock.quant"]._read_group(
        [("product_id", "in", product_ids), ("location_id", "child_of", stock.id)], ["product_id"], ["quantity:sum"]
    )
    return time.perf_counter() - started


base = min(baseline() for _ in range(3))
first = cycle()
# 1 % of the plain SKUs change (a receipt, a count): only they, and the kits made of them, may be queued
changed = product_ids[KITS : KITS + N // 100]
env.cr.execute("UPDATE stock_quant SET quantity = quantity + 7 WHERE product_id IN %s", [tuple(changed)])
env.cr.commit()
second = cycle()
print(f"inventory publication: {N:,} SKUs ({KITS:,} kits), 5 live channels of 2 clients")
print(f"  baseline: one grouped quant query for every SKU      {base:7.2f} s")
print(f"  first cycle (every listed SKU sent)                   {first[0]:7.2f} s  peak memory +{first[1]:.0f} MB")
print(f"  cycle after 1 % changed                               {second[0]:7.2f} s  peak memory +{second[1]:.0f} MB")
print(f"  queued per channel, first cycle: {first[2]}")
print(f"  queued per channel, after the change: {second[2]}")
everything = sum(first[2].values()) == 3 * split + 2 * (N - split)
some = 0 < sum(second[2].values()) <= 5 * (len(changed) + KITS)
print("  [ok] all sent once, then only what changed" if everything and some else "  [FAIL] queued counts are wrong")
print(f"SUMMARY\tPublication, {N:,} SKUs x 5 channels: first cycle seconds\t{first[0]:.1f}")
print(f"SUMMARY\tPublication, {N:,} SKUs x 5 channels: 1 %-changed cycle / one quant query\t{second[0] / base:.1f}")

"""Scale-out set-up, piped into ``odoo-bin shell`` by scripts/bench.sh (not imported by anything else).

Twenty stocked SKUs SC-000..SC-019 for the BENCH channel's orders (created by bench/setup_channel.py), so
that the drained orders go the whole way (validated, reserved) instead of stopping on hold. Prints
``SCALE_SETUP={...}``.
"""

import json

env = globals()["env"]  # provided by odoo-bin shell (superuser environment)
SKUS = [f"SC-{n:03d}" for n in range(20)]

company = env.company
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
channel = env["integration.channel"].search([("code", "=", "BENCH"), ("company_id", "=", company.id)], limit=1)
Product = env["product.product"]
existing = set(Product.search([("default_code", "in", SKUS)]).mapped("default_code"))
Product.create(
    [{"name": f"Scale {sku}", "default_code": sku, "is_storable": True} for sku in SKUS if sku not in existing]
)
for product in Product.search([("default_code", "in", SKUS)]):
    if product.qty_available < 100_000:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1_000_000)
env.cr.commit()

print("SCALE_SETUP=" + json.dumps({"channel_id": channel.id, "token": channel.sudo().webhook_token, "skus": SKUS}))

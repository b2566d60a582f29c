"""`make chaos` set-up, piped into ``odoo-bin shell`` by scripts/chaos.sh (not imported by anything else).

Runs on a fresh copy of the chaos template database: a live generic channel CHAOS (known secret,
outbound to the stub partner at CHAOS_PARTNER_URL), twenty stocked SKUs CH-000..CH-019, and the settings the run needs:
three attempts before a message that keeps killing its worker is failed (six in production: the run
must stay bounded). Prints ``CHAOS_SETUP={...}`` for the driver.
"""

import json
import os

env = globals()["env"]  # provided by odoo-bin shell (superuser environment)
SECRET = os.environ["CHAOS_SECRET"]
PARTNER = os.environ["CHAOS_PARTNER_URL"]
CODE = "CHAOS"
SKUS = [f"CH-{n:03d}" for n in range(20)]

company = env.company
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
Channel = env["integration.channel"].with_context(active_test=False)
channel = Channel.search([("code", "=", CODE), ("company_id", "=", company.id)], limit=1) or Channel.create(
    {"name": "Chaos shop", "code": CODE, "platform": "generic", "state": "draft", "warehouse_id": warehouse.id}
)
channel.write({"state": "live", "active": True, "allowed_ips": False, "api_base_url": PARTNER})
if channel._get_secret("webhook_secret") != SECRET:
    channel.webhook_secret = SECRET

Product = env["product.product"]
existing = set(Product.search([("default_code", "in", SKUS)]).mapped("default_code"))
Product.create(
    [{"name": f"Chaos {sku}", "default_code": sku, "is_storable": True} for sku in SKUS if sku not in existing]
)
for product in Product.search([("default_code", "in", SKUS)]):
    if product.qty_available < 100_000:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1_000_000)

params = env["ir.config_parameter"]
params.set_param("integration_hub.inbox_max_attempts", "3")
for cron in ("ir_cron_process_inbox", "ir_cron_run_outbox"):
    env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [env.ref(f"integration_hub.{cron}").id])
env.cr.commit()

print("CHAOS_SETUP=" + json.dumps({"channel_id": channel.id, "token": channel.sudo().webhook_token, "skus": SKUS}))

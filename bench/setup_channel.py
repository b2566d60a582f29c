"""Bench set-up, piped into ``odoo-bin shell`` by scripts/bench.sh (not imported by anything else).

Creates (or reuses) the live generic channel BENCH with a known webhook secret,
empties its inbox so that the loss check starts from zero, and prints one line
``BENCH_CHANNEL={"id": .., "token": ..}`` for the shell script to pick up.
"""

import json
import os

env = globals()["env"]  # provided by odoo-bin shell (superuser environment)
SECRET = os.environ["BENCH_SECRET"]
CODE = "BENCH"

company = env.company
channel = (
    env["integration.channel"]
    .with_context(active_test=False)
    .search([("code", "=", CODE), ("company_id", "=", company.id)], limit=1)
)
if not channel:
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    channel = env["integration.channel"].create(
        {
            "name": "Bench generic shop",
            "code": CODE,
            "platform": "generic",
            "state": "live",
            "warehouse_id": warehouse.id,
        }
    )
values = {}
if channel.state != "live":
    values["state"] = "live"
if not channel.active:
    values["active"] = True
if channel.allowed_ips:
    values["allowed_ips"] = False
if values:
    channel.write(values)
if channel._get_secret("webhook_secret") != SECRET:
    channel.webhook_secret = SECRET  # the inverse encrypts it into integration.secret

# Start every run from an empty inbox for this channel (exceptions keep a NULL event).
env.cr.execute("DELETE FROM integration_event WHERE channel_id = %s", [channel.id])
# The cron is off during the bench: drop the wake-up triggers earlier runs left behind.
inbox_cron = env.ref("integration_hub.ir_cron_process_inbox")
env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [inbox_cron.id])
env.cr.commit()

print("BENCH_CHANNEL=" + json.dumps({"id": channel.id, "token": channel.sudo().webhook_token}))

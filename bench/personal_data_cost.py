"""The cost of encrypting personal data at rest, on webhook intake and on order processing (issue 22).

Same process, same run, alternating rounds: the hub path as shipped (bodies and delivery data sealed
with the hub's key, read back in clear) and the same path with sealing switched off (identity instead
of Fernet), as a ratio. Piped into odoo-bin shell on the bench database (needs the BENCH channel of
bench/setup_channel.py). Intake = verify + store + commit per message; processing = the inbox worker
up to an accepted order with its sale order. Prints numbers; asserts nothing on timing. The rounds
without encryption leave their orders in clear in the bench database (a bench database only).
"""

import os
import time
import uuid
from contextlib import ExitStack
from unittest.mock import patch

env = globals()["env"]  # provided by odoo-bin shell
N = int(os.environ.get("BENCH_PD_ORDERS", "100"))
ROUNDS = int(os.environ.get("BENCH_PD_ROUNDS", "2"))
SECRET = os.environ["BENCH_SECRET"]

import hub_orders  # noqa: E402  (bench/, on PYTHONPATH)

from odoo.addons.integration_hub.models import integration_event, personal_data_fields  # noqa: E402

channel = env["integration.channel"].search([("code", "=", "BENCH")], limit=1)
Product = env["product.product"]
product = Product.search([("default_code", "=", "BENCH-SKU")], limit=1) or Product.create(
    {"name": "Bench product", "default_code": "BENCH-SKU", "is_storable": True}
)
env["stock.quant"]._update_available_quantity(product, channel.warehouse_id.lot_stock_id, 4 * N + 40)
env.cr.commit()


def plain(value):
    return value


def run(n, encrypted):
    """(intake seconds, processing seconds, orders accepted) for ``n`` signed order webhooks."""
    prefix = f"PD{uuid.uuid4().hex[:8]}"
    messages = hub_orders.signed_messages(SECRET, prefix, n)
    with ExitStack() as stack:
        if not encrypted:  # the same code path, with sealing and unsealing as the identity
            stack.enter_context(patch.object(personal_data_fields, "seal_value", plain))
            stack.enter_context(patch.object(personal_data_fields, "unseal_value", plain))
            stack.enter_context(patch.object(integration_event, "seal_value", plain))
        started = time.perf_counter()
        hub_orders.take_in(env, channel, messages)
        intake = time.perf_counter() - started
        started = time.perf_counter()
        hub_orders.drain_inbox(env)
        processing = time.perf_counter() - started
    return intake, processing, hub_orders.accepted(env, channel, prefix)


run(5, True)  # warm-up, both ways
run(5, False)
rounds = {True: [], False: []}
for _round in range(ROUNDS):
    for encrypted in (False, True):
        rounds[encrypted].append(run(N, encrypted))


def mean(values):
    return sum(values) / len(values)


plain_intake, sealed_intake = (mean([r[0] for r in rounds[e]]) for e in (False, True))
plain_proc, sealed_proc = (mean([r[1] for r in rounds[e]]) for e in (False, True))
print(f"personal data encryption cost: {N} orders per round, {ROUNDS} alternating rounds each way after warm-up")
print(f"  webhook intake   clear {N / plain_intake:8.1f} msg/s   encrypted {N / sealed_intake:8.1f} msg/s")
print(f"  order processing clear {N / plain_proc:8.1f} ord/s   encrypted {N / sealed_proc:8.1f} ord/s")
intake_ratio, processing_ratio = sealed_intake / plain_intake, sealed_proc / plain_proc
print(f"  time ratio encrypted / clear: intake {intake_ratio:.3f}, processing {processing_ratio:.3f}")
ok = all(r[2] == N for runs in rounds.values() for r in runs)
print("  [ok] every order accepted" if ok else "  [FAIL] some orders were not accepted")
print(f"SUMMARY\tPersonal data encryption: intake time encrypted / clear\t{intake_ratio:.3f}")
print(f"SUMMARY\tPersonal data encryption: order processing time encrypted / clear\t{processing_ratio:.3f}")

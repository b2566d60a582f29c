"""Intake and processing with years of inbox history, and the job that keeps the inbox from growing forever
(issue 23, "History"). Piped into odoo-bin shell on the bench database (the BENCH channel of
bench/setup_channel.py; bench/ on PYTHONPATH).

1. a round on the inbox as it is: BENCH_HISTORY_INTAKE signed messages taken in (default 1,000, to a paused
   copy of the channel, so that none is processed; removed after the round), then N signed orders
   (BENCH_HISTORY_ORDERS, default 100) taken in and processed by the inbox worker;
2. H settled messages of 200 days ago added in SQL (BENCH_HISTORY_EVENTS, default 200,000; 1,000,000 for the
   issue's full size), then VACUUM ANALYZE and a CHECKPOINT, as autovacuum and PostgreSQL would;
3. the same round with that history in the table; then the daily archive job removes it (timed);
4. the same round again on the trimmed inbox.
Prints each round's rates and the history round as a ratio to the mean of the two rounds around it (1.0 =
unchanged). Asserts nothing on timing; checks every order accepted and every history row removed.
"""

import os
import time
import uuid

import hub_orders  # bench/, on PYTHONPATH

env = globals()["env"]  # provided by odoo-bin shell
N = int(os.environ.get("BENCH_HISTORY_ORDERS", "100"))
H = int(os.environ.get("BENCH_HISTORY_EVENTS", "200000"))
SECRET = os.environ["BENCH_SECRET"]

channel = env["integration.channel"].search([("code", "=", "BENCH")], limit=1)
Product = env["product.product"]
product = Product.search([("default_code", "=", "BENCH-SKU")], limit=1) or Product.create(
    {"name": "Bench product", "default_code": "BENCH-SKU", "is_storable": True}
)
env["stock.quant"]._update_available_quantity(product, channel.warehouse_id.lot_stock_id, 4 * N + 40)
env.cr.commit()


# Intake is timed on INTAKE_N messages to a paused copy of the channel (the inbox worker leaves a paused
# channel's messages alone: nothing is processed, and they are deleted after each round): a hundred
# messages take a third of a second, too short to tell the history's effect from a pause of the machine.
INTAKE_N = int(os.environ.get("BENCH_HISTORY_INTAKE", "1000"))
paused = env["integration.channel"].search([("code", "=", "BENCH-HIST")], limit=1)
if not paused:
    values = {"platform": "generic", "warehouse_id": channel.warehouse_id.id, "code": "BENCH-HIST"}
    paused = env["integration.channel"].create({**values, "name": "Bench history intake (paused)"})
paused.write({"state": "paused"})
paused.webhook_secret = SECRET
env.cr.commit()


def round_of_orders():
    """(intake msg/s, processing orders/s, accepted): INTAKE_N messages taken in, then N orders processed."""
    messages = hub_orders.signed_messages(SECRET, f"I{uuid.uuid4().hex[:8]}", INTAKE_N)
    started = time.perf_counter()
    hub_orders.take_in(env, paused, messages)
    intake = time.perf_counter() - started
    env.cr.execute("DELETE FROM integration_event WHERE channel_id = %s", [paused.id])
    env.cr.commit()
    prefix = f"H{uuid.uuid4().hex[:8]}"
    hub_orders.take_in(env, channel, hub_orders.signed_messages(SECRET, prefix, N))
    started = time.perf_counter()
    hub_orders.drain_inbox(env)
    processing = time.perf_counter() - started
    return INTAKE_N / intake, N / processing, hub_orders.accepted(env, channel, prefix)


def add_history(count):
    """``count`` settled order messages received 200 days ago, with a body of a realistic size (sealed text)."""
    tag = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    env.cr.execute(
        """
        INSERT INTO integration_event (channel_id, company_id, idempotency_key, event_type, source, payload,
                                       payload_encoding, payload_sha256, state, received_at, processed_at,
                                       attempts, create_uid, create_date, write_uid, write_date)
        SELECT %(channel)s, %(company)s, 'hist_' || %(tag)s || '_' || n, 'order.created', 'webhook',
               'pd1:' || repeat(md5(n::text), 24), 'utf-8', md5(n::text), 'done',
               now() at time zone 'utc' - interval '200 days', now() at time zone 'utc' - interval '200 days',
               1, 1, now() at time zone 'utc', 1, now() at time zone 'utc'
          FROM generate_series(1, %(count)s) AS n
        """,
        {"channel": channel.id, "company": channel.company_id.id, "tag": tag, "count": count},
    )
    env.cr.commit()
    # what autovacuum and the checkpointer would do after such a load, done now rather than during a round
    env.cr.connection.autocommit = True
    try:
        env.cr.execute("VACUUM (ANALYZE) integration_event")
        env.cr.execute("CHECKPOINT")
    finally:
        env.cr.connection.autocommit = False
    return time.perf_counter() - started


round_of_orders()  # warm-up
before = round_of_orders()
env.cr.execute("SELECT count(*) FROM integration_event")
table_before = env.cr.fetchone()[0]
insert_seconds = add_history(H)
with_history = round_of_orders()
started = time.perf_counter()
removed = env["integration.event"]._cron_archive_settled()
archive_seconds = time.perf_counter() - started
env.cr.commit()
after = round_of_orders()

base_intake, base_processing = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
print(
    f"inbox history: {INTAKE_N} messages taken in and {N} orders processed per round;"
    f" {H:,} settled messages of 200 days ago added ({insert_seconds:.1f} s)"
)
for label, figures in (
    (f"inbox as it was ({table_before:,} rows)", before),
    ("with the history", with_history),
    ("after the archive job", after),
):
    print(f"  {label:34} intake {figures[0]:7.1f} msg/s  processing {figures[1]:6.1f} ord/s")
intake_ratio, processing_ratio = with_history[0] / base_intake, with_history[1] / base_processing
print(f"  ratio with history / without: intake {intake_ratio:.2f}, processing {processing_ratio:.2f}")
rate = removed / archive_seconds
print(f"  archive job: {removed:,} messages removed in {archive_seconds:.1f} s ({rate:,.0f} rows/s)")
ok = all(r[2] == N for r in (before, with_history, after)) and removed >= H
print("  [ok] every order accepted, every history row removed" if ok else "  [FAIL] orders not accepted or rows left")
print(f"SUMMARY\tHistory ({H:,} events): intake with / without\t{intake_ratio:.2f}")
print(f"SUMMARY\tHistory ({H:,} events): processing with / without\t{processing_ratio:.2f}")
print(f"SUMMARY\tArchive job: settled messages removed per second\t{rate:,.0f}")

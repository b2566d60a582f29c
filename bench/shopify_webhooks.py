"""Intake throughput of signed Shopify webhooks vs a bare Odoo auth='none' route.

Same method as bench/webhook_intake.py (whose measuring code it reuses): run by
``make bench`` (scripts/bench.sh) against the same multi-process Odoo, with the
live Shopify channel BENCHSHOP from bench/setup_shopify_channel.py
(BENCH_SHOPIFY_CHANNEL_JSON / BENCH_SHOPIFY_SECRET).

  baseline    GET /web/health (auth='none', full database dispatch)
  webhooks    POST /integration_hub/v1/webhooks/<token>: orders/create, signed like
              Shopify (X-Shopify-Hmac-Sha256 over the raw body, shop domain, topic,
              a unique X-Shopify-Event-Id each)
  duplicates  10 % of those events delivered again (same event id, new webhook id):
              must collapse into the original row

Checks: one inbox row per unique event id (zero loss, no double) and
sum(duplicate_count) == re-sends. Timings are printed, never asserted.
"""

import argparse
import base64
import hashlib
import hmac
import importlib.util
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_webhook_intake", HERE / "webhook_intake.py")
intake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(intake)

ORDER_FIXTURE = json.loads(
    (HERE.parent / "addons/integration_hub_shopify/tests/fixtures/orders_create.json").read_text()
)


def order_body(number):
    order = dict(ORDER_FIXTURE, id=number, name=f"#{number}", admin_graphql_api_id=f"gid://shopify/Order/{number}")
    return json.dumps(order).encode()


def signed_shopify(token, secret, shop, event_id, body):
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2025-10",
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
    }
    return ("POST", intake.WEBHOOK_ROUTE + token, body, headers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8269")
    parser.add_argument("--db", default="integration_hub_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--requests", "-n", type=int, default=int(os.environ.get("BENCH_N", "2000")))
    parser.add_argument("--concurrency", "-c", type=int, default=int(os.environ.get("BENCH_C", "8")))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duplicate-share", type=float, default=0.10)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--server-mode", default="?")
    parser.add_argument("--server-pid", type=int, default=0)
    args = parser.parse_args()

    channel = json.loads(os.environ["BENCH_SHOPIFY_CHANNEL_JSON"])
    secret = os.environ["BENCH_SHOPIFY_SECRET"]
    token, channel_id, shop = channel["token"], channel["id"], channel["shop"]
    n, c, rounds = args.requests, args.concurrency, max(1, args.rounds)
    run = uuid.uuid4().hex[:8]
    meter = intake.CpuMeter(args.server_pid, args.db)
    before = intake.inbox_counts(args.db, args.db_host, channel_id)

    warm = [intake.baseline_request() for _ in range(args.warmup)]
    warm += [signed_shopify(token, secret, shop, f"warm-{run}-{i}", order_body(10**9 + i)) for i in range(args.warmup)]
    results, _wall, _cpu = intake.run_phase(args.url, warm, c)
    if not all(intake.is_ok(r) for r in results):
        bad = next(r for r in results if not intake.is_ok(r))
        sys.exit(f"warm-up failed: status {bad[1]}: {bad[2][:300]!r}")

    ids = [f"{run}-{i:06d}" for i in range(n)]
    bodies = [order_body(2 * 10**9 + i) for i in range(n)]
    step = max(1, round(1 / args.duplicate_share)) if args.duplicate_share > 0 else n + 1
    resend = list(range(0, n, step))[: round(n * args.duplicate_share)]

    baseline = intake.Phase("baseline /web/health", intake.is_ok)
    webhooks = intake.Phase("signed Shopify hooks", intake.json_message("accepted"))
    duplicates = intake.Phase("duplicate deliveries", intake.json_message("duplicate"))
    bounds = [round(i * n / rounds) for i in range(rounds + 1)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        baseline.add(*intake.run_phase(args.url, [intake.baseline_request()] * (end - start), c, meter))
        batch = [signed_shopify(token, secret, shop, ids[i], bodies[i]) for i in range(start, end)]
        webhooks.add(*intake.run_phase(args.url, batch, c, meter))
    if resend:
        batch = [signed_shopify(token, secret, shop, ids[i], bodies[i]) for i in resend]
        duplicates.add(*intake.run_phase(args.url, batch, c, meter))

    after = intake.inbox_counts(args.db, args.db_host, channel_id)
    unique_sent = n + args.warmup
    round_ratios = [w / b for w, b in zip(webhooks.round_rps, baseline.round_rps, strict=True)]
    out = [
        f"Shopify webhook intake bench - {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"  server: Odoo {args.url} ({args.server_mode}, no cron), database {args.db}",
        f"  client: {c} concurrent connections; {n} requests per kind in {rounds} alternating rounds;"
        f" body {statistics.mean(len(b) for b in bodies):.0f} bytes; {len(resend)} re-deliveries",
        "",
    ]
    for phase in (baseline, webhooks, duplicates):
        if phase.results:
            out += phase.report()
    out += [
        "",
        f"  ratio  signed Shopify webhooks / bare auth='none' route = {webhooks.rps:.1f} / {baseline.rps:.1f}"
        f" = {webhooks.rps / baseline.rps:.2f}",
        "         per round: " + " ".join(f"{r:.2f}" for r in round_ratios),
        "",
    ]
    new_rows = after["rows"] - before["rows"]
    checks = [
        (f"new inbox rows == unique event ids sent ({unique_sent})", new_rows == unique_sent, new_rows),
        ("no idempotency key stored twice", after["distinct_keys"] == after["rows"], after["distinct_keys"]),
        (
            f"re-deliveries collapsed into duplicate_count ({len(resend)})",
            after["duplicates"] - before["duplicates"] == len(resend),
            after["duplicates"] - before["duplicates"],
        ),
        (
            "no request failed or got an unexpected answer",
            not any(p.errors() for p in (baseline, webhooks, duplicates)),
            sum(len(p.errors()) for p in (baseline, webhooks, duplicates)),
        ),
    ]
    for label, ok, value in checks:
        out.append(f"  [{'ok' if ok else 'FAIL'}] {label}: {value}")
    print("\n".join(out), flush=True)
    return 0 if all(ok for _label, ok, _value in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

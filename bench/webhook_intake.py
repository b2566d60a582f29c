"""Intake throughput of signed generic webhooks vs a bare Odoo auth='none' route.

Run by ``make bench`` (scripts/bench.sh), which creates the bench database and the
live generic channel BENCH, starts a multi-process Odoo and passes the channel's
token and secret in BENCH_CHANNEL_JSON / BENCH_SECRET. Every number is measured in
this one run against the same server:

  baseline    GET /web/health (auth='none', goes through the full database dispatch)
  webhooks    POST /integration_hub/v1/webhooks/<token>, Standard Webhooks signed, unique ids
  duplicates  10 % of those ids sent again (re-signed, new timestamp): must collapse
  baseline    again, to see drift; the ratio uses the mean of both baseline runs

Then the inbox is checked: one row per unique id (no loss, no double), and
sum(duplicate_count) equals the number of re-sends. Exit status 1 if a check fails
or a request errored; timings are only printed, never asserted.
"""

import argparse
import http.client
import importlib
import importlib.util
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2

try:
    import psutil
except ImportError:  # CPU accounting is optional
    psutil = None

ROOT = Path(__file__).resolve().parent.parent
HUB_LIB = ROOT / "addons" / "integration_hub" / "lib"
WEBHOOK_ROUTE = "/integration_hub/v1/webhooks/"
BASELINE_ROUTE = "/web/health"


def load_standard_webhooks():
    """The hub's own signing code, imported by file path (plain Python, no odoo import)."""
    if "hub_lib" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "hub_lib", HUB_LIB / "__init__.py", submodule_search_locations=[str(HUB_LIB)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules["hub_lib"] = package
        spec.loader.exec_module(package)
    return importlib.import_module("hub_lib.standard_webhooks")


standard_webhooks = load_standard_webhooks()


# --- requests ---------------------------------------------------------------------
def order_body(external_id):
    """A realistic generic order.created body (~630 bytes), like tests/common.py order_payload."""
    data = {
        "id": external_id,
        "name": f"#{external_id}",
        "placed_at": "2026-11-20T10:00:00+01:00",
        "updated_at": "2026-11-20T10:00:00+01:00",
        "financial_status": "paid",
        "customer": {"name": "Lucía Pérez", "email": "lucia@example.com", "phone": "+34 612 345 678"},
        "shipping_address": {
            "name": "Lucía Pérez",
            "street": "Calle de Colón 12",
            "street2": "",
            "zip": "46004",
            "city": "Valencia",
            "state": "Valencia",
            "country_code": "ES",
            "phone": "+34 612 345 678",
        },
        "service_level": "next_day",
        "special_handling": "",
        "lines": [{"id": "l1", "sku": "MUG-001", "quantity": 1}],
    }
    return json.dumps({"type": "order.created", "data": data}).encode()


def signed_webhook(token, secret, msg_id, body):
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": standard_webhooks.sign(secret, msg_id, timestamp, body),
    }
    return ("POST", WEBHOOK_ROUTE + token, body, headers)


def baseline_request():
    return ("GET", BASELINE_ROUTE, None, {})


# --- load generator ---------------------------------------------------------------
class Resources:
    """CPU seconds used by the Odoo server processes, PostgreSQL and this client."""

    def __init__(self, server_pid):
        self.server_pid = server_pid

    def _processes(self):
        if psutil is None:
            return {}
        groups = {"odoo": [], "postgres": []}
        if self.server_pid:
            try:
                master = psutil.Process(self.server_pid)
                groups["odoo"] = [master, *master.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        groups["postgres"] = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
        return groups

    def snapshot(self):
        totals = {"client": time.process_time()}
        for group, processes in self._processes().items():
            seconds = 0.0
            for process in processes:
                try:
                    cpu = process.cpu_times()
                    seconds += cpu.user + cpu.system
                except psutil.Error:
                    pass
            totals[group] = seconds
        return totals


def run_phase(url, requests_, concurrency, resources=None):
    """Send ``requests_`` with ``concurrency`` client threads; one connection per request
    (Odoo's HTTP/1.0 workers close it after each response anyway)."""
    host, port = url.split("://", 1)[1].split(":")
    port = int(port)
    results = [None] * len(requests_)
    cursor = iter(range(len(requests_)))
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def client():
        barrier.wait()
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            method, path, body, headers = requests_[index]
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=30)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                connection.close()
                results[index] = (time.perf_counter() - started, response.status, payload)
            except (OSError, http.client.HTTPException) as error:
                results[index] = (time.perf_counter() - started, None, repr(error).encode())

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    before = resources.snapshot() if resources else {}
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    after = resources.snapshot() if resources else {}
    cpu = {group: after[group] - before[group] for group in after if group in before}
    return results, wall, cpu


def summarize(name, results, wall, cpu, expect):
    latencies = sorted(r[0] * 1000 for r in results)
    errors = [r for r in results if not expect(r)]

    def pct(p):
        return latencies[min(len(latencies) - 1, int(round(p / 100 * len(latencies))) - 1)]

    return {
        "name": name,
        "n": len(results),
        "rps": len(results) / wall,
        "wall": wall,
        "p50": statistics.median(latencies),
        "p99": pct(99),
        "max": latencies[-1],
        "errors": len(errors),
        "error_samples": [(r[1], r[2][:200].decode(errors="replace")) for r in errors[:3]],
        "cpu_ms": {group: seconds * 1000 / len(results) for group, seconds in cpu.items()},
        "cpu_cores": sum(cpu.values()) / wall if cpu else None,
    }


def is_ok(result):
    return result[1] == 200


def json_message(expected):
    def check(result):
        if result[1] != 200:
            return False
        try:
            return json.loads(result[2]).get("message") == expected
        except ValueError:
            return False

    return check


# --- inbox checks -----------------------------------------------------------------
def inbox_counts(db, db_host, channel_id, prefix):
    with psycopg2.connect(dbname=db, host=db_host) as connection, connection.cursor() as cr:
        cr.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE idempotency_key LIKE %(prefix)s),
                   count(DISTINCT idempotency_key),
                   COALESCE(sum(duplicate_count), 0),
                   COALESCE(sum(duplicate_count) FILTER (WHERE idempotency_key LIKE %(prefix)s), 0),
                   count(*) FILTER (WHERE state != 'received')
              FROM integration_event
             WHERE channel_id = %(channel)s
            """,
            {"channel": channel_id, "prefix": prefix + "%"},
        )
        total, measured, distinct, dup_total, dup_measured, not_received = cr.fetchone()
    connection.close()
    return {
        "rows": total,
        "measured_rows": measured,
        "distinct_keys": distinct,
        "duplicate_count": dup_total,
        "measured_duplicate_count": dup_measured,
        "not_received": not_received,
    }


# --- report -----------------------------------------------------------------------
def print_phase(stats):
    cpu = stats["cpu_ms"]
    cpu_text = (
        "  cpu/req ms: odoo {odoo:.2f} pg {postgres:.2f} client {client:.2f} ({cores:.2f} cores busy)".format(
            cores=stats["cpu_cores"], **{"odoo": 0, "postgres": 0, "client": 0, **cpu}
        )
        if cpu
        else ""
    )
    print(
        f"  {stats['name']:<22} {stats['n']:>6} req {stats['rps']:>8.1f} req/s   p50 {stats['p50']:>7.1f} ms"
        f"   p99 {stats['p99']:>7.1f} ms   max {stats['max']:>7.1f} ms   errors {stats['errors']}"
    )
    if cpu_text:
        print(" " * 26 + cpu_text.strip())
    for status, text in stats["error_samples"]:
        print(f"      error sample: status {status}: {text}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8269")
    parser.add_argument("--db", default="integration_hub_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--requests", "-n", type=int, default=int(os.environ.get("BENCH_N", "2000")))
    parser.add_argument("--concurrency", "-c", type=int, default=int(os.environ.get("BENCH_C", "8")))
    parser.add_argument("--duplicate-share", type=float, default=0.10, help="share of ids sent a second time")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per route (not measured)")
    parser.add_argument("--server-mode", default="?", help="label printed with the results")
    parser.add_argument("--server-pid", type=int, default=0, help="Odoo master pid, for CPU accounting")
    args = parser.parse_args()

    channel = json.loads(os.environ["BENCH_CHANNEL_JSON"])
    secret = os.environ["BENCH_SECRET"]
    token, channel_id = channel["token"], channel["id"]
    run = uuid.uuid4().hex[:8]
    prefix = f"bench_{run}_"
    resources = Resources(args.server_pid) if psutil else None

    # warm-up: both workers load the registry and routing map, caches fill
    warm = [baseline_request() for _ in range(args.warmup)]
    warm += [signed_webhook(token, secret, f"warmup_{run}_{i}", order_body(f"W{run}-{i}")) for i in range(args.warmup)]
    results, _wall, _cpu = run_phase(args.url, warm, args.concurrency)
    if not all(is_ok(r) for r in results):
        bad = next(r for r in results if not is_ok(r))
        sys.exit(f"warm-up failed: status {bad[1]}: {bad[2][:300]!r}")

    # everything is built and signed before the clock starts
    n, c = args.requests, args.concurrency
    ids = [f"{prefix}{i:06d}" for i in range(n)]
    bodies = [order_body(f"B{run}-{i:06d}") for i in range(n)]
    resend = list(range(0, n, max(1, round(1 / args.duplicate_share))))[: round(n * args.duplicate_share)]

    phases = []
    phases.append(
        summarize("baseline /web/health", *run_phase(args.url, [baseline_request()] * n, c, resources), is_ok)
    )
    webhooks = [signed_webhook(token, secret, ids[i], bodies[i]) for i in range(n)]
    phases.append(summarize("signed webhooks", *run_phase(args.url, webhooks, c, resources), json_message("accepted")))
    duplicates = [signed_webhook(token, secret, ids[i], bodies[i]) for i in resend]
    phases.append(
        summarize("duplicate re-sends", *run_phase(args.url, duplicates, c, resources), json_message("duplicate"))
    )
    phases.append(summarize("baseline (again)", *run_phase(args.url, [baseline_request()] * n, c, resources), is_ok))

    counts = inbox_counts(args.db, args.db_host, channel_id, prefix)
    baseline_rps = statistics.mean([phases[0]["rps"], phases[3]["rps"]])
    ratio = phases[1]["rps"] / baseline_rps
    body_bytes = statistics.mean(len(b) for b in bodies)

    print(f"Webhook intake bench - {time.strftime('%Y-%m-%d %H:%M:%S')}")
    print(
        f"  server: Odoo at {args.url} ({args.server_mode}, no cron), db {args.db}; "
        f"client: {c} concurrent connections, {os.cpu_count()} CPU cores on this machine"
    )
    print(
        f"  {n} requests per phase, body {body_bytes:.0f} bytes, {len(resend)} re-sends, {args.warmup}+{args.warmup} "
        "warm-up requests not measured"
    )
    print()
    for stats in phases:
        print_phase(stats)
    print()
    print(
        f"  ratio  signed webhooks / bare auth='none' route = {phases[1]['rps']:.1f} / {baseline_rps:.1f} = {ratio:.2f}"
    )
    print(f"         duplicate re-sends / bare route       = {phases[2]['rps'] / baseline_rps:.2f}")
    print()

    unique_sent = n + args.warmup
    checks = [
        (
            f"inbox rows for the channel == unique ids sent ({unique_sent} incl. warm-up)",
            counts["rows"] == unique_sent,
            counts["rows"],
        ),
        (f"measured-phase rows == {n}", counts["measured_rows"] == n, counts["measured_rows"]),
        ("no key stored twice", counts["distinct_keys"] == counts["rows"], counts["distinct_keys"]),
        (
            f"sum(duplicate_count) == re-sends ({len(resend)})",
            counts["measured_duplicate_count"] == len(resend),
            counts["measured_duplicate_count"],
        ),
        ("every event still 'received' (cron off)", counts["not_received"] == 0, counts["not_received"]),
        ("no request errored", not any(p["errors"] for p in phases), sum(p["errors"] for p in phases)),
    ]
    failed = False
    for label, ok, value in checks:
        failed |= not ok
        print(f"  [{'ok' if ok else 'FAIL'}] {label}: {value}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

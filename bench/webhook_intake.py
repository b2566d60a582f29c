"""Intake throughput of signed generic webhooks vs a bare Odoo auth='none' route.

Run by ``make bench`` (scripts/bench.sh), which creates the bench database and the
live generic channel BENCH, starts a multi-process Odoo and passes the channel's
token and secret in BENCH_CHANNEL_JSON / BENCH_SECRET. Everything is measured in
this one run, against the same server:

  baseline    GET /web/health: auth='none', through the full database dispatch
              (db list, registry check, routing, a read-only transaction)
  webhooks    POST /integration_hub/v1/webhooks/<token>, signed per Standard
              Webhooks (the hub's own lib/standard_webhooks.py), unique ids
  duplicates  10 % of those ids sent again (re-signed, new timestamp): must collapse

Baseline and webhooks alternate in rounds (N/rounds requests each) so that a
drift or a neighbour's load hits both alike; the ratio is total webhook req/s
over total baseline req/s, with the per-round ratios shown for spread. Then the
inbox is checked: one new row per unique id (no loss, no double) and
redelivery rows == re-sends. Exit 1 if a check fails or a request errored;
timings are printed, never asserted.
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
FLOOR_ROUTE = "/hub_bench/floor"


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
sample_order = importlib.import_module("hub_lib.sample_order")


# --- requests ---------------------------------------------------------------------
def order_body(external_id, lines=None, **kwargs):
    """A realistic generic order.created body (~630 bytes): the hub's own lib/sample_order.py."""
    return json.dumps(sample_order.sample_order_message(external_id, lines, **kwargs)).encode()


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


def floor_request(body):
    """The floor: the same body POSTed to a bare auth='none' route that INSERTs it and COMMITs (bench addon
    hub_bench_floor): what any durable acknowledgment inside Odoo must at least do."""
    return ("POST", FLOOR_ROUTE, body, {"Content-Type": "application/json"})


# --- CPU accounting ---------------------------------------------------------------
class CpuMeter:
    """CPU seconds of the Odoo server tree, PostgreSQL, this client and the whole machine.

    Exited processes count through their parent's children_* times: the Odoo master
    reaps recycled workers, the postmaster reaps per-connection backends (Odoo opens
    a new, unpooled connection to the 'postgres' database for some calls; those of
    other databases land there too). Sessions of other databases are left out.
    """

    def __init__(self, server_pid, db):
        self.server_pid, self.db = server_pid, db

    def _ours(self, process):
        """PostgreSQL processes of this bench: the postmaster and its helper processes,
        backends of the bench database and of 'postgres' - not other databases' sessions."""
        cmdline = " ".join(process.info["cmdline"] or ())
        return "(" not in cmdline or f" {self.db} " in cmdline or " postgres " in cmdline

    @staticmethod
    def _tree_seconds(processes, roots):
        seconds = 0.0
        for process in processes:
            try:
                cpu = process.cpu_times()
            except psutil.Error:
                continue
            seconds += cpu.user + cpu.system
            if process.pid in roots:
                seconds += cpu.children_user + cpu.children_system
        return seconds

    def snapshot(self):
        totals = {"client": time.process_time()}
        if psutil is None:
            return totals
        machine = psutil.cpu_times()
        totals["machine"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        if self.server_pid:
            try:
                master = psutil.Process(self.server_pid)
                totals["odoo"] = self._tree_seconds([master, *master.children(recursive=True)], {master.pid})
            except psutil.NoSuchProcess:
                pass
        postgres = [p for p in psutil.process_iter(["name", "ppid", "cmdline"]) if p.info["name"] == "postgres"]
        pg_pids = {p.pid for p in postgres}
        postgres = [p for p in postgres if p.info["ppid"] not in pg_pids or self._ours(p)]
        postmasters = {p.pid for p in postgres if p.info["ppid"] not in pg_pids}
        totals["postgres"] = self._tree_seconds(postgres, postmasters)
        return totals

    @staticmethod
    def delta(before, after):
        return {key: after[key] - before[key] for key in after if key in before}


# --- load generator ---------------------------------------------------------------
def run_phase(url, requests_, concurrency, meter=None):
    """Send ``requests_`` from ``concurrency`` client threads, one connection per request
    (Odoo's HTTP/1.0 workers close it after each response anyway).

    Returns ([(seconds, status, body)], wall seconds, {cpu group: seconds})."""
    host, port = url.split("://", 1)[1].rstrip("/").split(":")
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
    before = meter.snapshot() if meter else {}
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = CpuMeter.delta(before, meter.snapshot()) if meter else {}
    return results, wall, cpu


class Phase:
    """Accumulates the rounds of one kind of request."""

    def __init__(self, name, expect):
        self.name, self.expect = name, expect
        self.results, self.wall, self.cpu, self.round_rps = [], 0.0, {}, []

    def add(self, results, wall, cpu):
        self.results += results
        self.wall += wall
        self.round_rps.append(len(results) / wall)
        for group, seconds in cpu.items():
            self.cpu[group] = self.cpu.get(group, 0.0) + seconds

    @property
    def rps(self):
        return len(self.results) / self.wall

    def errors(self):
        return [r for r in self.results if not self.expect(r)]

    def p99(self):
        latencies = sorted(r[0] * 1000 for r in self.results)
        return latencies[min(len(latencies) - 1, max(0, round(0.99 * len(latencies)) - 1))]

    def report(self):
        n = len(self.results)
        latencies = sorted(r[0] * 1000 for r in self.results)
        p99 = latencies[min(n - 1, max(0, round(0.99 * n) - 1))]
        errors = self.errors()
        lines = [
            f"  {self.name:<21} {n:>5} req {self.rps:>7.1f} req/s   p50 {statistics.median(latencies):>6.1f} ms"
            f"   p99 {p99:>6.1f} ms   max {latencies[-1]:>6.1f} ms   errors {len(errors)}"
        ]
        if "machine" in self.cpu:
            per_req = {group: seconds * 1000 / n for group, seconds in self.cpu.items()}
            other = per_req["machine"] - sum(per_req.get(g, 0.0) for g in ("odoo", "postgres", "client"))
            lines.append(
                f"  {'':<21} CPU per request: odoo {per_req.get('odoo', 0):.2f} ms, postgres"
                f" {per_req.get('postgres', 0):.2f} ms, bench client {per_req['client']:.2f} ms, rest of machine"
                f" {max(other, 0):.2f} ms; machine busy {self.cpu['machine'] / self.wall:.2f} of"
                f" {os.cpu_count()} cores"
            )
            if other > 0.2 * per_req["machine"]:
                lines.append(
                    f"  {'':<21} note: {other / per_req['machine']:.0%} of the busy CPU was outside Odoo, PostgreSQL"
                    " and the client (another job running?): these numbers are noisy"
                )
        for _seconds, status, body in errors[:3]:
            lines.append(f"      error sample: status {status}: {body[:200].decode(errors='replace')}")
        return lines


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
def inbox_counts(db, db_host, channel_id):
    connection = psycopg2.connect(dbname=db, host=db_host)
    try:
        with connection.cursor() as cr:
            cr.execute(
                """
                SELECT count(*), count(DISTINCT idempotency_key),
                       (SELECT count(*) FROM integration_event_redelivery r
                          JOIN integration_event e ON e.id = r.event_id WHERE e.channel_id = %s),
                       count(*) FILTER (WHERE state != 'received')
                  FROM integration_event
                 WHERE channel_id = %s
                """,
                [channel_id, channel_id],
            )
            return dict(zip(("rows", "distinct_keys", "duplicates", "not_received"), cr.fetchone(), strict=True))
    finally:
        connection.close()


def summary_line(what, value):
    """A line scripts/bench.sh collects into the final summary table (every part prints its own)."""
    return f"SUMMARY\t{what}\t{value}"


# --- the measurement, shared with bench/shopify_webhooks.py ---------------------------
def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default="http://127.0.0.1:8269")
    parser.add_argument("--db", default="integration_hub_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--requests", "-n", type=int, default=int(os.environ.get("BENCH_N", "2000")))
    parser.add_argument("--concurrency", "-c", type=int, default=int(os.environ.get("BENCH_C", "8")))
    parser.add_argument("--rounds", type=int, default=4, help="baseline/webhook alternations")
    parser.add_argument("--duplicate-share", type=float, default=0.10, help="share of ids sent a second time")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per route (not measured)")
    parser.add_argument("--server-mode", default="?", help="label printed with the results")
    parser.add_argument("--server-pid", type=int, default=0, help="Odoo master pid, for CPU accounting")
    return parser.parse_args()


def run_bench(args, channel_id, sign, body_for, title, label):
    """Alternate baseline and signed webhooks, re-send a share, check the inbox; print; return the exit code.

    ``sign(message_id, body)`` builds one request; ``body_for(key)`` one payload (unique per key).
    """
    n, c, rounds = args.requests, args.concurrency, max(1, args.rounds)
    run = uuid.uuid4().hex[:8]
    meter = CpuMeter(args.server_pid, args.db)
    before = inbox_counts(args.db, args.db_host, channel_id)

    # warm-up: both workers load the registry and routing map, caches fill
    warm = [baseline_request() for _ in range(args.warmup)]
    warm += [sign(f"warmup_{run}_{i}", body_for(f"W{run}-{i}")) for i in range(args.warmup)]
    results, _wall, _cpu = run_phase(args.url, warm, c)
    if not all(is_ok(r) for r in results):
        bad = next(r for r in results if not is_ok(r))
        sys.exit(f"warm-up failed: status {bad[1]}: {bad[2][:300]!r}")

    ids = [f"bench_{run}_{i:06d}" for i in range(n)]
    bodies = [body_for(f"B{run}-{i:06d}") for i in range(n)]
    step = max(1, round(1 / args.duplicate_share)) if args.duplicate_share > 0 else n + 1
    resend = list(range(0, n, step))[: round(n * args.duplicate_share)]

    baseline = Phase("baseline /web/health", is_ok)
    floor = Phase("floor: 1 INSERT + COMMIT", json_message("stored"))
    webhooks = Phase(label, json_message("accepted"))
    duplicates = Phase("duplicate re-sends", json_message("duplicate"))
    bounds = [round(i * n / rounds) for i in range(rounds + 1)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        baseline.add(*run_phase(args.url, [baseline_request()] * (end - start), c, meter))
        floor.add(*run_phase(args.url, [floor_request(bodies[i]) for i in range(start, end)], c, meter))
        # signed just before sending (replay window), but before the clock starts
        webhooks.add(*run_phase(args.url, [sign(ids[i], bodies[i]) for i in range(start, end)], c, meter))
    if resend:
        duplicates.add(*run_phase(args.url, [sign(ids[i], bodies[i]) for i in resend], c, meter))

    after = inbox_counts(args.db, args.db_host, channel_id)
    unique_sent = n + args.warmup
    round_ratios = [w / b for w, b in zip(webhooks.round_rps, baseline.round_rps, strict=True)]

    out = [
        f"{title} - {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"  server: Odoo {args.url} ({args.server_mode}, no cron), database {args.db}",
        f"  client: {c} concurrent connections, one per request; {n} requests per kind in {rounds} alternating"
        f" rounds; body {statistics.mean(len(b) for b in bodies):.0f} bytes; {len(resend)} re-sends;"
        f" {args.warmup}+{args.warmup} warm-up requests not counted",
        "",
    ]
    for phase in (baseline, floor, webhooks, duplicates):
        if phase.results:
            out += phase.report()
    floor_ratios = [w / f for w, f in zip(webhooks.round_rps, floor.round_rps, strict=True)]
    out += [
        "",
        f"  ratio  {label} / bare auth='none' route = {webhooks.rps:.1f} / {baseline.rps:.1f}"
        f" = {webhooks.rps / baseline.rps:.2f}",
        "         per round: " + " ".join(f"{r:.2f}" for r in round_ratios),
        f"  ratio  {label} / one-insert floor = {webhooks.rps:.1f} / {floor.rps:.1f}"
        f" = {webhooks.rps / floor.rps:.2f}   (aim: >= 0.9; p99 {webhooks.p99():.0f} ms, aim < 100 ms)",
        "         per round: " + " ".join(f"{r:.2f}" for r in floor_ratios),
    ]
    out += [
        summary_line(f"{label}: throughput / one-insert floor (aim >= 0.9)", f"{webhooks.rps / floor.rps:.2f}"),
        summary_line(f"{label}: throughput / /web/health", f"{webhooks.rps / baseline.rps:.2f}"),
        summary_line(f"{label}: p99 latency at {c} clients (aim < 100 ms)", f"{webhooks.p99():.0f} ms"),
    ]
    if duplicates.results:
        out.append(f"         duplicate re-sends / bare route = {duplicates.rps / baseline.rps:.2f}")
    out.append("")

    new_rows = after["rows"] - before["rows"]
    phases = (baseline, floor, webhooks, duplicates)
    checks = [
        (f"new inbox rows == unique ids sent ({unique_sent}, warm-up included)", new_rows == unique_sent, new_rows),
        ("no idempotency key stored twice", after["distinct_keys"] == after["rows"], after["distinct_keys"]),
        (
            f"redeliveries grew by the re-sends ({len(resend)})",
            after["duplicates"] - before["duplicates"] == len(resend),
            after["duplicates"] - before["duplicates"],
        ),
        ("every event still 'received' (cron off)", after["not_received"] == 0, after["not_received"]),
        (
            "no request failed or got an unexpected answer",
            not any(p.errors() for p in phases),
            sum(len(p.errors()) for p in phases),
        ),
    ]
    for check_label, ok, value in checks:
        out.append(f"  [{'ok' if ok else 'FAIL'}] {check_label}: {value}")
    print("\n".join(out), flush=True)
    return 0 if all(ok for _label, ok, _value in checks) else 1


def main():
    args = parse_args(__doc__.splitlines()[0])
    channel = json.loads(os.environ["BENCH_CHANNEL_JSON"])
    secret = os.environ["BENCH_SECRET"]
    return run_bench(
        args,
        channel["id"],
        sign=lambda msg_id, body: signed_webhook(channel["token"], secret, msg_id, body),
        body_for=order_body,
        title="Webhook intake bench",
        label="signed webhooks",
    )


if __name__ == "__main__":
    sys.exit(main())

"""Scale-out: one Odoo server, then two, draining the same inbox (run by scripts/bench.sh).

Each round: a server without cron workers takes N signed generic orders through the webhook (nothing is
processed yet), stops; then ``--servers`` servers with cron workers start on the same database and drain
the inbox with ``2 x servers`` parallel runs (the hub's *Parallel runs per queue*). Processing speed is
N / (last processed - first started), read from the events themselves, so server start-up is not in it.

Checks, per round: every event done exactly once (no order doubled, none stuck), attempts per event.
Prints a table and ``SUMMARY`` lines: two servers' throughput as a ratio to one server's, same run.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webhook_intake import order_body, run_phase, signed_webhook, summary_line  # noqa: E402


def scale_out_order(external_id, skus):
    """One order of one line, its SKU spread over the bench catalog."""
    line = {"id": "l1", "sku": skus[hash(external_id) % len(skus)], "quantity": 1}
    return order_body(external_id, [line], buyer_name="Bench Buyer", email="buyer@example.com")


class Servers:
    """``count`` Odoo servers on consecutive free ports, started from the JSON command template."""

    def __init__(self, template, ports, crons, logfile):
        self.processes = []
        for port in ports:
            command = [
                part.replace("{port}", str(port)).replace("{gevent_port}", str(port + 1)).replace("{crons}", str(crons))
                for part in template
            ]
            command = [part.replace("{logfile}", f"{logfile}.{port}") for part in command]
            self.processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            self.wait_health(port)

    @staticmethod
    def wait_health(port, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"Odoo on port {port} did not answer /web/health within {seconds} s")

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def batch_figures(db, channel_id, keys):
    with psycopg2.connect(dbname=db, host="127.0.0.1") as connection, connection.cursor() as cr:
        cr.execute(
            """SELECT count(*) FILTER (WHERE state IN ('done', 'failed')),
                      count(*) FILTER (WHERE state NOT IN ('done', 'failed')),
                      COALESCE(sum(attempts), 0),
                      EXTRACT(EPOCH FROM max(processed_at) - min(started_at))
                 FROM integration_event WHERE channel_id = %s AND idempotency_key = ANY(%s)""",
            [channel_id, keys],
        )
        settled, open_, attempts, window = cr.fetchone()
        cr.execute(
            """SELECT count(*), count(DISTINCT external_id)
                 FROM integration_channel_order WHERE channel_id = %s AND external_id = ANY(%s)""",
            [channel_id, keys],
        )
        orders, distinct_orders = cr.fetchone()
    return {
        "settled": settled,
        "open": open_,
        "attempts": int(attempts),
        "window": float(window or 0),
        "orders": orders,
        "doubled": orders - distinct_orders,
    }


def set_parallel_runs(shell_cmd, runs):
    script = (
        f"env['integration.event']._queue_set_parallel_runs({runs})\n"
        f"env['integration.job']._queue_set_parallel_runs({runs})\n"
        'env.cr.execute("DELETE FROM ir_cron_trigger")\n'
        "env.cr.commit()\n"
    )
    subprocess.run(shell_cmd, input=script.encode(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_round(args, setup, servers):
    template = json.loads(args.server_cmd)
    run_id = uuid.uuid4().hex[:8]
    keys = [f"scale-{run_id}-{n}" for n in range(args.orders)]
    set_parallel_runs(json.loads(args.shell_cmd), 2 * servers)

    intake = Servers(template, [args.port], 0, args.logfile)
    try:
        requests_ = [
            signed_webhook(setup["token"], args.secret, key, scale_out_order(key, setup["skus"])) for key in keys
        ]
        results, _wall, _cpu = run_phase(f"http://127.0.0.1:{args.port}", requests_, 8)
    finally:
        intake.stop()
    refused = sum(1 for _seconds, status, _body in results if status != 200)

    drainers = Servers(template, [args.port + 10 * n for n in range(servers)], 2, args.logfile)
    deadline = time.monotonic() + args.timeout
    try:
        while True:
            figures = batch_figures(args.db, setup["channel_id"], keys)
            if figures["open"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        drainers.stop()
    figures["refused"] = refused
    figures["servers"] = servers
    figures["per_second"] = figures["settled"] / figures["window"] if figures["window"] else 0.0
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--server-cmd", required=True, help="JSON list; {port} {gevent_port} {crons} {logfile}")
    parser.add_argument("--shell-cmd", required=True, help="JSON list: odoo-bin shell for the database")
    parser.add_argument("--setup", required=True, help="JSON: channel_id, token, skus")
    parser.add_argument("--secret", default=os.environ.get("BENCH_SECRET", ""))
    parser.add_argument("--port", type=int, default=8469)
    parser.add_argument("--orders", type=int, default=int(os.environ.get("BENCH_SCALE_ORDERS", "300")))
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--logfile", default="bench/results/scale_out_server.log")
    args = parser.parse_args()
    setup = json.loads(args.setup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops its servers

    rounds = [run_round(args, setup, servers) for servers in (1, 2)]
    print(f"Scale-out: {args.orders} signed generic orders per round, drained by 1 then 2 Odoo servers")
    print("servers  runs  processed  open  doubled  attempts  window s  orders/s  refused at intake")
    for r in rounds:
        print(
            f"{r['servers']:>7}  {2 * r['servers']:>4}  {r['settled']:>9}  {r['open']:>4}  {r['doubled']:>7}"
            f"  {r['attempts']:>8}  {r['window']:>8.1f}  {r['per_second']:>8.1f}  {r['refused']:>17}"
        )
    one, two = rounds
    ratio = two["per_second"] / one["per_second"] if one["per_second"] else 0.0
    print(f"Two servers / one server: {ratio:.2f}x")
    exact = all(r["open"] == 0 and r["doubled"] == 0 and r["settled"] == args.orders for r in rounds)
    print("Every event processed exactly once: " + ("yes" if exact else "NO"))
    print(summary_line("Scale-out: 2 servers / 1 server (inbox orders/s)", f"{ratio:.2f}"))
    print(summary_line("Scale-out: events lost, doubled or stuck", str(sum(r["open"] + r["doubled"] for r in rounds))))
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())

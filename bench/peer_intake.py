"""The hub's Shopify intake against the OCA `shopify_connector` (18.0) webhook: same deliveries, same run.

Run by scripts/bench.sh against two servers of the same build, up at the same time: one serves the hub's
bench database, the other a second database with the peer installed. Hub and peer alternate in rounds
(each idle while the other is measured), then ``--compare`` prints the side-by-side table:

  deliveries  N signed Shopify ``orders/create`` deliveries (the project's fixture order, a new id each)
              from 8 clients; 30 % of the orders are delivered twice (the same X-Shopify-Webhook-Id and
              Event-Id, as Shopify redelivers): half of those at the same instant by two clients, half
              afterwards; the set is the same for both targets (a fixed seed)
  measured    throughput, p50 / p99 latency, answers that are not 200, rows stored vs unique deliveries
              (lost or doubled)

Each server runs without cron (intake only: what is acknowledged, not what is processed later).
Timings are printed, never asserted.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg2

HERE = Path(__file__).resolve().parent
ORDER_FIXTURE = json.loads(
    (HERE.parent / "addons/integration_hub_shopify/tests/fixtures/orders_create.json").read_text()
)
SHOP = "bench-shop.myshopify.com"


def deliveries(n, run, seed=20261129):
    """[[(webhook id, event id, body)], ...]: one task per order, two deliveries for a redelivered one."""
    rng = random.Random(seed)
    tasks, later = [], []
    for number in range(n):
        order_id = 7_000_000_000 + number
        order = dict(
            ORDER_FIXTURE, id=order_id, name=f"#{order_id}", admin_graphql_api_id=f"gid://shopify/Order/{order_id}"
        )
        delivery = (f"{run}-wh-{number}", f"{run}-ev-{number}", json.dumps(order).encode())
        roll = rng.random()
        if roll < 0.15:
            tasks.append([delivery, delivery])  # the same delivery twice, at the same instant
        elif roll < 0.30:
            tasks.append([delivery])
            later.append([delivery])  # redelivered afterwards
        else:
            tasks.append([delivery])
    rng.shuffle(tasks)
    return tasks + later


def headers_for(secret, webhook_id, event_id, body):
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": "2025-10",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
    }


def send_all(url, path, secret, tasks, clients):
    host, port = url.split("://")[1].split(":")
    results, lock, queue = [], threading.Lock(), list(reversed(tasks))

    def post(delivery, barrier=None):
        webhook_id, event_id, body = delivery
        headers = headers_for(secret, webhook_id, event_id, body)
        if barrier:
            barrier.wait(30)
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
            connection.close()
        except (OSError, http.client.HTTPException):
            status = None
        with lock:
            results.append((time.perf_counter() - started, status))

    def client():
        while True:
            with lock:
                if not queue:
                    return
                task = queue.pop()
            if len(task) == 1:
                post(task[0])
                continue
            barrier = threading.Barrier(2)
            twin = threading.Thread(target=post, args=(task[1], barrier))
            twin.start()
            post(task[0], barrier)
            twin.join()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def stored(db, target, run):
    """(rows, distinct ids) the target stored for this run's deliveries."""
    connection = psycopg2.connect(dbname=db, host="127.0.0.1")
    try:
        with connection.cursor() as cr:
            if target == "hub":
                cr.execute(
                    "SELECT count(*), count(DISTINCT idempotency_key) FROM integration_event"
                    " WHERE idempotency_key LIKE %s",
                    [f"%{run}-ev-%"],
                )
            else:
                cr.execute(
                    "SELECT count(*), count(DISTINCT webhook_id) FROM shopify_webhook_event WHERE webhook_id LIKE %s",
                    [f"{run}-wh-%"],
                )
            return cr.fetchone()
    finally:
        connection.close()


def one_round(target, run, n, concurrency):
    """The same deliveries (seeded) to one target: (results, wall seconds, rows stored, distinct ids)."""
    results, wall = send_all(target["url"], target["path"], target["secret"], deliveries(n, run), concurrency)
    rows, distinct = stored(target["db"], target["name"], run)
    return results, wall, rows, distinct


def figures_for(name, rounds, n):
    results = [result for round_ in rounds for result in round_[0]]
    latencies = sorted(seconds * 1000 for seconds, _status in results)
    rows = sum(round_[2] for round_ in rounds)
    distinct = sum(round_[3] for round_ in rounds)
    unique = n * len(rounds)
    return {
        "target": name,
        "deliveries": len(results),
        "unique": unique,
        "throughput": len(results) / sum(round_[1] for round_ in rounds),
        "per_round": [len(round_[0]) / round_[1] for round_ in rounds],
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, round(0.99 * len(latencies)) - 1)],
        "not_200": sum(1 for _seconds, status in results if status != 200),
        "rows": rows,
        "lost": unique - distinct,
        "doubled": rows - distinct,
    }


def measure(args):
    """Both servers up (each idle while the other is measured): hub and peer alternate in rounds, so that a
    drift or a neighbour's load hits both alike; each round sends both the same seeded deliveries."""
    targets = []
    for name, url, db, setup in (
        ("hub", args.hub_url, args.hub_db, args.hub_setup),
        ("peer", args.peer_url, args.peer_db, args.peer_setup),
    ):
        targets.append({"name": name, "url": url, "db": db, **json.loads(setup)})
    stamp = int(time.time())
    for target in targets:  # warm-up: every HTTP worker loads its registry (not counted)
        send_all(target["url"], target["path"], target["secret"], deliveries(40, f"w{stamp}", seed=1), 8)
    per_round = max(1, args.requests // args.rounds)
    rounds = {target["name"]: [] for target in targets}
    for number in range(args.rounds):
        order = targets if number % 2 == 0 else list(reversed(targets))  # neither always goes first
        for target in order:
            rounds[target["name"]].append(one_round(target, f"peer{stamp}r{number}", per_round, args.concurrency))
    for target in targets:
        figures = figures_for(target["name"], rounds[target["name"]], per_round)
        Path(args.out_dir, f"peer_{target['name']}.json").write_text(json.dumps(figures))
        print(
            f"  {target['name']:<5} {figures['deliveries']} deliveries ({figures['unique']} unique) in {args.rounds}"
            f" rounds: {figures['throughput']:.1f}/s, p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms,"
            f" not 200: {figures['not_200']}, rows {figures['rows']} (lost {figures['lost']},"
            f" doubled {figures['doubled']})",
            flush=True,
        )


def compare(hub_file, peer_file):
    hub, peer = (json.loads(Path(name).read_text()) for name in (hub_file, peer_file))
    ratio = hub["throughput"] / peer["throughput"]
    lines = [
        f"Shopify intake: the hub vs OCA shopify_connector 18.0 - {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"  same {hub['deliveries']} deliveries ({hub['unique']} unique orders, 30 % redelivered, half of them at"
        " the same instant), 8 clients, same server build (prefork, 2 HTTP workers, no cron), both servers up,"
        " hub and peer alternating in rounds",
        "",
        "| | hub | OCA shopify_connector |",
        "| --- | --- | --- |",
    ]
    for key, label, fmt in (
        ("throughput", "deliveries per second", "{:.1f}"),
        ("p50", "p50 latency (ms)", "{:.0f}"),
        ("p99", "p99 latency (ms)", "{:.0f}"),
        ("not_200", "answers not 200", "{}"),
        ("rows", "rows stored", "{}"),
        ("lost", "lost deliveries", "{}"),
        ("doubled", "doubled deliveries", "{}"),
    ):
        lines.append(f"| {label} | {fmt.format(hub[key])} | {fmt.format(peer[key])} |")
    lines += [
        "",
        f"  throughput hub / peer = {ratio:.2f} (aim: >= 1.5); per round: "
        + " ".join(f"{h / p:.2f}" for h, p in zip(hub.get("per_round", []), peer.get("per_round", []), strict=False)),
        f"SUMMARY\tShopify intake: hub / OCA shopify_connector throughput (aim >= 1.5)\t{ratio:.2f}",
        f"SUMMARY\tShopify intake: lost / doubled / not 200, hub vs peer\t"
        f"{hub['lost']}/{hub['doubled']}/{hub['not_200']} vs {peer['lost']}/{peer['doubled']}/{peer['not_200']}",
    ]
    print("\n".join(lines))
    return 0 if not (hub["lost"] or hub["doubled"] or hub["not_200"]) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("hub", "peer"):
        parser.add_argument(f"--{name}-url")
        parser.add_argument(f"--{name}-db")
        parser.add_argument(f"--{name}-setup", help='JSON: {"path": route, "secret": Shopify app secret}')
    parser.add_argument("--out-dir", help="where peer_hub.json and peer_peer.json are written")
    parser.add_argument("--requests", "-n", type=int, default=1000, help="unique orders per target, in all")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", "-c", type=int, default=8)
    parser.add_argument("--compare", nargs=2, metavar=("HUB_JSON", "PEER_JSON"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    measure(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make chaos`: the hub against a real multi-process Odoo under load, crashes, slow partners and bad input.

Run by scripts/chaos.sh, which prepares a fresh copy of the chaos database (bench/chaos_setup.py) and
passes the Odoo command line. This driver starts that Odoo (prefork, two HTTP workers, two cron workers,
tight time limits), a stub partner on 127.0.0.1 for the outbox, and then:

  storm       N signed deliveries from 8 clients: unique orders, three shuffled versions of a quarter
              of them (updates may come before their order), and 30 % of all deliveries sent twice
              at the same instant by two clients
  crashes     kill -9 of a cron worker, then of the whole server, while the inbox is processed; the
              server is restarted and must finish the work by itself
  outbox      jobs to a fast partner, then to a slow one (8 s per answer) with a cron worker killed
              during a delivery, while orders keep arriving (their processing delay is printed)
  poison      a 10,000-line order that no worker can finish within the limits, with 50 orders after it
  bad input   44 kinds of odd or hostile requests (signatures, timestamps, sizes, chunked bodies,
              encodings, types, huge and empty orders), each with the answer and outcome it must get

It prints what happened (answers by status, events vs unique keys, orders and sale orders vs unique ids,
jobs delivered vs acknowledged, resends, 5xx, tracebacks and personal data in the server log) and a
verdict line. Exit 1 when a check fails. Timings are printed, never asserted.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webhook_intake import standard_webhooks  # noqa: E402  (the hub's own signing code)

ROUTE = "/integration_hub/v1/webhooks/"
# The personal data every generated order carries: none of it may reach the server log.
PERSONAL = {"name": "Lucía Pérez Chaos", "email": "lucia.chaos@example.com", "phone": "+34 612 345 678"}
PERSONAL_STREET = "Calle de la Paz 7"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def log(message):
    print(f"[chaos] {message}", file=sys.stderr, flush=True)


# --- the server -------------------------------------------------------------------------------
class OdooServer:
    def __init__(self, command, url, logfile):
        self.command, self.url, self.logfile = command, url, logfile
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, start_new_session=True, stdout=subprocess.DEVNULL)
        host, port = self.url.split("://")[1].split(":")
        for _ in range(240):
            try:
                connection = http.client.HTTPConnection(host, int(port), timeout=2)
                connection.request("GET", "/web/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"Odoo exited during start-up; see {self.logfile}")
            time.sleep(0.5)
        raise SystemExit(f"Odoo did not answer within 120 s; see {self.logfile}")

    def kill_everything(self):
        """kill -9 of the master and every worker: what a power cut does."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def cron_workers(self):
        master = psutil.Process(self.process.pid)
        return [p for p in master.children() if "WorkerCron" in " ".join(p.cmdline())]

    def kill_cron_workers(self):
        """kill -9 of every cron worker (the master starts new ones)."""
        victims = self.cron_workers()
        for victim in victims:
            victim.kill()
        return [victim.pid for victim in victims]


# --- the partner the outbox talks to ----------------------------------------------------------------
class Partner:
    """Records every delivery (webhook-id); answers 200 after ``delay`` seconds."""

    def __init__(self):
        self.delay = 0.0
        self.deliveries = Counter()
        self.in_flight = 0
        self.lock = threading.Lock()
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length") or 0))
                with partner.lock:
                    partner.in_flight += 1
                    partner.deliveries[self.headers.get("webhook-id")] += 1
                time.sleep(partner.delay)
                with partner.lock:
                    partner.in_flight -= 1
                try:
                    self.send_response(200)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the worker that asked was killed meanwhile
                    pass

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# --- deliveries ---------------------------------------------------------------------------------------
class Sender:
    def __init__(self, url, token, secret):
        self.host, port = url.split("://")[1].split(":")
        self.port = int(port)
        self.token, self.secret = token, secret
        self.answers = Counter()
        self.refused = []  # valid signed deliveries not answered 200
        self.lock = threading.Lock()

    def signed(self, document=None, raw=None, msg_id=None, timestamp=None, secret=None):
        body = raw if raw is not None else json.dumps(document).encode()
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        timestamp = str(int(time.time() if timestamp is None else timestamp))
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": standard_webhooks.sign(secret or self.secret, msg_id, timestamp, body),
        }
        return body, headers

    def post(self, body, headers, path=None, method="POST", chunked=False, valid=True, tries=20):
        """One delivery; like a real sender it retries (same message) when the connection fails."""
        for attempt in range(tries):
            try:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if chunked:
                    connection.putrequest(method, path or ROUTE + self.token)
                    for key, value in headers.items():
                        connection.putheader(key, value)
                    connection.putheader("transfer-encoding", "chunked")
                    connection.endheaders()
                    for start in range(0, len(body), 4096):
                        piece = body[start : start + 4096]
                        connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    connection.send(b"0\r\n\r\n")
                else:
                    connection.request(method, path or ROUTE + self.token, body=body, headers=headers)
                response = connection.getresponse()
                status, payload = response.status, response.read()
                connection.close()
                break
            except (OSError, http.client.HTTPException):
                time.sleep(min(5, 0.2 * 2**attempt))
        else:
            status, payload = None, b"connection failed"
        with self.lock:
            self.answers[status] += 1
            if valid and status != 200:
                self.refused.append((status, payload[:200]))
        try:
            return status, json.loads(payload).get("message")
        except ValueError:
            return status, payload[:80]

    def _at_once(self, barrier, delivery):
        barrier.wait(30)
        self.post(*delivery)

    def run(self, tasks, clients=8):
        """Each task is a list of (body, headers): one delivery, or a message and its copy sent at once."""
        queue = list(tasks)
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    task = queue.pop()
                if len(task) == 1:
                    self.post(*task[0])
                    continue
                barrier = threading.Barrier(len(task))
                twins = [threading.Thread(target=self._at_once, args=(barrier, delivery)) for delivery in task]
                for twin in twins:
                    twin.start()
                for twin in twins:
                    twin.join()

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def order(external_id, skus, lines=None, updated=T0, **extra):
    data = {
        "id": external_id,
        "name": f"#{external_id}",
        "placed_at": T0.isoformat(),
        "updated_at": updated.isoformat(),
        "financial_status": "paid",
        "customer": dict(PERSONAL),
        "shipping_address": {
            "name": PERSONAL["name"],
            "street": PERSONAL_STREET,
            "zip": "46004",
            "city": "Valencia",
            "country_code": "ES",
            "phone": PERSONAL["phone"],
        },
        "service_level": "standard",
        "special_handling": "",
        "lines": lines or [{"id": "1", "sku": random.choice(skus), "quantity": 1}],
        **extra,
    }
    return {"type": "order.created", "data": data}


def storm_tasks(sender, skus, total, run):
    """(tasks, unique webhook ids, unique order ids, {order id: newest quantity of line 1})."""
    duplicates = int(total * 0.3)
    unique_orders = int((total - duplicates) / 1.75)
    edited = unique_orders // 4
    messages, newest = [], {}
    for n in range(unique_orders):
        external_id = f"{run}-{n}"
        created = order(external_id, skus)
        messages.append(sender.signed(created))
        if n < edited:
            line = created["data"]["lines"][0]
            for version, quantity in ((1, 2), (2, 3), (3, 3)):  # v3 changes nothing: it must still win
                update = json.loads(json.dumps(created))
                update["type"] = "order.updated"
                update["data"]["updated_at"] = (T0 + timedelta(hours=version)).isoformat()
                update["data"]["lines"][0] = {**line, "quantity": quantity}
                messages.append(sender.signed(update))
            newest[external_id] = 3
    random.shuffle(messages)
    twins = set(random.sample(range(len(messages)), min(duplicates, len(messages))))
    tasks = [[message, message] if index in twins else [message] for index, message in enumerate(messages)]
    return tasks, len(messages), unique_orders, newest


# --- the database, read from outside ----------------------------------------------------------------
class Database:
    def __init__(self, name):
        self.name = name

    def query(self, sql, params=()):
        connection = psycopg2.connect(dbname=self.name, host="127.0.0.1")
        try:
            with connection, connection.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else None
        finally:
            connection.close()

    def one(self, sql, params=()):
        return self.query(sql, params)[0]

    def wake(self, cron_xmlid):
        """What the hub's own wake-up does: a trigger row now, and a NOTIFY for the cron workers."""
        self.query(
            """INSERT INTO ir_cron_trigger (cron_id, call_at)
               SELECT res_id, now() AT TIME ZONE 'UTC' FROM ir_model_data
                WHERE module = 'integration_hub' AND name = %s""",
            [cron_xmlid],
        )
        connection = psycopg2.connect(dbname="postgres", host="127.0.0.1")
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", [self.name])
        connection.close()

    def inbox_left(self, channel_id):
        return self.one(
            "SELECT count(*) FROM integration_event WHERE channel_id = %s AND state IN ('received', 'processing')",
            [channel_id],
        )[0]


def wait_until(condition, timeout, every=1.0, on_tick=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        if on_tick:
            on_tick()
        time.sleep(every)
    return condition()


# --- phases ------------------------------------------------------------------------------------------
def phase_storm_and_crashes(args, server, sender, db, setup, report):
    run = uuid.uuid4().hex[:6]
    tasks, unique_keys, unique_orders, newest = storm_tasks(sender, setup["skus"], args.deliveries, run)
    deliveries = sum(len(task) for task in tasks)
    log(f"storm: {deliveries} deliveries ({unique_keys} unique messages, {unique_orders} orders) from 8 clients")
    started = time.time()
    sender.run(tasks)
    report["storm_seconds"] = time.time() - started
    log(f"storm sent in {report['storm_seconds']:.0f} s; processing, with crashes on the way")
    channel = setup["channel_id"]
    total = db.inbox_left(channel)
    crashes = {"cron worker": False, "server": False}

    def crash_on_the_way():
        left = db.inbox_left(channel)
        if not crashes["cron worker"] and left < total * 0.8:
            crashes["cron worker"] = server.kill_cron_workers()
            log(f"kill -9 of cron workers {crashes['cron worker']} with {left} events left")
        elif crashes["cron worker"] and not crashes["server"] and left < total * 0.5:
            log(f"kill -9 of the whole server with {left} events left; restarting it")
            server.kill_everything()
            crashes["server"] = True
            server.start()

    done = wait_until(lambda: db.inbox_left(channel) == 0, args.timeout, every=2, on_tick=crash_on_the_way)
    report["processing_seconds"] = time.time() - started - report["storm_seconds"]
    report["crashes"] = crashes
    events, keys = db.one(
        "SELECT count(*), count(DISTINCT idempotency_key) FROM integration_event"
        " WHERE channel_id = %s AND source = 'webhook'",
        [channel],
    )
    orders, order_ids = db.one(
        "SELECT count(*), count(DISTINCT external_id) FROM integration_channel_order WHERE channel_id = %s "
        "AND external_id LIKE %s",
        [channel, f"{run}-%"],
    )
    sales, distinct_sales = db.one(
        """SELECT count(*), count(DISTINCT s.integration_order_id) FROM sale_order s
             JOIN integration_channel_order o ON o.id = s.integration_order_id
            WHERE o.channel_id = %s AND o.external_id LIKE %s AND s.state != 'cancel'""",
        [channel, f"{run}-%"],
    )
    newest_ok = db.one(
        """SELECT count(*) FROM integration_channel_order o
             JOIN integration_channel_order_line l ON l.order_id = o.id
            WHERE o.channel_id = %s AND o.external_id = ANY(%s)
              AND l.external_line_id = '1' AND l.quantity_sent = '3'""",
        [channel, list(newest)],
    )[0]
    report["storm"] = {
        "deliveries": deliveries,
        "unique messages": unique_keys,
        "events": events,
        "event keys": keys,
        "unique orders": unique_orders,
        "channel orders": orders,
        "distinct order ids": order_ids,
        "sale orders": sales,
        "orders with a sale order": distinct_sales,
        "edited orders at their newest version": f"{newest_ok}/{len(newest)}",
        "finished": done,
    }
    report["lost"] = unique_keys - keys + unique_orders - order_ids
    report["doubled"] = (events - keys) + (orders - order_ids) + (sales - distinct_sales)
    report["stale versions"] = len(newest) - newest_ok


def phase_outbox(args, server, sender, db, setup, partner, report):
    channel = setup["channel_id"]
    result = {}
    for name, jobs, delay, crash in (("fast partner", 30, 0.0, False), ("slow partner (8 s)", 8, 8.0, True)):
        partner.delay = delay
        partner.deliveries.clear()
        keys = [f"chaos-{name[:4]}-{uuid.uuid4().hex[:8]}-{n}" for n in range(jobs)]
        db.query(
            """INSERT INTO integration_job (channel_id, company_id, job_type, idempotency_key, payload, state,
                                            attempts, max_attempts, next_attempt_at, create_date, write_date)
               SELECT c.id, c.company_id, 'inventory', k, '{"CH-000": 1}', 'pending', 0, 8,
                      now() at time zone 'UTC', now() at time zone 'UTC', now() at time zone 'UTC'
                 FROM integration_channel c, unnest(%s::text[]) k WHERE c.id = %s""",
            [keys, channel],
        )
        db.wake("ir_cron_run_outbox")
        # orders keep coming while the outbox works: their processing must not wait for it
        lag_orders = [f"lag-{uuid.uuid4().hex[:6]}-{n}" for n in range(10)]
        killed = None
        for external_id in lag_orders:
            sender.post(*sender.signed(order(external_id, setup["skus"])))
            if crash and killed is None and partner.in_flight:
                killed = server.kill_cron_workers()
                log(f"{name}: kill -9 of cron workers {killed} during a delivery")
            time.sleep(0.5)
        if crash and killed is None:
            wait_until(lambda: partner.in_flight > 0, 60, every=0.2)
            killed = server.kill_cron_workers()
            log(f"{name}: kill -9 of cron workers {killed} during a delivery")

        def all_done(keys=keys, jobs=jobs):
            done = "SELECT count(*) FROM integration_job WHERE idempotency_key = ANY(%s) AND state = 'done'"
            return db.one(done, [keys])[0] == jobs

        done = wait_until(all_done, args.timeout, every=1)
        lag = db.one(
            """SELECT max(extract(epoch FROM e.processed_at - e.received_at)) FROM integration_event e
                 JOIN integration_channel_order o ON o.id = e.res_id AND e.res_model = 'integration.channel.order'
                WHERE o.external_id = ANY(%s)""",
            [lag_orders],
        )[0]
        acknowledged = db.one(
            "SELECT count(*) FROM integration_job WHERE idempotency_key = ANY(%s) AND state = 'done'", [keys]
        )[0]
        delivered = {key: partner.deliveries[key] for key in keys}
        result[name] = {
            "jobs": jobs,
            "acknowledged": acknowledged,
            "delivered": sum(1 for n in delivered.values() if n),
            "max deliveries of one job": max(delivered.values()),
            "resent jobs": sum(1 for n in delivered.values() if n > 1),
            "crashes": 1 if killed else 0,
            "orders meanwhile, max processing delay (s)": round(lag or 0, 1),
            "finished": done,
        }
    partner.delay = 0.0
    report["outbox"] = result


def phase_poison(args, sender, db, setup, report):
    skus = setup["skus"]
    lines = [{"id": str(n), "sku": skus[n % len(skus)], "quantity": 1} for n in range(10_000)]
    poison_id = f"poison-{uuid.uuid4().hex[:6]}"
    # found by its message id: the body is encrypted at rest (personal data), never searched
    status, message = sender.post(*sender.signed(order(poison_id, skus, lines=lines), msg_id=poison_id))
    log(f"poison: a 10,000-line order answered {status} {message}; 50 orders after it")
    followers = [f"after-{uuid.uuid4().hex[:6]}-{n}" for n in range(50)]
    sender.run([[sender.signed(order(external_id, skus))] for external_id in followers])
    started = time.time()
    followed = wait_until(
        lambda: (
            db.one("SELECT count(*) FROM integration_channel_order WHERE external_id = ANY(%s)", [followers])[0] == 50
        ),
        args.timeout,
        every=2,
    )
    followers_seconds = time.time() - started

    def poison_state():
        return db.one(
            """SELECT e.state, e.attempts FROM integration_event e
                WHERE e.channel_id = %s AND e.idempotency_key = %s""",
            [setup["channel_id"], poison_id],
        )

    settled = wait_until(lambda: poison_state()[0] in ("failed", "done"), args.poison_timeout, every=5)
    state, attempts = poison_state()
    exception = db.one(
        """SELECT count(*) FROM integration_sync_exception x JOIN integration_event e ON e.id = x.event_id
            WHERE e.channel_id = %s AND e.idempotency_key = %s AND x.state = 'open'""",
        [setup["channel_id"], poison_id],
    )[0]
    report["poison"] = {
        "state": state,
        "attempts": attempts,
        "exception open": bool(exception),
        "settled": settled,
        "the 50 orders after it processed": followed,
        "in (s)": round(followers_seconds, 1),
    }


def storable_key(key):
    """The key as the hub stores it (see integration_event.storable_key)."""
    return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def bad_inputs(sender, skus):
    """(kind, delivery kwargs for Sender.post, expected answer status, expected outcome) for each kind."""
    good = order("bad-base", skus)
    forged = "whsec_" + base64.b64encode(b"not the secret, not the secret!!").decode()

    def variant(label, **changes):
        document = json.loads(json.dumps(good))
        document["data"]["id"] = f"bad-{label}-{uuid.uuid4().hex[:6]}"
        for key, value in changes.items():
            document["data"][key] = value
        return document

    def kept(document=None, raw=None, **signing):
        return {
            "valid": True,
            **dict(zip(("body", "headers"), sender.signed(document, raw=raw, **signing), strict=True)),
        }

    def rejected(body, headers, **extra):
        return {"body": body, "headers": headers, "valid": False, **extra}

    def two_signatures(document):
        body, headers = sender.signed(document)
        headers["webhook-signature"] = "v1,AAAA " + headers["webhook-signature"]  # a stale one first
        return {"body": body, "headers": headers, "valid": True}

    now = time.time()
    big_name = "N" * (1024 * 1024)
    cases = [
        ("wrong secret", rejected(*sender.signed(variant("forged"), secret=forged)), 401, None),
        (
            "no signature header",
            rejected(sender.signed(variant("nosig"))[0], {"webhook-id": "x", "webhook-timestamp": str(int(now))}),
            401,
            None,
        ),
        ("timestamp 10 min old", rejected(*sender.signed(variant("old"), timestamp=now - 600)), 401, None),
        ("timestamp 10 min ahead", rejected(*sender.signed(variant("ahead"), timestamp=now + 600)), 401, None),
        (
            "timestamp not a number",
            rejected(
                sender.signed(variant("ts"))[0], {**sender.signed(variant("ts"))[1], "webhook-timestamp": "yesterday"}
            ),
            401,
            None,
        ),
        (
            "signature version v2",
            rejected(
                sender.signed(variant("v2"))[0],
                {k: v.replace("v1,", "v2,") for k, v in sender.signed(variant("v2"))[1].items()},
            ),
            401,
            None,
        ),
        (
            "body changed after signing",
            rejected(sender.signed(variant("tamper"))[0] + b" ", sender.signed(variant("tamper"))[1]),
            401,
            None,
        ),
        ("unknown token", rejected(*sender.signed(variant("token")), path=ROUTE + "no-such-token"), 404, None),
        ("GET instead of POST", rejected(b"", {}, method="GET"), 405, None),
        (
            "body over 2 MiB",
            rejected(*sender.signed(variant("huge", special_handling="x" * (2 * 1024 * 1024)))),
            413,
            None,
        ),
        (
            "chunked body over 2 MiB",
            rejected(*sender.signed(variant("hugechunk", special_handling="x" * (2 * 1024 * 1024))), chunked=True),
            413,
            None,
        ),
        ("chunked body", {**kept(variant("chunked")), "chunked": True}, 200, "order"),
        ("two signatures, one valid", two_signatures(variant("twosig")), 200, "order"),
        ("empty body", kept(raw=b""), 200, "failed"),
        ("null", kept(raw=b"null"), 200, "failed"),
        ("a JSON list", kept(raw=b"[]"), 200, "failed"),
        ("a JSON string", kept(raw=b'"hello"'), 200, "failed"),
        ("invalid JSON", kept(raw=b'{"type": "order.created", "data": {'), 200, "failed"),
        ("not UTF-8", kept(raw=b"\xff\xfe\xfa{}"), 200, "failed"),
        ("UTF-8 BOM", kept(raw=b"\xef\xbb\xbf" + json.dumps(variant("bom")).encode()), 200, "any"),
        (
            "nested 10,000 deep",
            kept(raw=b'{"type": "order.created", "data": ' + b"[" * 10000 + b"]" * 10000 + b"}"),
            200,
            "failed",
        ),
        ("unknown type", kept({"type": "order.exploded", "data": {}}), 200, "failed"),
        ("type not a string", kept({"type": 5, "data": {}}), 200, "failed"),
        ("data not an object", kept({"type": "order.created", "data": [1, 2]}), 200, "failed"),
        ("no data", kept({"type": "order.created"}), 200, "failed"),
        ("order without id", kept(variant("noid", id="")), 200, "failed"),
        ("id is a number", kept(variant("numid", id=987654321)), 200, "order"),
        ("lines is a number", kept(variant("lines5", lines=5)), 200, "failed"),
        ("a line is a number", kept(variant("line5", lines=[5])), 200, "failed"),
        ("quantity 'abc'", kept(variant("qabc", lines=[{"id": "1", "sku": skus[0], "quantity": "abc"}])), 200, "held"),
        ("quantity -1", kept(variant("qneg", lines=[{"id": "1", "sku": skus[0], "quantity": -1}])), 200, "held"),
        ("quantity 2.5", kept(variant("qfrac", lines=[{"id": "1", "sku": skus[0], "quantity": 2.5}])), 200, "held"),
        ("quantity 1e308", kept(variant("qhuge", lines=[{"id": "1", "sku": skus[0], "quantity": 1e308}])), 200, "held"),
        (
            "quantity NaN",
            kept(
                raw=json.dumps(variant("qnan", lines=[{"id": "1", "sku": skus[0], "quantity": float("nan")}])).encode()
            ),
            200,
            "held",
        ),
        ("no lines", kept(variant("nolines", lines=[])), 200, "held"),
        ("unknown SKU", kept(variant("nosku", lines=[{"id": "1", "sku": "NO-SUCH-SKU", "quantity": 1}])), 200, "held"),
        ("escaped NUL in a name", kept(raw=json.dumps(variant("nul", name="Ana\u0000")).encode()), 200, "failed"),
        (
            "lone surrogate in a city",
            kept(raw=json.dumps(variant("surrogate")).replace('"Valencia"', '"Val\\ud800"').encode()),
            200,
            "failed",
        ),
        ("emoji and right-to-left text", kept(variant("emoji", name="#🚀 طلب")), 200, "order"),
        ("placed_at not ISO 8601", kept(variant("date", placed_at="20/11/2026")), 200, "failed"),
        ("placed_at without offset", kept(variant("naive", placed_at="2026-11-20T10:00:00")), 200, "failed"),
        ("a 1 MiB name", kept(variant("bigname", name=big_name)), 200, "order"),
        ("extra envelope key", kept({**variant("envelope"), "timestamp": "2026-11-20T10:00:00Z"}), 200, "order"),
        ("a 3,000-character webhook-id", kept(variant("longid"), msg_id="msg_" + "y" * 3000), 200, "order"),
        ("id reused with another body", {"reuse": True}, 200, "failed"),
    ]
    return cases


def phase_bad_inputs(args, sender, db, setup, report):
    problems, kinds = [], 0
    channel = setup["channel_id"]
    for kind, delivery, status_expected, outcome in bad_inputs(sender, setup["skus"]):
        kinds += 1
        if delivery.get("reuse"):
            msg_id = f"msg_reuse_{uuid.uuid4().hex}"
            sender.post(*sender.signed(order(f"reuse-a-{msg_id[-6:]}", setup["skus"]), msg_id=msg_id))
            body, headers = sender.signed(order(f"reuse-b-{msg_id[-6:]}", setup["skus"]), msg_id=msg_id)
            status, message = sender.post(body, headers)
            key = f"{msg_id}#body-%"
        else:
            status, message = sender.post(**delivery)
            key = storable_key(delivery["headers"].get("webhook-id", ""))
        if status != status_expected:
            problems.append(f"{kind}: answered {status} ({message}), expected {status_expected}")
            continue
        if outcome is None:
            continue

        # what became of it once processed
        def event(k=key):
            return db.query(
                "SELECT state, coalesce(error, ''), res_model, res_id FROM integration_event"
                " WHERE channel_id = %s AND idempotency_key LIKE %s ORDER BY id DESC LIMIT 1",
                [channel, k],
            )

        wait_until(lambda: event() and event()[0][0] not in ("received", "processing"), 120)
        rows = event()
        if not rows:
            problems.append(f"{kind}: answered {status} but no event was stored")
            continue
        state, error, res_model, res_id = rows[0]
        if "Unexpected error" in error or "Traceback" in error:
            problems.append(f"{kind}: unexpected error: {error[:160]}")
        elif outcome == "failed" and state != "failed":
            problems.append(f"{kind}: expected a failed event with a reason, got {state}")
        elif outcome in ("order", "held"):
            if state != "done" or res_model != "integration.channel.order":
                problems.append(f"{kind}: expected an order, got event {state} {error[:120]}")
            elif outcome == "held":
                held = db.one("SELECT state FROM integration_channel_order WHERE id = %s", [res_id])[0]
                if held != "on_hold":
                    problems.append(f"{kind}: expected the order on hold, got {held}")
    report["bad input"] = {"kinds": kinds, "problems": problems}


def left_over(db, channel_id):
    """(events, jobs) still to do, the poison aside (it has its own verdict)."""
    return db.one(
        """SELECT (SELECT count(*) FROM integration_event WHERE channel_id = %s AND state IN ('received', 'processing')
                     AND idempotency_key NOT LIKE 'poison-%%'),
                  (SELECT count(*) FROM integration_job WHERE channel_id = %s AND state IN ('pending', 'running'))""",
        [channel_id, channel_id],
    )


def scan_log(logfile):
    text = Path(logfile).read_text(errors="replace") if Path(logfile).exists() else ""
    personal = [value for value in (*PERSONAL.values(), PERSONAL_STREET) if value in text]
    tracebacks = text.count("Traceback (most recent call last)")
    samples = [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line][:5]
    return {"tracebacks": tracebacks, "personal data found": personal, "error lines (first 5)": samples}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--server-cmd", required=True, help="JSON list: the Odoo command line")
    parser.add_argument("--logfile", required=True)
    parser.add_argument("--setup", required=True, help="JSON from bench/chaos_setup.py")
    parser.add_argument("--deliveries", type=int, default=int(os.environ.get("CHAOS_N", "10000")))
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("CHAOS_TIMEOUT", "1200")))
    parser.add_argument("--poison-timeout", type=int, default=int(os.environ.get("CHAOS_POISON_TIMEOUT", "600")))
    args = parser.parse_args()
    random.seed(int(os.environ.get("CHAOS_SEED", "20261129")))
    setup = json.loads(args.setup)
    partner = Partner()
    db = Database(args.db)
    db.query("UPDATE integration_channel SET api_base_url = %s WHERE id = %s", [partner.url, setup["channel_id"]])
    server = OdooServer(json.loads(args.server_cmd), args.url, args.logfile)
    # a stopped run (Ctrl-C, kill) still stops its Odoo: SystemExit runs the finally below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sender = Sender(args.url, setup["token"], os.environ["CHAOS_SECRET"])
    report = {}
    server.start()
    started = time.time()
    phases = os.environ.get("CHAOS_PHASES", "storm,outbox,poison,bad").split(",")  # a subset while debugging
    report.update({"lost": 0, "doubled": 0, "stale versions": 0, "outbox": {}, "poison": {}, "bad input": {}})
    try:
        if "storm" in phases:
            phase_storm_and_crashes(args, server, sender, db, setup, report)
        if "outbox" in phases:
            phase_outbox(args, server, sender, db, setup, partner, report)
        if "poison" in phases:
            phase_poison(args, sender, db, setup, report)
        if "bad" in phases:
            phase_bad_inputs(args, sender, db, setup, report)
        # what the last phase left due (its last messages, a publication) gets two minutes to settle
        wait_until(lambda: sum(left_over(db, setup["channel_id"])) == 0, 120, every=2)
    finally:
        server.stop()
    report["log"] = scan_log(args.logfile)
    report["answers by status"] = dict(sorted(sender.answers.items(), key=lambda item: str(item[0])))
    stuck = left_over(db, setup["channel_id"])
    fivexx = sum(n for status, n in sender.answers.items() if status and status >= 500)
    max_resends = max(
        [(outbox["max deliveries of one job"] - 1) / max(1, outbox["crashes"]) for outbox in report["outbox"].values()]
        or [0]
    )
    report["summary"] = {
        "refused (valid deliveries not answered 200)": len(sender.refused),
        "lost": report["lost"],
        "doubled": report["doubled"],
        "stale versions": report["stale versions"],
        "stuck (events, jobs)": list(stuck),
        "5xx": fivexx,
        "max resends per job per crash": max_resends,
        "bad-input problems": len(report["bad input"].get("problems", [])),
        "tracebacks in the log": report["log"]["tracebacks"],
        "personal data in the log": len(report["log"]["personal data found"]),
        "minutes": round((time.time() - started) / 60, 1),
    }
    print(json.dumps(report, indent=2, default=str))
    summary = report["summary"]
    verdict = (
        f"{summary['refused (valid deliveries not answered 200)']} refused, {summary['lost']} lost, "
        f"{summary['doubled']} doubled, {sum(stuck)} stuck, {fivexx} 5xx, "
        f"at most {max_resends:g} resend per job per crash, {summary['bad-input problems']} bad-input problems, "
        f"{summary['tracebacks in the log']} tracebacks and {summary['personal data in the log']} personal data"
        " in the log"
    )
    print("VERDICT: " + verdict)
    failed = (
        summary["refused (valid deliveries not answered 200)"]
        or summary["lost"]
        or summary["doubled"]
        or summary["stale versions"]
        or sum(stuck)
        or fivexx
        or max_resends > 1
        or summary["bad-input problems"]
        or summary["personal data in the log"]
        or ("poison" in phases and report["poison"]["state"] != "failed")
        or ("poison" in phases and not report["poison"]["the 50 orders after it processed"])
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

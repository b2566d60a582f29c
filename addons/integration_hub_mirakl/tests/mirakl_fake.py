"""A stand-in for a Mirakl operator's seller API, plugged into ``responses``.

Written from ../shared/platforms/mirakl.md (Mirakl's published MMP seller OpenAPI and SDK), small and scrubbed.
It behaves as the hub must cope with:
- the shop API key raw in ``Authorization``, else 401 ``{"message", "status"}``;
- OR11 with ``start_update_date``, ``order_state_codes``, ``order_ids``, ``max`` (at most 100, else 400) and
  ``offset``, answering ``{orders, total_count}``; the shipping address and customer are null until the
  order is accepted (``WAITING_ACCEPTANCE``);
- the operator's call frequency: a second OR11 (or STO01) call within a minute answers 429 (no
  ``Retry-After``: Mirakl documents none);
- OR21 line by line: every line decided (``ORDER_LINE_ACCEPTANCE_DECISION_MISSING``), partial refusal only when
  the operator allows it (``ORDER_PARTIAL_ACCEPTANCE_DISABLED``), ``ORDER_INVALID_STATE`` once decided or
  auto-refused (``auto_refuse``: REFUSED with no ``acceptance_decision_date``);
- OR23 (registered carrier code from SH21, or name + URL), OR24 (SHIPPING -> SHIPPED, whole order), ST01
  shipments only where the operator enables multiple shipments;
- STO01 multipart CSV imports (404 where the operator has no STO01), STO02 status WAITING until the operator
  processes them (``process_imports``), STO03 error report CSV for lines of unknown offers; OF01-OF03 alike;
- RT11 returns with ``next_page_token``; OF21 offers; A01 account;
- scripted failures (``fail_next``): 429, 5xx, timeouts.
"""

import copy
import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import requests
import responses

API_KEY = "6f1c2d3e-test-shop-key"
ORDER = {
    "order_id": "FR12345-A",
    "commercial_id": "FR12345",
    "order_state": "WAITING_ACCEPTANCE",
    "created_date": "2026-11-20T09:12:01Z",
    "last_updated_date": "2026-11-20T09:12:01Z",
    "acceptance_decision_date": None,
    "shipping_deadline": "2026-11-24T23:59:59Z",
    "leadtime_to_ship": 2,
    "customer_debited_date": None,
    "payment_workflow": "PAY_ON_ACCEPTANCE",
    "currency_iso_code": "EUR",
    "order_tax_mode": "TAX_INCLUDED",
    "shipping_type_code": "next_day",
    "shipping_type_label": "Express 24h",
    "shipping_price": 4.9,
    "price": 50.0,
    "total_price": 54.9,
    "customer": None,
    "customer_notification_email": None,
    "order_additional_fields": [],
    "has_incident": False,
    "can_cancel": False,
    "order_lines": [
        {
            "order_line_id": "FR12345-A-1",
            "order_line_index": 1,
            "offer_id": 2001,
            "offer_sku": "TSHIRT-M",
            "product_sku": "P-77",
            "product_title": "Tee blue M",
            "quantity": 2,
            "price_unit": 25.0,
            "price": 50.0,
            "shipping_price": 4.9,
            "taxes": [{"code": "VAT21", "amount": 8.68}],
            "shipping_taxes": [{"code": "VAT21", "amount": 0.85}],
            "promotions": [],
            "order_line_state": "WAITING_ACCEPTANCE",
            "cancelations": [],
            "refunds": [],
        }
    ],
}
CUSTOMER = {
    "customer_id": "C-8812",
    "firstname": "Lucía",
    "lastname": "Ferrer",
    "shipping_address": {
        "firstname": "Lucía",
        "lastname": "Ferrer",
        "company": None,
        "street_1": "C/ Colón 12",
        "street_2": "3º B",
        "zip_code": "46004",
        "city": "Valencia",
        "state": None,
        "country": "Spain",
        "country_iso_code": "ESP",
        "phone": "+34600111222",
        "additional_info": "Ring twice",
    },
}
CARRIERS = [
    {"code": "CORREOS", "label": "Correos", "tracking_url": "https://www.correos.es/track?n={trackingId}"},
    {"code": "SEUR", "label": "SEUR", "tracking_url": "https://www.seur.com/track/{trackingId}"},
]


def error(status, code, message=""):
    return status, {}, json.dumps({"status": status, "message": f"{code}: {message}" if message else code})


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeMirakl:
    def __init__(self, url="https://marketplace.example.mirakl.net", key=API_KEY):
        self.url, self.key = url, key
        self.orders = {}  # order id -> order
        self.returns = []
        self.offers = {}  # shop sku -> offer
        self.imports = {}  # import id -> {"kind", "rows", "status", "errors"}
        self.decisions, self.trackings, self.ships, self.shipments, self.calls, self.failures = [], [], [], [], [], []
        self.partial_acceptance = True
        self.has_sto01 = True
        self.multiple_shipments = False
        self.enforce_frequency = True
        self.last_call = {}  # API code -> datetime of its last call (the operator's call frequency)

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        for method in (responses.GET, responses.POST, responses.PUT):
            mock.add_callback(method, re.compile(re.escape(self.url) + ".*"), callback=self._callback)
        return self

    def now(self):
        return datetime.now(UTC).replace(microsecond=0)

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def add_order(self, order_id, lines=None, created=None, **changes):
        """A new WAITING_ACCEPTANCE order: lines as [(line id, offer sku, quantity)]."""
        order = copy.deepcopy(ORDER)
        created = stamp(created or self.now())
        order.update(order_id=order_id, commercial_id=order_id.split("-")[0], created_date=created)
        order["last_updated_date"] = created
        if lines:
            template = order["order_lines"][0]
            order["order_lines"] = [
                {**copy.deepcopy(template), "order_line_id": line_id, "order_line_index": n, "offer_sku": sku,
                 "quantity": quantity, "price": template["price_unit"] * quantity}
                for n, (line_id, sku, quantity) in enumerate(lines, start=1)
            ]  # fmt: skip
        order.update(changes)
        self.orders[order_id] = order
        return order

    def touch(self, order):
        """Every change moves ``last_updated_date`` on (at least a second: Mirakl's precision)."""
        previous = datetime.fromisoformat(order["last_updated_date"].replace("Z", "+00:00"))
        order["last_updated_date"] = stamp(max(self.now(), previous) + timedelta(seconds=1))

    def debit(self, order_id):
        """The operator debits the customer: SHIPPING, and the address and contact appear."""
        order = self.orders[order_id]
        order.update(order_state="SHIPPING", customer=copy.deepcopy(CUSTOMER), customer_debited_date=stamp(self.now()))
        order["customer_notification_email"] = "abc123@marketplace-relay.example"
        for line in order["order_lines"]:
            if line["order_line_state"] == "WAITING_DEBIT_PAYMENT":
                line["order_line_state"] = "SHIPPING"
        self.touch(order)

    def auto_refuse(self, order_id):
        """The acceptance delay ran out: the operator refuses the order itself (no decision date)."""
        order = self.orders[order_id]
        order["order_state"] = "REFUSED"
        for line in order["order_lines"]:
            line["order_line_state"] = "REFUSED"
        self.touch(order)

    def cancel_line(self, order_id, line_id):
        order = self.orders[order_id]
        line = next(line for line in order["order_lines"] if line["order_line_id"] == line_id)
        line["order_line_state"] = "CANCELED"
        line["cancelations"] = [{"quantity": line["quantity"], "reason_code": "CUSTOMER_REQUEST"}]
        self.touch(order)

    def add_offer(self, offer_id, sku, quantity=0):
        self.offers[sku] = {
            "offer_id": offer_id,
            "shop_sku": sku,
            "product_title": f"Offer {sku}",
            "quantity": quantity,
        }

    def process_imports(self):
        """The operator runs the waiting imports: known offers take the quantity, others are reported."""
        for record in self.imports.values():
            if record["status"] != "WAITING":
                continue
            for number, row in enumerate(record["rows"], start=2):
                sku = row.get("offer-sku") or row.get("sku")
                if sku in self.offers:
                    self.offers[sku]["quantity"] = int(row["quantity"])
                else:
                    record["errors"].append((number, row, "The offer does not exist: unknown offer SKU"))
            record["status"] = "COMPLETE"

    # --- the HTTP side ----------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        self.calls.append((request.method, url.path))
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            return (status, headers, "<html>Service unavailable</html>")
        if request.headers.get("Authorization") != self.key:
            return error(401, "Unauthorized", "API key invalid or missing")
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        for pattern, handler in self.ROUTES:
            match = re.fullmatch(pattern, f"{request.method} {url.path}")
            if match:
                return handler(self, request, query, *match.groups())
        return error(404, "NOT_FOUND", "no such resource")

    def _frequency(self, code):
        """The published call frequency (max once per minute): a faster call is throttled."""
        now, last = self.now(), self.last_call.get(code)
        if self.enforce_frequency and last and now - last < timedelta(seconds=60):
            return error(429, "TOO_MANY_REQUESTS", f"{code} is limited to one call per minute")
        self.last_call[code] = now
        return None

    def _body(self, request):
        return json.loads(request.body) if request.body else {}

    def _orders(self, request, query):
        throttled = self._frequency("OR11")
        if throttled:
            return throttled
        size, offset = int(query.get("max", 10)), int(query.get("offset", 0))
        if size > 100:
            return error(400, "VALIDATION_ERROR", "max must be at most 100")
        orders = sorted(self.orders.values(), key=lambda o: (o["created_date"], o["order_id"]))  # dateCreated asc
        if query.get("order_ids"):
            orders = [o for o in orders if o["order_id"] in query["order_ids"].split(",")]
        if query.get("start_update_date"):
            orders = [o for o in orders if o["last_updated_date"] >= query["start_update_date"]]
        if query.get("order_state_codes"):
            orders = [o for o in orders if o["order_state"] in query["order_state_codes"].split(",")]
        page = copy.deepcopy(orders[offset : offset + size])
        for order in page:  # before acceptance (or debit) the operator hides who and where
            if order["order_state"] in ("WAITING_ACCEPTANCE", "REFUSED"):
                order["customer"], order["customer_notification_email"] = None, None
        return 200, {}, json.dumps({"orders": page, "total_count": len(orders)})

    def _accept(self, request, query, order_id):
        order = self.orders.get(order_id)
        if not order:
            return error(404, "ORDER_NOT_FOUND", order_id)
        if order["order_state"] != "WAITING_ACCEPTANCE":
            return error(400, "ORDER_INVALID_STATE", f"order is {order['order_state']}")
        decided = {line["id"]: line["accepted"] for line in self._body(request).get("order_lines") or []}
        if set(decided) != {line["order_line_id"] for line in order["order_lines"]}:
            return error(400, "ORDER_LINE_ACCEPTANCE_DECISION_MISSING", "every line must be accepted or refused")
        if len(set(decided.values())) > 1 and not self.partial_acceptance:
            return error(400, "ORDER_PARTIAL_ACCEPTANCE_DISABLED", "partial acceptance is disabled")
        self.decisions.append((order_id, decided))
        for line in order["order_lines"]:
            line["order_line_state"] = "WAITING_DEBIT_PAYMENT" if decided[line["order_line_id"]] else "REFUSED"
        order["order_state"] = "WAITING_DEBIT_PAYMENT" if any(decided.values()) else "REFUSED"
        order["acceptance_decision_date"] = stamp(self.now())
        self.touch(order)
        return 204, {}, ""

    def _tracking(self, request, query, order_id):
        order = self.orders.get(order_id)
        if not order or order["order_state"] != "SHIPPING":
            return error(400, "ORDER_INVALID_STATE", "tracking is set on SHIPPING orders")
        body = self._body(request)
        if not body.get("tracking_number"):
            return error(400, "VALIDATION_ERROR", "tracking_number is required")
        if body.get("carrier_code") and body["carrier_code"] not in {c["code"] for c in CARRIERS}:
            return error(400, "CARRIER_NOT_FOUND", body["carrier_code"])
        if not body.get("carrier_code") and not body.get("carrier_name"):
            return error(400, "VALIDATION_ERROR", "carrier_code or carrier_name is required")
        self.trackings.append((order_id, body))
        return 204, {}, ""

    def _ship(self, request, query, order_id):
        order = self.orders.get(order_id)
        if not order or order["order_state"] != "SHIPPING":
            return error(400, "ORDER_INVALID_STATE", "only SHIPPING orders are shipped")
        order["order_state"] = "SHIPPED"
        self.ships.append(order_id)
        self.touch(order)
        return 204, {}, ""

    def _shipments(self, request, query):
        if not self.multiple_shipments:
            return error(400, "FEATURE_DISABLED", "multiple shipments are not enabled on this marketplace")
        success = []
        for shipment in self._body(request).get("shipments") or []:
            self.shipments.append(shipment)
            success.append({"id": f"SHP-{len(self.shipments)}", "order_id": shipment["order_id"]})
        return 200, {}, json.dumps({"shipment_success": success, "shipment_errors": []})

    def _carriers(self, request, query):
        return 200, {}, json.dumps({"carriers": CARRIERS})

    def _file_rows(self, request):
        """The CSV of the multipart field ``file``."""
        boundary = re.search(r"boundary=(.+)", request.headers["Content-Type"]).group(1).encode()
        for part in request.body.split(b"--" + boundary):
            if b'name="file"' in part:
                text = part.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0].decode()
                return list(csv.DictReader(io.StringIO(text), delimiter=";"))
        return None

    def _import(self, request, query, kind):
        if kind == "sto01":
            if not self.has_sto01:
                return error(404, "NOT_FOUND", "stock imports are not available on this marketplace")
            throttled = self._frequency("STO01")
            if throttled:
                return throttled
        rows = self._file_rows(request)
        if rows is None:
            return error(400, "VALIDATION_ERROR", "the multipart field 'file' is required")
        import_id = 3000 + len(self.imports)
        self.imports[import_id] = {"kind": kind, "rows": rows, "status": "WAITING", "errors": []}
        return 201, {}, json.dumps({"import_id": import_id})

    def _import_status(self, request, query, import_id):
        record = self.imports.get(int(import_id))
        if not record:
            return error(404, "NOT_FOUND", import_id)
        done = record["status"] == "COMPLETE"
        return (
            200,
            {},
            json.dumps(
                {
                    "import_id": int(import_id),
                    "status": record["status"],
                    "lines_in_success": len(record["rows"]) - len(record["errors"]) if done else 0,
                    "lines_in_error": len(record["errors"]),
                    "has_error_report": bool(record["errors"]),
                }
            ),
        )

    def _error_report(self, request, query, import_id):
        record = self.imports[int(import_id)]
        if not record["errors"]:
            return error(404, "NOT_FOUND", "no error report")
        out = io.StringIO()
        # STO03: the line number in error first, the reason second, then the line ready to fix and re-import
        header = ["line", "error", *record["rows"][0]]
        writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for number, row, message in record["errors"]:
            writer.writerow([number, message, *row.values()])
        return 200, {"Content-Type": "text/csv"}, out.getvalue()

    def _returns(self, request, query):
        size = int(query.get("limit", 10))
        start = int(query.get("page_token") or 0)
        since = query.get("return_last_updated_from", "")
        rows = [r for r in self.returns if r["last_updated_date"] >= since]
        token = str(start + size) if start + size < len(rows) else None
        return 200, {}, json.dumps({"data": rows[start : start + size], "next_page_token": token})

    def _offers(self, request, query):
        size, offset = int(query.get("max", 10)), int(query.get("offset", 0))
        offers = list(self.offers.values())
        return 200, {}, json.dumps({"offers": offers[offset : offset + size], "total_count": len(offers)})

    def _account(self, request, query):
        return 200, {}, json.dumps({"shop_id": 2042, "shop_name": "3PL Spain test shop"})

    ROUTES = [
        (r"GET /api/orders", _orders),
        (r"PUT /api/orders/([^/]+)/accept", _accept),
        (r"PUT /api/orders/([^/]+)/tracking", _tracking),
        (r"PUT /api/orders/([^/]+)/ship", _ship),
        (r"POST /api/shipments", _shipments),
        (r"GET /api/shipping/carriers", _carriers),
        (r"POST /api/offers/stock/imports", lambda self, request, query: self._import(request, query, "sto01")),
        (r"GET /api/offers/stock/imports/(\d+)/status", _import_status),
        (r"GET /api/offers/stock/imports/(\d+)/error_report", _error_report),
        (r"POST /api/offers/imports", lambda self, request, query: self._import(request, query, "of01")),
        (r"GET /api/offers/imports/(\d+)", _import_status),
        (r"GET /api/offers/imports/(\d+)/error_report", _error_report),
        (r"GET /api/returns", _returns),
        (r"GET /api/offers", _offers),
        (r"GET /api/account", _account),
    ]

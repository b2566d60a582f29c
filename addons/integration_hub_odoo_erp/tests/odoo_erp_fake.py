"""A stand-in for a client's own Odoo, plugged into ``responses`` (../shared/platforms/odoo_erp.md).

Written from Odoo's external API documentation (JSON-2 and JSON-RPC) and Odoo 18's own code (``stock.picking
.button_validate``, ``stock.quant`` inventory mode); small, in memory. It behaves as the hub must cope with:

- ``GET /web/version`` on Odoo 19+ (``{"version", "version_info"}``); 404 before, where JSON-RPC's
  ``common.version`` answers ``server_version_info``;
- JSON-2 ``POST /json/2/<model>/<method>`` with ``Authorization: bearer <key>``: 200 with the return value,
  401 ``{"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey", ...}`` for a wrong key, 403
  ``odoo.exceptions.AccessError`` for a model the bot user may not touch, 422 ``UserError`` /
  ``ValidationError``, 404 for an unknown model;
- JSON-RPC ``POST /jsonrpc``: ``common.authenticate`` answers ``False`` for a wrong key, ``object.execute_kw``
  with a wrong key answers the ``odoo.exceptions.AccessDenied`` fault (HTTP 200, ``{"error": {"code": 200,
  "message": "Odoo Server Error", "data": {"name", "message", "arguments", "debug"}}}``), other faults alike;
- ``search_read`` with a domain, ``order``, ``limit`` and ``offset`` (no server cap); ``read``; many2one values
  as ``[id, "name"]``; empty values ``false``; ``write_date`` in UTC at second precision;
- ``stock.picking.button_validate``: the backorder wizard unless ``skip_backorder``, then a backorder or none
  (``picking_ids_not_to_backorder``), a ``UserError`` when nothing is done; ``stock.quant`` refuses
  ``inventory_quantity`` outside ``inventory_mode``; ``action_apply_inventory`` applies it with the context's
  ``inventory_name``;
- scripted failures (``fail_next``): 500, 502 HTML, 429, timeouts; and an answer lost after the work was
  committed (``lost_answers``: each JSON-2 call is its own transaction).
"""

import copy
import json
import re
from datetime import UTC, datetime

import requests
import responses

API_KEY = "7a1c0e5f9b3d2c8e4f6a0b1c2d3e4f5a6b7c8d9e"
DATABASE = "client-prod"
LOGIN = "hub-bot@client.example"
BOT_UID = 7
TRACEBACK = 'Traceback (most recent call last):\n  File "/opt/odoo/odoo/http.py", line 2212, in _transactioning\n'
MANY2ONE = {
    "partner_id": "res.partner",
    "partner_shipping_id": "res.partner",
    "carrier_id": "delivery.carrier",
    "warehouse_id": "stock.warehouse",
    "product_id": "product.product",
    "state_id": "res.country.state",
    "country_id": "res.country",
    "picking_id": "stock.picking",
    "sale_id": "sale.order",
    "purchase_id": "purchase.order",
    "sale_line_id": "sale.order.line",
    "purchase_line_id": "purchase.order.line",
    "location_id": "stock.location",
    "lot_stock_id": "stock.location",
    "picking_type_id": "stock.picking.type",
    "backorder_id": "stock.picking",
    "lot_id": "stock.lot",
    "package_id": "stock.quant.package",
}


class OdooFault(Exception):
    def __init__(self, name, message, status=422):
        super().__init__(message)
        self.name, self.message, self.status = name, message, status


class FakeOdoo:
    def __init__(self, url="https://client.example.odoo.com", version=19):
        self.url, self.version, self.key = url, version, API_KEY
        self.db = {}  # model -> {id: record}
        self.next_id = 100
        self.calls, self.failures, self.denied = [], [], set()
        self.lost_answers = set()  # (model, method): done in the database, but the answer never arrives
        self.kits = {}  # kit sku -> [(component sku, quantity per kit)]
        self.missing_fields = set()  # (model, field) a module not installed there (e.g. carrier_id without Delivery)
        self.clock = "2026-11-20 09:00:00"
        self._seed()

    # --- data -------------------------------------------------------------------------------------
    def _seed(self):
        self.put("res.country", 68, name="Spain", code="ES")
        self.put("res.country.state", 418, name="Valencia (ES)")
        self.put("stock.location", 8, name="WH/Stock")
        self.put("stock.warehouse", 1, name="3PL Valencia", lot_stock_id=8)
        self.put("stock.picking.type", 2, name="Delivery Orders", code="outgoing", warehouse_id=1)
        self.put("stock.picking.type", 1, name="Receipts", code="incoming", warehouse_id=1)
        self.put("delivery.carrier", 3, name="SEUR 24")
        self.put("res.partner", 51, name="Tienda Ejemplo SL")
        self.put("res.partner", 60, name="Cerámicas Levante")
        self.put(
            "res.partner",
            77,
            name="Lucía Ferrer",
            company_name=False,
            street="C/ Colón 12",
            street2="3º B",
            zip="46004",
            city="Valencia",
            state_id=418,
            country_id=68,
            phone="+34600111222",
            mobile=False,
            email="lucia@example.com",
        )

    def put(self, model, record_id=None, **values):
        record_id = record_id or self._new_id()
        record = {"id": record_id, "display_name": values.get("name", f"{model},{record_id}"), **values}
        record.setdefault("write_date", self.clock)
        self.db.setdefault(model, {})[record_id] = record
        return record

    def _new_id(self):
        self.next_id += 1
        return self.next_id

    def product(self, sku, barcode=False, kind="consu", **values):
        values = {"name": sku, "weight": 0.0, "packaging_ids": [], **values}
        return self.put("product.product", default_code=sku, barcode=barcode, type=kind, **values)

    def sale_order(self, name, lines, state="sale", write_date=None, **values):
        """A confirmed sale order with its lines [(sku, qty)] and its open delivery (as Odoo makes it)."""
        defaults = {"client_order_ref": "WEB-727", "date_order": "2026-11-20 08:12:01", "carrier_id": 3}
        order = self.put(
            "sale.order",
            name=name,
            state=state,
            partner_id=51,
            partner_shipping_id=77,
            warehouse_id=1,
            write_date=write_date or self.clock,
            order_line=[],
            **{**defaults, **values},
        )
        picking = self.put(
            "stock.picking",
            name=f"WH/OUT/{order['id']:05d}",
            state="assigned",
            sale_id=order["id"],
            picking_type_id=2,
            picking_type_code="outgoing",
            origin=name,
            carrier_tracking_ref=False,
            backorder_id=False,
        )
        for sku, quantity in lines:
            if sku is None:  # a note line (display_type): no product, nothing to ship
                note = self.put("sale.order.line", name=quantity, product_id=False, product_uom_qty=0.0)
                note.update(qty_delivered=0.0, display_type="line_note")
                order["order_line"].append(note["id"])
                continue
            product = self.find("product.product", default_code=sku)
            line = self.put(
                "sale.order.line",
                name=sku,
                product_id=product["id"],
                product_uom_qty=quantity,
                qty_delivered=0.0,
                display_type=False,
            )
            order["order_line"].append(line["id"])
            if product["type"] == "service":
                continue
            for code, per_kit in self.kits.get(sku) or [(sku, 1)]:  # mrp explodes a kit into its components
                component = self.find("product.product", default_code=code)
                self._move(picking, component, quantity * per_kit, sale_line_id=line["id"])
        return order

    def purchase_order(self, name, lines, state="purchase", **values):
        purchase = self.put(
            "purchase.order",
            name=name,
            state=state,
            partner_id=60,
            partner_ref="SUP-REF-1",
            date_planned="2026-12-01 08:00:00",
            picking_type_id=1,
            order_line=[],
            **values,
        )
        picking = self.put(
            "stock.picking",
            name=f"WH/IN/{purchase['id']:05d}",
            state="assigned",
            purchase_id=purchase["id"],
            picking_type_id=1,
            picking_type_code="incoming",
            origin=name,
            carrier_tracking_ref=False,
            backorder_id=False,
        )
        for sku, quantity in lines:
            product = self.find("product.product", default_code=sku)
            line = self.put(
                "purchase.order.line",
                name=sku,
                product_id=product["id"],
                product_qty=quantity,
                qty_received=0.0,
                display_type=False,
            )
            purchase["order_line"].append(line["id"])
            self._move(picking, product, quantity, purchase_line_id=line["id"])
        return purchase

    def _move(self, picking, product, quantity, **link):
        return self.put(
            "stock.move",
            name=product["name"],
            picking_id=picking["id"],
            product_id=product["id"],
            product_uom_qty=quantity,
            quantity=0.0,
            picked=False,
            state="assigned",
            **{"sale_line_id": False, "purchase_line_id": False, **link},
        )

    def quant(self, sku, quantity, location=8):
        product = self.find("product.product", default_code=sku)
        return self.put(
            "stock.quant",
            product_id=product["id"],
            location_id=location,
            lot_id=False,
            package_id=False,
            quantity=quantity,
            inventory_quantity=0.0,
            inventory_quantity_set=False,
        )

    def find(self, model, **values):
        return next(r for r in self.db.get(model, {}).values() if all(r.get(k) == v for k, v in values.items()))

    def records(self, model, **values):
        return [r for r in self.db.get(model, {}).values() if all(r.get(k) == v for k, v in values.items())]

    def touch(self, model, record_id, moment):
        self.db[model][record_id]["write_date"] = moment

    def fail_next(self, *kinds):
        """Script the next answers: 500, 502 (an HTML proxy page), 429, "timeout"."""
        self.failures.extend(kinds)

    # --- the ORM, as far as the hub uses it -------------------------------------------------------------
    def execute(self, model, method, ids, params, context):
        self.calls.append((model, method))
        if model in self.denied:
            raise OdooFault(
                "odoo.exceptions.AccessError",
                f"You are not allowed to access '{model}' records. This operation is allowed for the following "
                "groups: Inventory/User. Contact your administrator to request access if necessary.",
                403,
            )
        if model == "res.users" and method == "context_get":
            return {"lang": "es_ES", "tz": "Europe/Madrid", "uid": BOT_UID}
        if model not in self.db and method != "create":
            raise OdooFault("werkzeug.exceptions.NotFound", f"the model '{model}' does not exist", 404)
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            raise OdooFault("werkzeug.exceptions.NotFound", f"the method '{method}' does not exist", 404)
        result = handler(model, ids, context=context or {}, **params)
        if (model, method) in self.lost_answers:
            self.lost_answers.discard((model, method))
            raise requests.ReadTimeout("the answer timed out after the work was committed")
        return result

    def m_search_read(self, model, ids, context, domain=(), fields=None, offset=0, limit=None, order=None, **kw):
        self._check_fields(model, fields)
        rows = [r for r in self.db.get(model, {}).values() if self._matches(model, r, domain)]
        for key in reversed([part.strip() for part in (order or "id asc").split(",")]):
            name, _space, direction = key.partition(" ")
            rows.sort(key=lambda r, n=name: (r.get(n) is False, r.get(n)), reverse=direction.strip() == "desc")
        rows = rows[offset : offset + limit if limit else None]
        return [self._render(model, r, fields) for r in rows]

    def m_read(self, model, ids, context, fields=None, **kw):
        self._check_fields(model, fields)
        return [self._render(model, self.db[model][i], fields) for i in ids if i in self.db[model]]

    def m_write(self, model, ids, context, vals=None, **kw):
        if model == "stock.quant" and "inventory_quantity" in vals and not context.get("inventory_mode"):
            raise OdooFault("odoo.exceptions.UserError", "Quant's editing is restricted, you can't do this operation.")
        for record_id in ids:
            self.db[model][record_id].update(vals, write_date=self.clock)
            if model == "stock.quant" and "inventory_quantity" in vals:
                self.db[model][record_id]["inventory_quantity_set"] = True
        return True

    def m_create(self, model, ids, context, vals_list=None, **kw):
        if model == "stock.quant" and not context.get("inventory_mode"):
            raise OdooFault("odoo.exceptions.UserError", "Quant's creation is restricted, you can't do this operation.")
        created = []
        for vals in vals_list if isinstance(vals_list, list) else [vals_list]:
            record = self.put(model, **{"quantity": 0.0, "lot_id": False, "package_id": False, **vals})
            record["inventory_quantity_set"] = True
            created.append(record["id"])
        return created

    def m_message_post(self, model, ids, context, body="", **kw):
        self.db[model][ids[0]].setdefault("messages", []).append(body)
        return self._new_id()

    def m_action_apply_inventory(self, model, ids, context, **kw):
        for quant in (self.db[model][i] for i in ids):
            name = context.get("inventory_name") or "Product Quantity Updated"
            self.put(
                "stock.move",
                name=name,
                product_id=quant["product_id"],
                product_uom_qty=abs(quant["inventory_quantity"] - quant["quantity"]),
                state="done",
                is_inventory=True,
            )
            quant.update(quantity=quant["inventory_quantity"], inventory_quantity_set=False, write_date=self.clock)
        return False

    def m_button_validate(self, model, ids, context, **kw):
        for picking in (self.db[model][i] for i in ids):
            moves = self.records("stock.move", picking_id=picking["id"])
            done_field = "quantity_done" if self.version < 17 else "quantity"
            if not any(m.get(done_field) for m in moves):
                raise OdooFault(
                    "odoo.exceptions.UserError",
                    "You cannot validate a transfer if no quantities are reserved nor done. To force the transfer, "
                    "encode quantities.",
                )
            short = [m for m in moves if (m.get(done_field) or 0) < m["product_uom_qty"]]
            if short and not context.get("skip_backorder"):
                return {
                    "name": "Create Backorder?",
                    "type": "ir.actions.act_window",
                    "res_model": "stock.backorder.confirmation",
                    "target": "new",
                    "context": {"button_validate_picking_ids": ids},
                }
            if short and picking["id"] not in (context.get("picking_ids_not_to_backorder") or []):
                backorder = self.put(
                    "stock.picking",
                    **{k: v for k, v in picking.items() if k not in ("id", "name", "messages")},
                    name=picking["name"] + "-BO",
                )
                backorder.update(state="assigned", backorder_id=picking["id"], carrier_tracking_ref=False)
                for move in short:
                    self._move(
                        backorder,
                        self.db["product.product"][move["product_id"]],
                        move["product_uom_qty"] - (move.get(done_field) or 0),
                        sale_line_id=move["sale_line_id"],
                        purchase_line_id=move["purchase_line_id"],
                    )
            for move in moves:
                move.update(state="done", product_uom_qty=move.get(done_field) or 0)
                for link, line_model, field in (
                    ("sale_line_id", "sale.order.line", "qty_delivered"),
                    ("purchase_line_id", "purchase.order.line", "qty_received"),
                ):
                    line = self.db.get(line_model, {}).get(move.get(link))
                    if line and line["product_id"] == move["product_id"]:  # a kit's delivered count is mrp's
                        line[field] += move.get(done_field) or 0
            picking.update(state="done", write_date=self.clock)
        return True

    def _matches(self, model, record, domain):
        """Odoo's prefix-notation domain: "&" / "|" / "!" take the next terms, the others are joined by "&"."""
        stack = []
        for term in reversed(list(domain)):
            if term == "!":
                stack.append(not stack.pop())
            elif term in ("&", "|"):
                first, second = stack.pop(), stack.pop()
                stack.append(first and second if term == "&" else first or second)
            else:
                stack.append(self._match(model, record, term))
        return all(stack)

    def _match(self, model, record, term):
        name, operator, value = term
        if name == "picking_type_id.warehouse_id":
            actual = self.db["stock.picking.type"].get(record.get("picking_type_id"), {}).get("warehouse_id")
        else:
            actual = record.get(name, False)
        return {
            "=": lambda: actual == value,
            "!=": lambda: actual != value,
            ">=": lambda: actual is not False and actual >= value,
            ">": lambda: actual is not False and actual > value,
            "<": lambda: actual is not False and actual < value,
            "in": lambda: actual in value,
            "not in": lambda: actual not in value,
        }[operator]()

    def _check_fields(self, model, fields):
        for name in fields or ():
            if (model, name) in self.missing_fields:
                raise OdooFault("builtins.ValueError", f"Invalid field '{name}' on model '{model}'", 400)

    def _render(self, model, record, fields):
        out = {"id": record["id"]}
        for name in fields or [k for k in record if k != "messages"]:
            if name not in record and name not in ("display_name",):
                raise OdooFault("builtins.ValueError", f"Invalid field '{name}' on model '{model}'", 400)
            value = record.get(name, False)
            if name in MANY2ONE and value:
                target = self.db.get(MANY2ONE[name], {}).get(value, {})
                value = [value, target.get("display_name") or target.get("name") or ""]
            out[name] = copy.deepcopy(value)
        return out

    # --- HTTP ------------------------------------------------------------------------------------------
    def install(self, mock):
        mock.add_callback(responses.GET, f"{self.url}/web/version", callback=self._version)
        mock.add_callback(responses.POST, re.compile(re.escape(self.url) + r"/json/2/[\w.]+/\w+"), callback=self._json2)
        mock.add_callback(responses.POST, f"{self.url}/jsonrpc", callback=self._jsonrpc)
        return self

    def _scripted(self):
        if not self.failures:
            return None
        kind = self.failures.pop(0)
        if kind == "timeout":
            raise requests.ConnectTimeout("timed out")
        if kind == 502:
            return 502, {"Content-Type": "text/html"}, "<html><body>502 Bad Gateway</body></html>"
        return kind, {"Content-Type": "application/json"}, json.dumps({"name": "werkzeug.exceptions.HTTPException"})

    def _version(self, request):
        self.calls.append(("GET", "/web/version"))
        if self.version < 19:
            return 404, {"Content-Type": "text/html"}, "<html>404: Page not found</html>"
        info = [self.version, 0, 0, "final", 0, ""]
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"version": f"{self.version}.0", "version_info": info}),
        )

    def _json2(self, request):
        scripted = self._scripted()
        if scripted:
            return scripted
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.version < 19:
            return 404, {"Content-Type": "text/html"}, "<html>404: Page not found</html>"
        model, method = request.path_url.split("/json/2/")[1].split("/")
        if request.headers.get("Authorization") != f"bearer {self.key}":
            self.calls.append((model, method))
            error = {"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey"}
            return (
                401,
                headers,
                json.dumps({**error, "arguments": ["Invalid apikey", 401], "context": {}, "debug": TRACEBACK}),
            )
        body = json.loads(request.body or b"{}")
        ids, context = body.pop("ids", None), body.pop("context", None)
        try:
            return 200, headers, json.dumps(self.execute(model, method, ids, body, context))
        except OdooFault as fault:
            error = {"name": fault.name, "message": fault.message, "arguments": [fault.message], "context": {}}
            return fault.status, headers, json.dumps({**error, "debug": TRACEBACK})

    def _jsonrpc(self, request):
        scripted = self._scripted()
        if scripted:
            return scripted
        body = json.loads(request.body)
        params, headers = body["params"], {"Content-Type": "application/json"}

        def answer(result=None, fault=None):
            reply = {"jsonrpc": "2.0", "id": body.get("id")}
            if fault:
                data = {"name": fault.name, "debug": TRACEBACK, "message": fault.message, "arguments": [fault.message]}
                reply["error"] = {"code": 200, "message": "Odoo Server Error", "data": {**data, "context": {}}}
            else:
                reply["result"] = result
            return 200, headers, json.dumps(reply)

        service, method, args = params["service"], params["method"], params["args"]
        if service == "common" and method == "version":
            self.calls.append(("common", "version"))
            info = [self.version, 0, 0, "final", 0, ""]
            return answer({"server_version": f"{self.version}.0", "server_version_info": info, "protocol_version": 1})
        if service == "common" and method == "authenticate":
            self.calls.append(("common", "authenticate"))
            db, login, key, _env = args
            return answer(BOT_UID if (db, login, key) == (DATABASE, LOGIN, self.key) else False)
        db, uid, key, model, method, positional, kwargs = args
        if (db, uid, key) != (DATABASE, BOT_UID, self.key):
            self.calls.append((model, method))
            return answer(fault=OdooFault("odoo.exceptions.AccessDenied", "Access Denied"))
        kwargs = dict(kwargs or {})
        context = kwargs.pop("context", None)
        ids = positional[0] if positional and method not in ("create", "search_read") else None
        if method == "create":
            kwargs["vals_list"] = positional[0]
        try:
            return answer(self.execute(model, method, ids, kwargs, context))
        except OdooFault as fault:
            return answer(fault=fault)


def now_text():
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")

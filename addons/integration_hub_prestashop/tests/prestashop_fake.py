"""A stand-in for a PrestaShop shop's Webservice API (1.7 / 8.x), plugged into ``responses``.

Written from ../shared/platforms/prestashop.md (the webservice docs it cites: cheat sheet, list parameters,
the resources' pages), small and scrubbed. It enforces what a real shop does and the hub must cope with:
- HTTP Basic with the webservice key and an empty password, else 401 with the XML error document;
- ``GET /api/`` lists the resources the key may use, with their verbs as attributes;
- XML by default; JSON only with ``output_format=JSON`` and only when the shop supports it (``json``),
  an empty JSON list is ``[]``;
- lists: ``display=full``, ``filter[field]=[a|b]`` / ``[a,b]`` (interval), ``sort=[field_ASC]``,
  ``limit=offset,count`` with no total; a date filter or sort without ``date=1`` is refused (400);
- multistore: every row has ``id_shop``; ``id_shop`` / ``filter[id_shop]`` narrow the lists;
- ``PUT`` replaces the whole resource: a ``stock_available`` sent without one of its fields is refused
  (400), ``depends_on_stock=1`` makes ``quantity`` read-only; ``POST order_histories`` changes the
  order's ``current_state`` and ``date_upd``; ``order_carriers`` take the tracking number;
- ``order_returns`` only when the shop exposes them (``returns_enabled``: a module adds the resource);
- scripted failures (``fail_next``): 429 (+ Retry-After), 503, timeouts; rows the shop refuses
  (``refuse_stock``: a 400 on that row's PUT).
"""

import base64
import copy
import json
import re
from collections import Counter
from urllib.parse import parse_qs, urlparse

import requests
import responses
from lxml import etree

XLINK = "http://www.w3.org/1999/xlink"
RESOURCE_NAMES = {  # list resource -> its element
    "orders": "order",
    "order_states": "order_state",
    "order_carriers": "order_carrier",
    "order_histories": "order_history",
    "order_details": "order_detail",
    "order_returns": "order_return",
    "addresses": "address",
    "customers": "customer",
    "countries": "country",
    "currencies": "currency",
    "carriers": "carrier",
    "products": "product",
    "combinations": "combination",
    "stock_availables": "stock_available",
}
TRANSLATED = ("order_state", "product")  # resources whose name is per language


def _translated(document):
    """The JSON output of translated names: [{"id": language, "value": text}]."""

    def walk(value, tag=""):
        if isinstance(value, list):
            return [walk(item, tag) for item in value]
        if isinstance(value, dict):
            return {
                key: [{"id": "1", "value": inner}] if key == "name" and tag in TRANSLATED else walk(inner, key)
                for key, inner in value.items()
            }
        return value

    return {key: walk(value, RESOURCE_NAMES.get(key, key)) for key, value in document.items()}


STOCK_FIELDS = ("id", "id_product", "id_product_attribute", "id_shop", "quantity", "depends_on_stock", "out_of_stock")
ORDER_STATES = [  # install-dev/data/xml/order_state.xml (a fresh install), English names
    ("1", "Awaiting check payment", "0", "0"),
    ("2", "Payment accepted", "1", "0"),
    ("3", "Processing in progress", "1", "0"),
    ("4", "Shipped", "1", "1"),
    ("5", "Delivered", "1", "1"),
    ("6", "Canceled", "0", "0"),
    ("7", "Refunded", "1", "0"),
    ("8", "Payment error", "0", "0"),
    ("9", "On backorder (paid)", "1", "0"),
    ("10", "Awaiting bank wire payment", "0", "0"),
    ("11", "Remote payment accepted", "1", "0"),
    ("12", "On backorder (not paid)", "0", "0"),
    ("13", "Awaiting Cash On Delivery validation", "0", "0"),
]


def order_row(row_id, product_id, attribute_id, quantity, reference, name="Item", price="12.500000"):
    return {
        "id": str(row_id),
        "product_id": str(product_id),
        "product_attribute_id": str(attribute_id),
        "product_quantity": str(quantity),
        "product_name": name,
        "product_reference": reference,
        "product_ean13": "",
        "unit_price_tax_incl": price,
        "unit_price_tax_excl": f"{float(price) / 1.21:.6f}",
    }


class FakePrestaShop:
    def __init__(self, url="https://shop.example.com", key="ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", json_output=True):
        self.url, self.key, self.json_output = url, key, json_output
        self.api = f"{url}/api"
        self.data = {plural: {} for plural in RESOURCE_NAMES}
        self.calls, self.failures, self.puts, self.histories = [], [], [], []
        self.returns_enabled, self.refuse_stock = False, set()
        for state_id, name, paid, shipped in ORDER_STATES:
            self.data["order_states"][state_id] = {"id": state_id, "name": name, "paid": paid, "shipped": shipped}
        self.add("countries", {"id": "6", "iso_code": "ES"})
        self.add("currencies", {"id": "1", "iso_code": "EUR"})
        self.add("carriers", {"id": "3", "name": "next_day", "url": "https://track.example.com/@"})
        self.add("customers", {"id": "7", "firstname": "Lucía", "lastname": "Ferrer", "email": "lucia@example.com"})
        self.add("customers", {"id": "8", "firstname": "Pau", "lastname": "Roig", "email": "pau@example.com"})
        self.add(
            "addresses",
            {
                "id": "12",
                "id_customer": "7",
                "id_country": "6",
                "firstname": "Lucía",
                "lastname": "Ferrer",
                "company": "",
                "address1": "C/ Colón 12",
                "address2": "3º B",
                "postcode": "46004",
                "city": "Valencia",
                "phone": "",
                "phone_mobile": "+34600111222",
                "vat_number": "",
            },
        )

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        for method in (responses.GET, responses.POST, responses.PUT, responses.DELETE):
            mock.add_callback(method, re.compile(re.escape(self.api) + ".*"), callback=self._callback)
        return self

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def add(self, resource, row):
        self.data[resource][str(row["id"])] = row
        return row

    def add_order(self, order_id, date_upd, rows=None, state="2", shop="1", customer="7", **changes):
        rows = rows or [order_row(9, 93, 101, 2, "TSHIRT-S")]
        order = {
            "id": str(order_id),
            "id_shop": shop,
            "id_address_delivery": "12",
            "id_customer": customer,
            "id_carrier": "3",
            "id_currency": "1",
            "current_state": state,
            "module": "ps_checkout",
            "valid": "1",
            "date_add": date_upd,
            "date_upd": date_upd,
            "shipping_number": "",
            "payment": "Tarjeta",
            "gift": "0",
            "gift_message": "",
            "reference": f"REF{order_id}",
            "total_paid": "29.900000",
            "total_shipping_tax_incl": "4.900000",
            "total_shipping_tax_excl": "4.050000",
            "associations": {"order_rows": rows},
            **changes,
        }
        self.add("orders", order)
        for row in rows:  # order_rows are order_detail rows (same ids)
            self.add("order_details", {**row, "id_order": str(order_id), "product_quantity_return": "0"})
        self.add(
            "order_carriers",
            {
                "id": str(500 + int(order_id)),
                "id_order": str(order_id),
                "id_carrier": "3",
                "id_order_invoice": "0",
                "weight": "0.000000",
                "shipping_cost_tax_excl": "4.050000",
                "shipping_cost_tax_incl": "4.900000",
                "tracking_number": "",
                "date_add": date_upd,
            },
        )
        return order

    def add_stock(self, row_id, product_id, attribute_id, quantity=0, shop="1", depends_on_stock="0"):
        return self.add(
            "stock_availables",
            {
                "id": str(row_id),
                "id_product": str(product_id),
                "id_product_attribute": str(attribute_id),
                "id_shop": shop,
                "id_shop_group": "0",
                "quantity": str(quantity),
                "depends_on_stock": depends_on_stock,
                "out_of_stock": "2",
                "location": "",
            },
        )

    def counts(self, prefix):
        return Counter(path.split("/api/")[1].split("/")[0] for method, path, _q in self.calls if method == "GET")[
            prefix
        ]

    # --- rendering ---------------------------------------------------------
    def _element(self, parent, tag, value):
        node = etree.SubElement(parent, tag)
        if isinstance(value, dict):
            for key, inner in value.items():
                self._element(node, key, inner)
        elif isinstance(value, list):
            node.set("nodeType", tag[:-1])
            node.set("virtualEntity", "true")
            for item in value:
                self._element(node, tag[:-1], item)
        elif tag == "name" and parent.tag in TRANSLATED:
            language = etree.SubElement(node, "language", id="1")
            language.set(f"{{{XLINK}}}href", f"{self.api}/languages/1")
            language.text = etree.CDATA(str(value))
        else:
            if tag.startswith("id_") and tag[3:] in ("customer", "carrier", "address_delivery"):
                node.set(f"{{{XLINK}}}href", f"{self.api}/{tag[3:]}s/{value}")
            node.text = etree.CDATA(str(value))
        return node

    def _render(self, document, as_json):
        if as_json:
            if any(isinstance(v, list) and not v for v in document.values()):
                return "[]"  # PrestaShop's JSON quirk: an empty collection is a bare []
            return json.dumps(_translated(document))
        root = etree.Element("prestashop", nsmap={"xlink": XLINK})
        for key, value in document.items():
            if isinstance(value, list):
                container = etree.SubElement(root, key)
                for item in value:
                    self._element(container, RESOURCE_NAMES[key], item)
            else:
                self._element(root, key, value)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _error(self, status, code, message, as_json=False):
        if as_json:
            return status, {}, json.dumps({"errors": [{"code": code, "message": message}]})
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="{XLINK}"><errors><error>'
            f"<code><![CDATA[{code}]]></code><message><![CDATA[{message}]]></message></error></errors></prestashop>"
        )
        return status, {"Content-Type": "text/xml;charset=utf-8"}, body

    # --- the HTTP side ----------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        self.calls.append((request.method, url.path, query))
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            return (status, headers, "<html>Service temporarily unavailable</html>")
        as_json = self.json_output and query.get("output_format") == "JSON"
        expected = "Basic " + base64.b64encode(f"{self.key}:".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._error(401, 25, "Authentication key is not active or invalid", as_json)
        path = url.path.removeprefix("/api").strip("/")
        if not path:
            return self._index(as_json)
        resource, _slash, item = path.partition("/")
        if resource not in RESOURCE_NAMES or (resource == "order_returns" and not self.returns_enabled):
            return self._error(404, 20, f'Resource of type "{resource}" does not exists', as_json)
        if request.method == "GET":
            return self._get(resource, item, query, as_json)
        body = request.body.encode() if isinstance(request.body, str) else request.body
        try:
            values = {child.tag: (child.text or "") for child in etree.fromstring(body)[0]}
        except (etree.XMLSyntaxError, IndexError, TypeError):
            return self._error(400, 127, "XML error: the body is not a PrestaShop XML document")
        if request.method == "PUT":
            return self._put(resource, item, values, query)
        if request.method == "POST" and resource == "order_histories":
            return self._history(values, query)
        return self._error(405, 100, f"Method {request.method} is not allowed for the resource {resource}")

    def _index(self, as_json):
        root = etree.Element("prestashop", nsmap={"xlink": XLINK})
        api = etree.SubElement(root, "api", shopName="Fake shop")
        for resource in RESOURCE_NAMES:
            if resource == "order_returns" and not self.returns_enabled:
                continue
            writable = resource in ("stock_availables", "order_carriers", "order_histories")
            etree.SubElement(api, resource, get="true", put=str(writable).lower(), post=str(writable).lower())
        if as_json:
            return 200, {}, json.dumps({"api": {r: {"get": True} for r in RESOURCE_NAMES}})
        return 200, {"Content-Type": "text/xml"}, etree.tostring(root)

    def _get(self, resource, item, query, as_json):
        rows = self.data[resource]
        if item:
            if item not in rows:
                return self._error(404, 87, f"Id {item} not found", as_json)
            return 200, {}, self._render({RESOURCE_NAMES[resource]: rows[item]}, as_json)
        uses_dates = any("date" in key for key in query if key.startswith(("filter[", "sort")))
        uses_dates = uses_dates or "date_" in query.get("sort", "")
        if uses_dates and query.get("date") != "1":
            return self._error(400, 33, "The 'date' parameter is required to filter or sort on a date", as_json)
        selected = list(rows.values())
        shop = query.get("id_shop")
        if shop and resource in ("orders", "stock_availables"):
            selected = [row for row in selected if row.get("id_shop") == shop]
        for key, value in query.items():
            match = re.fullmatch(r"filter\[(\w+)\]", key)
            if not match:
                continue
            field, inner = match.group(1), value.strip("[]")
            if "," in inner:
                low, high = inner.split(",", 1)
                selected = [row for row in selected if low <= str(row.get(field, "")) <= high]
            else:
                selected = [row for row in selected if str(row.get(field, "")) in inner.split("|")]
        sort = re.fullmatch(r"\[(\w+)_(ASC|DESC)\]", query.get("sort", ""))
        if sort:
            selected.sort(key=lambda row: (row.get(sort.group(1)), int(row["id"])), reverse=sort.group(2) == "DESC")
        if "limit" in query:
            offset, _comma, count = query["limit"].partition(",")
            offset, count = (int(offset), int(count)) if count else (0, int(offset))
            selected = selected[offset : offset + count]
        if query.get("display") != "full":
            selected = [{"id": row["id"]} for row in selected]
        return 200, {}, self._render({resource: copy.deepcopy(selected)}, as_json)

    def _put(self, resource, item, values, query):
        if values.get("id") != item or item not in self.data[resource]:
            return self._error(400, 90, "id is required when modifying a resource")
        if resource == "stock_availables":
            missing = [name for name in STOCK_FIELDS if name not in values]
            if missing:  # PUT replaces the whole resource
                return self._error(400, 41, f'parameter "{missing[0]}" required')
            row = self.data[resource][item]
            if item in self.refuse_stock:
                return self._error(400, 85, f'Validation error: "quantity" of stock_available {item} is invalid')
            if row["depends_on_stock"] == "1" and values["quantity"] != row["quantity"]:
                return self._error(400, 86, "quantity cannot be set when depends_on_stock is 1")
        self.puts.append((resource, item, values, query))
        self.data[resource][item].update(values)
        return 200, {}, self._render({RESOURCE_NAMES[resource]: self.data[resource][item]}, False)

    def _history(self, values, query):
        order = self.data["orders"].get(values.get("id_order") or "")
        if not order or values.get("id_order_state") not in self.data["order_states"]:
            return self._error(400, 87, "Validation error: id_order or id_order_state is invalid")
        self.histories.append((values["id_order"], values["id_order_state"], query.get("sendemail")))
        order["current_state"] = values["id_order_state"]
        history = {"id": str(len(self.histories)), **values}
        self.add("order_histories", history)
        return 201, {}, self._render({"order_history": history}, False)

"""PrestaShop Webservice API (1.7 / 8.x, ../shared/platforms/prestashop.md): the client and the mapping, plain Python.

- Auth: HTTP Basic with the webservice key as user and an empty password; no expiry, no refresh.
- Format: XML by default; reads in JSON (``output_format=JSON``) when the shop answers it (detected once);
  writes are always XML (JSON bodies are not accepted for writes on every version). Both answers become the
  same dicts (``parse_xml`` mirrors the JSON output), so the mapping is written once.
- Lists: ``limit=offset,count`` with no total: a short page is the last one. Date filters need ``date=1``
  and shop-local ``YYYY-MM-DD HH:MM:SS`` (no time zone).
- Order states are per-shop ids: the channel says what each one means (``READY``, ``WAITING``,
  ``CANCELLED``, ``SHIPPED``, ``DELIVERED``); an id it does not map is never guessed (``UnmappedState``).
"""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from odoo.addons.integration_hub.lib.errors import PayloadError, PermanentError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

PAGE_SIZE = 50
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
FAR_FUTURE = "2999-12-31 23:59:59"
# what a shop's order state means to the warehouse (chosen per state on the channel)
READY, WAITING, CANCELLED, SHIPPED, DELIVERED = "ready", "waiting", "cancelled", "shipped", "delivered"
MEANINGS = [
    (READY, "Paid / ready to ship"),
    (WAITING, "Awaiting payment"),
    (CANCELLED, "Cancelled"),
    (SHIPPED, "Shipped"),
    (DELIVERED, "Delivered"),
]
FINANCIAL_STATUS = {READY: "paid", WAITING: "pending", SHIPPED: "paid", DELIVERED: "paid"}
# default order_return_state ids (install-dev/data/xml/order_return_state.xml): 1 waiting for confirmation,
# 2 waiting for package, 3 package received, 4 return denied, 5 return completed
RETURN_STATUS = {"1": "", "2": "authorized", "3": "shipped_back", "4": "rejected", "5": ""}
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)


class UnmappedState(PayloadError):
    """The order's state id is not mapped on the channel: the order is not guessed (the message waits)."""


# --- XML <-> dicts -------------------------------------------------------------------------------
def _elements(element):
    return [child for child in element if isinstance(child.tag, str)]  # no comments, no unexpanded entities


def _is_list(element):
    children = _elements(element)
    if element.get("nodeType") or element.get("virtualEntity"):
        return True
    if not children or len({child.tag for child in children}) != 1:
        return False
    child = children[0].tag
    return element.tag in (child + "s", child + "es", child[:-1] + "ies")


def _value(element):
    children = _elements(element)
    if not children:
        if element.get("id") is not None and element.text is None and element.get("{http://www.w3.org/1999/xlink}href"):
            return {"id": element.get("id")}  # a list without display=full: <order id="5" xlink:href=.../>
        return (element.text or "").strip()
    if children[0].tag == "language":  # a translated field: the first language's text
        return (children[0].text or "").strip()
    if _is_list(element):
        return [_value(child) for child in children]
    return {child.tag: _value(child) for child in children}


def parse_xml(body):
    """A webservice XML answer as the JSON output's dicts: ``{"orders": [{...}]}`` / ``{"order": {...}}``.

    Raises PayloadError on a body that is not XML (an HTML error page from a proxy, a truncated answer).
    """
    try:
        root = etree.fromstring(body if isinstance(body, bytes) else body.encode(), SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise PayloadError(f"PrestaShop answered something that is not XML: {error}") from None
    return {child.tag: _value(child) for child in _elements(root)}


def to_xml(resource, values):
    """``<prestashop><resource>…</resource></prestashop>`` bytes for a PUT / POST (fields as CDATA text)."""
    root = etree.Element("prestashop", nsmap={"xlink": "http://www.w3.org/1999/xlink"})
    node = etree.SubElement(root, resource)
    for key, value in values.items():
        if isinstance(value, dict | list):
            continue  # associations are not sent back: PrestaShop keeps them when they are absent
        etree.SubElement(node, key).text = etree.CDATA("" if value is None else str(value))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def errors_of(body):
    """The shop's error messages from an error answer (XML or JSON), for an exception text."""
    try:
        document = json.loads(body)
        return "; ".join(str(e.get("message")) for e in document.get("errors") or [])
    except (ValueError, AttributeError):
        pass
    try:
        errors = parse_xml(body).get("errors") or []
    except PayloadError:
        return (body or b"")[:200].decode(errors="replace") if isinstance(body, bytes) else str(body)[:200]
    errors = errors if isinstance(errors, list) else [errors.get("error") or errors]
    return "; ".join(str(e.get("message")) if isinstance(e, dict) else str(e) for e in errors)


# --- the client ----------------------------------------------------------------------------------
class PrestaShopClient(HttpClient):
    """Basic auth with the webservice key and an empty password; 429/5xx (host or firewall) are retryable."""

    name = "PrestaShop"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def __init__(self, shop_url, key, shop_id=None, output_json=False, **settings):
        super().__init__(f"{shop_url.rstrip('/')}/api", [key], **settings)
        self.key, self.shop_id, self.output_json = key, shop_id, output_json
        self.cache = {}  # (resource, id) -> dict: each related resource read once per poll

    def authorize(self, call):
        call["auth"] = (self.key, "")

    def request(self, method, path, what, accept=(), **kwargs):
        """As ``HttpClient.request``; a 400 / 404 / 405 names the shop's own error messages (XML or JSON)."""
        refused = tuple(status for status in (400, 404, 405) if status not in accept)
        response = super().request(method, path, what, accept=tuple(accept) + refused, **kwargs)
        if response.status_code in refused:
            raise PermanentError(
                f"{self.name} {what}: refused with HTTP {response.status_code}: {errors_of(response.content)}"
            )
        return response

    def get(self, path, what, params=None):
        """A resource or a list as dicts, in JSON when the shop answers it, else XML."""
        params = dict(params or {})
        if self.shop_id:
            params.setdefault("id_shop", self.shop_id)
        if self.output_json:
            params["output_format"] = "JSON"
        response = self.request("GET", path, what, params=params)
        if self.output_json:
            try:
                document = response.json()
            except ValueError:
                raise PayloadError(f"{self.name} {what}: the answer is not JSON") from None
            return document if isinstance(document, dict) else {}  # an empty list comes back as []
        return parse_xml(response.content)

    def rows(self, resource, what, params=None):
        """A list resource's rows (``display=full``), [] when there are none."""
        document = self.get(resource, what, {"display": "full", **(params or {})})
        rows = document.get(resource) or []
        return rows if isinstance(rows, list) else [rows]

    def one(self, resource, resource_id, what):
        """``/api/<resource>/<id>`` as a dict, read once per client (a poll): addresses, customers..."""
        key = (resource, str(resource_id))
        if key not in self.cache:
            document = self.get(f"{resource}/{resource_id}", what)
            self.cache[key] = next(iter(document.values()), {}) if document else {}
        return self.cache[key]

    def write(self, method, path, resource, values, what, params=None):
        """PUT / POST the whole resource as XML (a PUT replaces every field: read it first)."""
        params = dict(params or {})
        if self.shop_id:
            params.setdefault("id_shop", self.shop_id)
        response = self.request(
            method,
            path,
            what,
            params=params,
            data=to_xml(resource, values),
            headers={"Content-Type": "application/xml"},
        )
        return parse_xml(response.content) if response.content else {}

    def detect_json(self):
        """Does the shop answer JSON (``output_format=JSON`` on ``GET /api/``)? Older ones answer XML anyway."""
        response = self.request("GET", "", "Detect JSON", params={"output_format": "JSON"})
        try:
            response.json()
        except ValueError:
            return False
        return True

    def resources(self):
        """The resources the key may use (``GET /api/``): {resource: {"get": bool, "put": bool, ...}}."""
        response = self.request("GET", "", "Resources")
        root = etree.fromstring(response.content, SAFE_PARSER)
        api = root.find("api")
        found = {}
        for element in list(api) if api is not None else []:
            found[element.tag] = {verb: element.get(verb) == "true" for verb in ("get", "put", "post", "delete")}
        return found


# --- dates -----------------------------------------------------------------------------------------
def shop_time(moment_utc, timezone):
    """A naive UTC datetime as the shop's local ``YYYY-MM-DD HH:MM:SS`` (date filters have no time zone)."""
    return moment_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).strftime(DATE_FORMAT)


def iso(value, timezone):
    """A shop-local date text as ISO 8601 with the shop's offset (None when empty or a zero date)."""
    if not value or value.startswith("0000"):
        return None
    try:
        moment = datetime.strptime(value[:19], DATE_FORMAT)
    except ValueError:
        return value  # the parser names what is wrong with it
    return moment.replace(tzinfo=ZoneInfo(timezone)).isoformat()


# --- mapping ---------------------------------------------------------------------------------------
def _text(value):
    return "" if value is None else str(value).strip()


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rows(order):
    rows = (order.get("associations") or {}).get("order_rows") or []
    return rows if isinstance(rows, list) else [rows]


def _line_discount(row, incl, excl, quantity):
    """The line's price reduction, tax included, for the whole line: ``product_price`` is the price before
    reductions (tax excluded), ``unit_price_tax_*`` the price paid. Vouchers (cart rules) are order-level
    (``total_discounts``) and not spread over lines. 0 when the row does not carry ``product_price``."""
    base = _number(row.get("product_price"))
    if not (base and excl) or base <= excl:
        return 0.0
    return round((base - excl) * (incl / excl) * quantity, 6)


def variant_id(product_id, attribute_id):
    """The channel's id of a sellable item: ``<product>-<combination>`` (combination 0: the product itself)."""
    return f"{_text(product_id) or '0'}-{_text(attribute_id) or '0'}"


def order_document(bundle, meanings, timezone):
    """(hub type, document) of a polled order ``bundle``: the order and its related resources.

    ``bundle``: {"order", "address", "customer", "country_iso", "carrier", "currency_iso"} as read by the poll;
    ``meanings``: {state id: READY / WAITING / CANCELLED / SHIPPED}. Raises UnmappedState for a state id the
    channel does not map (the order is not guessed). Prices are tax included (``unit_price_tax_incl``).
    """
    order, address = bundle.get("order") or {}, bundle.get("address") or {}
    customer, carrier = bundle.get("customer") or {}, bundle.get("carrier") or {}
    state = _text(order.get("current_state"))
    meaning = meanings.get(state)
    if not meaning:
        raise UnmappedState(
            f"PrestaShop order state {state} of order {order.get('reference') or order.get('id')} is not mapped on "
            "this channel: choose what it means on the channel's PrestaShop tab (Order states), then retry this "
            "message. The order is not imported until then."
        )
    phone = _text(address.get("phone_mobile")) or _text(address.get("phone"))
    name = " ".join(p for p in (_text(address.get("firstname")), _text(address.get("lastname"))) if p)
    shipping_incl = _number(order.get("total_shipping_tax_incl") or order.get("total_shipping"))
    shipping_excl = _number(order.get("total_shipping_tax_excl") or shipping_incl)
    lines = []
    for row in _rows(order):
        quantity = row.get("product_quantity")
        incl, excl = _number(row.get("unit_price_tax_incl")), _number(row.get("unit_price_tax_excl"))
        lines.append(
            {
                "id": _text(row.get("id")),
                "sku": _text(row.get("product_reference")),  # the combination's own reference when it has one
                "variant_id": variant_id(row.get("product_id"), row.get("product_attribute_id")),
                "parent_id": _text(row.get("product_id")),
                "quantity": int(_number(quantity)) if _number(quantity).is_integer() else quantity,
                "name": _text(row.get("product_name")),
                "price": incl,
                "tax": round((incl - excl) * _number(quantity), 6) if excl else 0.0,
                "discount": _line_discount(row, incl, excl, _number(quantity)),
            }
        )
    document = {
        "id": _text(order.get("id")),
        "name": _text(order.get("reference")) or _text(order.get("id")),
        "placed_at": iso(order.get("date_add"), timezone),
        "updated_at": iso(order.get("date_upd"), timezone),
        "financial_status": FINANCIAL_STATUS.get(meaning, "pending"),
        "customer": {
            "name": " ".join(p for p in (_text(customer.get("firstname")), _text(customer.get("lastname"))) if p),
            "email": _text(customer.get("email")),
            "phone": phone,
        },
        "shipping_address": {
            "name": name,
            "company": _text(address.get("company")),
            "street": _text(address.get("address1")),
            "street2": _text(address.get("address2")),
            "zip": _text(address.get("postcode")),
            "city": _text(address.get("city")),
            "state": _text(bundle.get("state_name")),
            "country_code": _text(bundle.get("country_iso")).upper(),
            "phone": phone,
        },
        "vat": _text(address.get("vat_number")),
        "service_level": _text(carrier.get("name")),
        "special_handling": _text(order.get("gift_message")) if _text(order.get("gift")) == "1" else "",
        "currency": _text(bundle.get("currency_iso")).upper(),
        "prices_include_tax": True,
        "shipping_price": shipping_incl,
        "shipping_tax": round(shipping_incl - shipping_excl, 6),
        "total": _number(order.get("total_paid")),
        "discount_total": _number(order.get("total_discounts")),  # vouchers; not in the contract (ignored until read)
        "lines": lines,
    }
    if meaning == CANCELLED:
        document["cancel_reason"] = f"order state {state} in PrestaShop"
        return "order.cancelled", document
    return "order.updated", document


def return_document(bundle):
    """(hub type, document) of an ``order_returns`` row and its order's details with returned quantities.

    ``bundle``: {"order_return", "details"}: the order's ``order_details`` rows; a row's
    ``product_quantity_return`` is what the customer sends back (its id is the order line's id).
    """
    order_return, details = bundle.get("order_return") or {}, bundle.get("details") or []
    lines = [
        {
            "line_id": _text(detail.get("id")),
            "sku": _text(detail.get("product_reference")),
            "variant_id": variant_id(detail.get("product_id"), detail.get("product_attribute_id")),
            "name": _text(detail.get("product_name")),
            "quantity": _number(detail.get("product_quantity_return")),
        }
        for detail in details
        if _number(detail.get("product_quantity_return")) > 0
    ]
    if not lines:
        return "noop", {"order_id": _text(order_return.get("id_order")), "reason": "return without returned items"}
    document = {
        "id": f"return-{_text(order_return.get('id'))}",
        "order_id": _text(order_return.get("id_order")),
        "reason": _text(order_return.get("question")) or "PrestaShop merchandise return",
        "status": RETURN_STATUS.get(_text(order_return.get("state")), ""),
        "lines": lines,
    }
    return "return.created", document  # the same id again updates it (its status)

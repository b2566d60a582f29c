"""Magento 2 / Adobe Commerce REST (../shared/platforms/magento.md): the client and the mapping, plain Python.

Orders map to the hub's generic order document, credit memos with items to returns. Decisions are made
on the order's ``state`` (``status`` is a merchant label mapped to a state), with the channel's choice
of which states are paid, which cancel, and which statuses still wait. A configurable product is a
parent line and a child line in Magento: one physical line in the hub (the parent's id, the child's
SKU). An order edited in the admin becomes a new order (``-1`` increment, ``relation_parent_id``) and
the old one is cancelled with ``relation_child_id``: both are the same hub order, identified by the
original increment id, so the warehouse ships it once.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

PAGE_SIZE = 100  # at most 300 when the shop enables input limits (admin-schema, api-security.md)
SYNC_BATCH = 20  # synchronous array inputs are capped at 20 entries with input limits on
ASYNC_BATCH = 5000  # asynchronous (bulk) array inputs: 5,000
CARRIER_CODES = {"dhl": "dhl", "ups": "ups", "fedex": "fedex", "usps": "usps"}  # shop carriers; else "custom"
# bulk operation status (operation-status-endpoints.md): 1 complete, 2 retriably failed, 3 failed, 4 open, 5 rejected
BULK_COMPLETE, BULK_RETRIABLY_FAILED, BULK_FAILED, BULK_OPEN, BULK_REJECTED = 1, 2, 3, 4, 5


class MagentoClient(HttpClient):
    """``/rest/<store code>/…``: every call signed with OAuth 1.0a HMAC-SHA256 (an integration's four
    credentials), or a bearer access token where the shop allows it (off by default since 2.4.4).
    429 / 5xx from the host or its firewall are retryable; 401 is the hub's AuthError."""

    name = "Magento"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def __init__(self, base_url, store_code, auth_mode, credentials, **settings):
        self.consumer_key, self.consumer_secret, self.token, self.token_secret = credentials
        super().__init__(f"{base_url.rstrip('/')}/rest/{store_code or 'all'}", credentials, **settings)
        self.auth_mode = auth_mode

    def authorize(self, call):
        if self.auth_mode == "bearer":
            call["headers"]["Authorization"] = f"Bearer {self.token}"
            return
        # a fresh signer per call: each attempt gets its own nonce and timestamp
        call["auth"] = OAuth1(
            self.consumer_key,
            client_secret=self.consumer_secret,
            resource_owner_key=self.token,
            resource_owner_secret=self.token_secret,
            signature_method=SIGNATURE_HMAC_SHA256,
        )

    def json(self, method, path, what, body=None, **kwargs):
        return self.request(method, path, what, json=body, **kwargs).json()

    def search(self, path, what, filters=(), page=1, size=None, sort=None):
        """(items of one page, more pages after it) of a ``searchCriteria`` list.

        Magento answers a page past the end with the last page again: pages are counted from
        ``total_count``, and a page past it is empty.
        """
        size = size or PAGE_SIZE
        answer = self.json("GET", with_query(path, search_criteria(filters, page, size, sort)), what)
        total = int(answer.get("total_count") or 0)
        if (page - 1) * size >= total:
            return [], False
        return answer.get("items") or [], page * size < total


def search_criteria(filters=(), page=1, size=None, sort=None):
    """The query parameters of a search: each (field, value, condition) its own group (groups are ANDed)."""
    params = {}
    for group, (field, value, condition) in enumerate(filters):
        prefix = f"searchCriteria[filter_groups][{group}][filters][0]"
        params.update({f"{prefix}[field]": field, f"{prefix}[value]": value, f"{prefix}[condition_type]": condition})
    if sort:
        params.update({"searchCriteria[sortOrders][0][field]": sort, "searchCriteria[sortOrders][0][direction]": "ASC"})
    params.update({"searchCriteria[pageSize]": size or PAGE_SIZE, "searchCriteria[currentPage]": page})
    return params


def with_query(path, params):
    """``path?query`` with spaces as ``%20``: Magento reads the signed query with ``rawurldecode``, which
    leaves the ``+`` that form encoding makes of a space, so a signature over ``+`` would not match."""
    return f"{path}?{urlencode(params, quote_via=quote)}"


def magento_time(moment):
    """A naive UTC datetime as Magento's filter value (``YYYY-MM-DD HH:MM:SS``)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def fill(text, parameters):
    """A Magento message with its ``%1`` (list) or ``%name`` (dict) parameters filled in."""
    if isinstance(parameters, dict):
        return re.sub(r"%(\w+)", lambda m: str(parameters.get(m.group(1), m.group(0))), text)
    values = list(parameters or [])
    return re.sub(r"%(\d+)", lambda m: str(values[int(m.group(1)) - 1]) if int(m.group(1)) <= len(values) else "", text)


def error_text(answer):
    """The text of an error answer ``{"message", "parameters", "errors": [...]}`` (validation errors named)."""
    answers = answer if isinstance(answer, list) else [answer, *((answer or {}).get("errors") or [])]
    texts = [fill(str(a.get("message") or ""), a.get("parameters") or []) for a in answers if isinstance(a, dict)]
    return "; ".join(t for t in texts if t)


def carrier_code(company):
    return CARRIER_CODES.get((company or "").strip().lower(), "custom")


# --- orders ---------------------------------------------------------------------------------
@dataclass
class States:
    """The channel's reading of Magento's order states and statuses (sets of codes)."""

    paid: frozenset = frozenset({"processing", "complete"})
    cancelled: frozenset = frozenset({"canceled"})
    waiting: frozenset = frozenset()  # statuses that wait although their state is paid (e.g. a fraud review)


def codes(text):
    """'processing, complete' -> frozenset of codes."""
    return frozenset(part.strip().lower() for part in (text or "").replace("\n", ",").split(",") if part.strip())


def _text(value):
    return "" if value is None else str(value).strip()


def _utc(value):
    """Magento's UTC ``YYYY-MM-DD HH:MM:SS`` as ISO 8601 with its offset."""
    return f"{_text(value).replace(' ', 'T')}+00:00" if value else None


def _quantity(value):
    number = float(value or 0)
    return int(number) if number.is_integer() else number


def root_increment(order):
    """The hub's id of a Magento order: its increment id, or the original one for an edited order.

    An admin edit creates ``<original>-<n>`` with ``original_increment_id``, ``relation_parent_id`` and
    ``edit_increment`` (Magento\\Sales\\Model\\AdminOrder\\Create::createOrder).
    """
    increment = _text(order.get("increment_id"))
    edit = _text(order.get("edit_increment"))
    if order.get("relation_parent_id") or edit:
        original = _text(order.get("original_increment_id"))
        if original:
            return original
        if edit and increment.endswith(f"-{edit}"):
            return increment[: -len(edit) - 1]
    return increment or _text(order.get("entity_id"))


def superseded(order):
    """The increment id of the order an admin edit replaced this one with ('' when it was not replaced)."""
    if order.get("state") != "canceled":
        return ""
    return _text(order.get("relation_child_real_id") or order.get("relation_child_id"))


def physical_items(items):
    """[(line item, the item carrying SKU and product)] of the goods: a configurable parent with its child
    (one line: the parent's id, quantities and amounts; the child's SKU and product), the components of
    a bundle (its parent is not goods of its own), every other top-level item."""
    children = {}
    for item in items:
        if item.get("parent_item_id"):
            children.setdefault(item["parent_item_id"], []).append(item)
    lines = []
    for item in items:
        if item.get("parent_item_id"):
            continue
        kids = children.get(item.get("item_id")) or []
        if item.get("product_type") == "configurable":
            lines.append((item, kids[0] if kids else item))
        elif item.get("product_type") == "bundle" and kids:
            lines += [(kid, kid) for kid in kids]
        else:
            lines.append((item, item))
    return lines


def line_of_item(items):
    """{order item id: the hub line id}: a configurable's child counts as its parent's line."""
    lines = {}
    for line, product in physical_items(items):
        lines[str(line["item_id"])] = lines[str(product["item_id"])] = str(line["item_id"])
    return lines


def _line(item, product):
    ordered, cancelled = _quantity(item.get("qty_ordered")), _quantity(item.get("qty_canceled"))
    line = {
        "id": _text(item.get("item_id")),
        "sku": _text(product.get("sku")),
        "variant_id": _text(product.get("product_id")),
        "parent_id": _text(item.get("product_id")) if product is not item else "",
        "quantity": ordered - cancelled if 0 < cancelled < ordered else ordered,
        "name": _text(product.get("name") or item.get("name")),
        "price": item.get("price"),
        "discount": item.get("discount_amount") or 0,
        "tax": item.get("tax_amount") or 0,
    }
    if cancelled and cancelled >= ordered:
        line["cancelled"] = True
    if item.get("is_virtual") or product.get("product_type") in ("virtual", "downloadable"):
        line["ships"] = False
    return line


def _shipping(order):
    for assignment in (order.get("extension_attributes") or {}).get("shipping_assignments") or []:
        shipping = assignment.get("shipping") or {}
        if shipping.get("address") or shipping.get("method"):
            return shipping
    return {}


def _name(party):
    return " ".join(p for p in (_text(party.get("firstname")), _text(party.get("lastname"))) if p)


def order_document(order, states=None):
    """(hub type, document) of a Magento order (``GET /V1/orders`` item): see the module docstring."""
    states = states or States()
    state, status = _text(order.get("state")).lower(), _text(order.get("status")).lower()
    root = root_increment(order)
    replaced_by = superseded(order)
    if replaced_by:
        reason = f"order {order.get('increment_id')} was edited into {replaced_by}, which replaces it"
        return "noop", {"order_id": root, "reason": reason}
    shipping = _shipping(order)
    address, billing = shipping.get("address") or {}, order.get("billing_address") or {}
    address = address or billing
    street = [_text(part) for part in address.get("street") or [] if _text(part)]
    customer = {
        "name": " ".join(
            p for p in (_text(order.get("customer_firstname")), _text(order.get("customer_lastname"))) if p
        )
        or _name(billing),
        "email": _text(order.get("customer_email")),
        "phone": _text(billing.get("telephone")),
    }
    items = order.get("items") or []
    shipped = any(float(item.get("qty_shipped") or 0) for item in items)
    if state == "closed":
        financial = "refunded"
    elif state == "canceled":
        financial = "voided"
    elif state in states.paid and status not in states.waiting:
        financial = "paid"
    else:
        financial = "pending"
    document = {
        "id": root,
        "name": f"#{order.get('increment_id') or root}",
        "entity_id": _text(order.get("entity_id")),
        "placed_at": _utc(order.get("created_at")),
        "updated_at": _utc(order.get("updated_at")),
        "financial_status": financial,
        "customer": customer,
        "shipping_address": {
            "name": _name(address) or customer["name"],
            "company": _text(address.get("company")),
            "street": street[0] if street else "",
            "street2": ", ".join(street[1:]),
            "zip": _text(address.get("postcode")),
            "city": _text(address.get("city")),
            "state": _text(address.get("region")),
            "country_code": _text(address.get("country_id")).upper(),
            "phone": _text(address.get("telephone")) or customer["phone"],
        },
        # the carrier method code (e.g. flatrate_flatrate) is the same in every store view; its title is not
        "service_level": _text(shipping.get("method") or order.get("shipping_method")),
        "special_handling": _text(order.get("customer_note")),
        "currency": _text(order.get("order_currency_code")),
        "prices_include_tax": False,  # Magento's price / shipping_amount exclude tax; tax amounts come apart
        "shipping_price": order.get("shipping_amount") or 0,
        "shipping_tax": order.get("shipping_tax_amount") or 0,
        "total": order.get("grand_total"),
        "lines": [_line(item, product) for item, product in physical_items(items)],
    }
    if state in states.cancelled or (state == "closed" and not shipped):
        document["cancel_reason"] = f"order {state} in Magento"
        return "order.cancelled", document
    return "order.updated", document


def creditmemo_document(memo, order, root):
    """(hub type, document) of a credit memo: a return of its items (none: money only, nothing to receive).

    A configurable's parent and child memo items are one returned line (the parent's order item).
    """
    items = order.get("items") or []
    lines_of, by_id = line_of_item(items), {str(item.get("item_id")): item for item in items}
    products = {str(line["item_id"]): product for line, product in physical_items(items)}
    returned = {}
    for item in memo.get("items") or []:
        line_id = lines_of.get(str(item.get("order_item_id")))
        quantity = _quantity(item.get("qty"))
        if not line_id or not quantity:
            continue  # a bundle's parent, or an item not refunded
        returned[line_id] = max(returned.get(line_id, 0), quantity)
    lines = []
    for line_id, quantity in returned.items():
        product = products.get(line_id) or by_id.get(line_id) or {}
        lines.append(
            {
                "line_id": line_id,
                "sku": _text(product.get("sku")),
                "variant_id": _text(product.get("product_id")),
                "name": _text(product.get("name")),
                "quantity": quantity,
            }
        )
    if not lines:
        return "noop", {"order_id": root, "reason": "credit memo of money only"}
    comments = [_text(c.get("comment")) for c in memo.get("comments") or [] if _text(c.get("comment"))]
    reason = comments[0] if comments else f"Magento credit memo {memo.get('increment_id') or memo.get('entity_id')}"
    document = {"id": f"creditmemo-{memo.get('entity_id')}", "order_id": root, "reason": reason, "lines": lines}
    return "return.created", {**document, "status": "authorized"}

"""WooCommerce REST API v3 (../shared/platforms/woocommerce.md): the client and the mapping, plain Python.

Orders map to the hub's generic order document; refunds with refunded items to returns. Statuses:
``processing`` is paid and ready to ship, ``pending`` / ``on-hold`` wait for payment, ``cancelled``,
``failed``, ``refunded`` and ``trash`` cancel, ``checkout-draft`` is never imported.
"""

import json

from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

WEBHOOK_TOPICS = ("order.created", "order.updated", "order.deleted", "order.restored")
# order status -> the hub's payment vocabulary (lib/payment_status.py); None: the order is cancelled
FINANCIAL_STATUS = {"pending": "pending", "on-hold": "pending", "processing": "paid", "completed": "paid"}
CANCELLED = {"cancelled", "failed", "refunded", "trash"}
NEVER_IMPORTED = {"checkout-draft"}
POLLED_STATUSES = "pending,processing,on-hold,cancelled,refunded,failed"
PAGE_SIZE, BATCH_SIZE = 100, 100  # WordPress caps per_page at 100; a batch takes 100 objects by default


class WooClient(HttpClient):
    """Basic auth with the consumer key and secret (HTTPS); 429/503 from the host are retryable."""

    name = "WooCommerce"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def __init__(self, store_url, key, secret, **settings):
        super().__init__(f"{store_url.rstrip('/')}/wp-json/wc/v3", [key, secret], **settings)
        self.key, self.secret = key, secret

    def authorize(self, call):
        call["auth"] = (self.key, self.secret)

    def json(self, method, path, what, body=None, **kwargs):
        return self.request(method, path, what, json=body, **kwargs).json()

    def pages(self, path, what, params=None, first=1, limit=None):
        """Yield (items of one page, more pages after it) from ``first``, following ``X-WP-TotalPages``."""
        page = first
        while True:
            response = self.request("GET", path, what, params={**(params or {}), "per_page": PAGE_SIZE, "page": page})
            total = int(response.headers.get("X-WP-TotalPages") or 1)
            more = page < total and (limit is None or page - first + 1 < limit)
            yield response.json(), page < total
            if not more:
                return
            page += 1


def _text(value):
    return "" if value is None else str(value).strip()


def _gmt(value):
    return f"{value}+00:00" if value and "+" not in str(value) and not str(value).endswith("Z") else value


def _name(party):
    return " ".join(p for p in (_text(party.get("first_name")), _text(party.get("last_name"))) if p)


def _amount(value):
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        return None


def _line_amounts(line):
    """Unit price before discount, the line's discount and tax (WooCommerce: ``subtotal`` is before the
    coupon, ``total`` after it, both before tax; ``total_tax`` the line's tax)."""
    quantity = _amount(line.get("quantity")) or 0
    subtotal, total = _amount(line.get("subtotal")), _amount(line.get("total"))
    if subtotal is None or not quantity:
        return {"price": line.get("price"), "tax": line.get("total_tax")}
    return {
        "price": round(subtotal / quantity, 6),
        "discount": round(subtotal - total, 6) if total is not None else 0.0,
        "tax": line.get("total_tax"),
    }


def order_document(order):
    """(hub type, document) of a WooCommerce order: the generic order (DESIGN.md / README)."""
    status = _text(order.get("status"))
    if status in NEVER_IMPORTED:
        return "noop", {"order_id": str(order.get("id")), "reason": f"order status {status} is never imported"}
    billing, shipping = order.get("billing") or {}, order.get("shipping") or {}
    phone = _text(shipping.get("phone")) or _text(billing.get("phone"))
    document = {
        "id": str(order.get("id")),
        "name": f"#{order.get('number') or order.get('id')}",
        "placed_at": _gmt(order.get("date_created_gmt")),
        "updated_at": _gmt(order.get("date_modified_gmt")),
        "financial_status": FINANCIAL_STATUS.get(status, status),
        "customer": {"name": _name(billing), "email": _text(billing.get("email")), "phone": phone},
        "shipping_address": {
            "name": _name(shipping) or _name(billing),
            "company": _text(shipping.get("company")),
            "street": _text(shipping.get("address_1")),
            "street2": _text(shipping.get("address_2")),
            "zip": _text(shipping.get("postcode")),
            "city": _text(shipping.get("city")),
            "state": _text(shipping.get("state")),
            "country_code": _text(shipping.get("country")).upper(),
            "phone": phone,
        },
        "service_level": " + ".join(_text(line.get("method_title")) for line in order.get("shipping_lines") or []),
        "special_handling": _text(order.get("customer_note")),
        "lines": [
            {
                "id": str(line.get("id")),
                "sku": _text(line.get("sku")),  # a variation's own SKU
                "variant_id": str(line.get("variation_id") or line.get("product_id") or ""),
                "parent_id": str(line.get("product_id") or "") if line.get("variation_id") else "",
                "quantity": line.get("quantity"),
                "name": _text(line.get("name")),
                **_line_amounts(line),
            }
            for line in order.get("line_items") or []
        ],
        # WooCommerce's REST amounts are always before tax (``subtotal``/``total`` + ``*_tax``), whatever the
        # shop's ``prices_include_tax`` setting for its catalog: the document says so
        "currency": _text(order.get("currency")),
        "prices_include_tax": False,
        "shipping_price": order.get("shipping_total"),
        "shipping_tax": order.get("shipping_tax"),
        "total": order.get("total"),
    }
    if status in CANCELLED:
        document["cancel_reason"] = f"order {status} in WooCommerce"
        return "order.cancelled", document
    return "order.updated", document


def refund_document(order_id, refund):
    """(hub type, document) of a refund: a return of its refunded items (none: nothing for the warehouse)."""
    lines = []
    for item in refund.get("line_items") or []:
        meta = {entry.get("key"): entry.get("value") for entry in item.get("meta_data") or []}
        lines.append(
            {
                "line_id": _text(meta.get("_refunded_item_id")),
                "sku": _text(item.get("sku")),
                "variant_id": str(item.get("variation_id") or item.get("product_id") or ""),
                "name": _text(item.get("name")),
                "quantity": abs(item.get("quantity") or 0),
            }
        )
    lines = [line for line in lines if line["quantity"]]
    if not lines:
        return "noop", {"order_id": str(order_id), "reason": "refund of money only"}
    reason = _text(refund.get("reason")) or "WooCommerce refund"
    document = {"id": f"refund-{refund.get('id')}", "order_id": str(order_id), "reason": reason, "lines": lines}
    return "return.created", {**document, "status": "authorized"}


def webhook_key(headers_get, body):
    """The inbox key of a delivery: WooCommerce's delivery id is not unique (``wp_hash(webhook id . second)``),
    so the webhook, the delivery, the resource id and its modification time make it one."""
    try:
        resource = json.loads(body)
    except ValueError:
        resource = {}
    resource = resource if isinstance(resource, dict) else {}
    parts = (headers_get("X-WC-Webhook-ID"), headers_get("X-WC-Webhook-Delivery-ID"), resource.get("id"))
    return ":".join(str(part or "") for part in (*parts, resource.get("date_modified_gmt")))

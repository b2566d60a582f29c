"""Shopify order JSON -> the hub's generic order document (DESIGN.md), in plain Python.

Webhooks deliver the REST order resource (``orders/create``, ``orders/updated``,
``orders/cancelled``); the polling backstop reads orders through GraphQL and
first turns each node into that same REST shape (``rest_order_from_graphql``),
so one mapping serves both paths and a poll and a webhook of the same order
version produce the same document.
"""

import re

from odoo.addons.integration_hub.lib.webhook import hmac_matches, hmac_sha256_base64

# Topics the hub subscribes to, and the hub event type each one becomes.
TOPIC_TO_HUB_TYPE = {
    "orders/create": "order.created",
    "orders/updated": "order.updated",
    "orders/edited": "order.updated",  # the edit payload is partial: the adapter re-reads the order
    "orders/cancelled": "order.cancelled",
    "refunds/create": "return.created",  # a refund with restocked items (else nothing for the warehouse)
    "inventory_levels/update": "inventory.reported",  # Shopify's own level: the hub checks divergence
    "app/uninstalled": "channel.revoked",
}
# Shopify financial status -> the hub's payment vocabulary (integration_hub/lib/payment_status.py)
FINANCIAL_STATUS = {"expired": "voided"}
WEBHOOK_TOPICS = tuple(TOPIC_TO_HUB_TYPE)

# The hub's own order-status tags (``hub-dispatched``, ``hub-cancel-acknowledged``...), set by
# the adapter: they echo back in orders/updated and must not look like a customer edit.
HUB_TAG_PREFIX = "hub-"

SHOP_DOMAIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
API_VERSION_PATTERN = re.compile(r"^20\d\d-(01|04|07|10)$")


# X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 of the raw body with the app's client secret
sign, signature_matches = hmac_sha256_base64, hmac_matches


def legacy_id(value):
    """'gid://shopify/Order/450789469' or 450789469 -> '450789469'."""
    if value is None:
        return ""
    text = str(value)
    return text.rsplit("/", 1)[-1] if text.startswith("gid://") else text


def gid(resource, value):
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{resource}/{text}"


def _text(value):
    return "" if value is None else str(value).strip()


def full_name(party):
    return " ".join(part for part in (_text(party.get("first_name")), _text(party.get("last_name"))) if part)


def _tags(value):
    if isinstance(value, (list, tuple)):
        return [_text(tag) for tag in value if _text(tag)]
    return [tag.strip() for tag in _text(value).split(",") if tag.strip()]


def is_hub_tag(tag):
    return _text(tag).lower().startswith(HUB_TAG_PREFIX)


def special_handling(order):
    """Note and tags together; "" means "stated: nothing special" (Shopify has no separate flag).

    The hub's own ``hub-…`` status tags are left out: tagging the order in Shopify is
    not an edit of the order (otherwise every status push would come back as one).
    """
    parts = []
    if _text(order.get("note")):
        parts.append(_text(order["note"]))
    tags = [tag for tag in _tags(order.get("tags")) if not is_hub_tag(tag)]
    if tags:
        parts.append("Tags: " + ", ".join(tags))
    return "\n".join(parts)


def service_level(order):
    lines = [line for line in order.get("shipping_lines") or [] if isinstance(line, dict)]
    return " + ".join(
        _text(line.get("code") or line.get("title")) for line in lines if line.get("code") or line.get("title")
    )


def line_ships(line):
    """Does the line need shipping? A tip or a digital gift card does not (``requires_shipping`` false)."""
    if isinstance(line.get("tip"), dict) or line.get("is_tip"):
        return False
    return line.get("requires_shipping") is not False


def line_fulfilled_by(line, assignments=None):
    """Who fulfils the line when it is not the channel's warehouse ('' = the warehouse).

    ``assignments``: {line item id: '' for a fulfillment order assigned to one of the channel's
    mapped locations, else the location or fulfillment service's name} (see the adapter's
    fulfillment-order lookup). Without it, a line handled by a fulfillment service app
    (``fulfillment_service`` other than 'manual') is someone else's.
    """
    line_id = legacy_id(line.get("id"))
    if assignments is not None and line_id in assignments:
        return assignments[line_id]
    service = _text(line.get("fulfillment_service"))
    return service if service and service != "manual" else ""


def to_generic_order(order, assignments=None):
    """Map a Shopify REST order to the generic order dict ``parse_order`` reads.

    ``assignments``: see ``line_fulfilled_by``.
    """
    address = order.get("shipping_address") if isinstance(order.get("shipping_address"), dict) else {}
    customer = order.get("customer") if isinstance(order.get("customer"), dict) else {}
    # The order's phone first, else the shipping address's phone (the carrier calls it).
    phone = _text(order.get("phone")) or _text(address.get("phone")) or _text(customer.get("phone"))
    customer_name, ship_name = full_name(customer), _text(address.get("name")) or full_name(address)
    lines = []
    for line in order.get("line_items") or []:
        if not isinstance(line, dict):
            continue
        ordered = line.get("quantity")
        current = line.get("current_quantity", ordered)  # after edits and removals
        lines.append(
            {
                "id": legacy_id(line.get("id")),
                "name": _text(line.get("name") or line.get("title")),
                "sku": _text(line.get("sku")),
                "variant_id": legacy_id(line.get("variant_id")),
                "quantity": current if current else ordered,
                "price": line.get("price"),
                "discount": _line_discount(line),
                "tax": _tax_sum(line.get("tax_lines")),
                "cancelled": current == 0,
                "ships": line_ships(line),
                "fulfilled_by": line_fulfilled_by(line, assignments),
            }
        )
    return {
        "id": legacy_id(order.get("id")),
        "name": _text(order.get("name")),
        "placed_at": order.get("created_at"),
        "updated_at": order.get("updated_at") or order.get("created_at"),
        "financial_status": financial_status(order),
        "customer": {
            "name": customer_name or ship_name,
            "email": _text(order.get("email") or order.get("contact_email") or customer.get("email")),
            "phone": phone,
        },
        "shipping_address": {
            "name": ship_name or customer_name,
            "company": _text(address.get("company")),
            "street": _text(address.get("address1")),
            "street2": _text(address.get("address2")),
            "zip": _text(address.get("zip")),
            "city": _text(address.get("city")),
            "state": _text(address.get("province_code") or address.get("province")),
            "country_code": _text(address.get("country_code")).upper(),
            "phone": phone,
        },
        "service_level": service_level(order),
        "special_handling": special_handling(order),
        "cancel_reason": _text(order.get("cancel_reason")),
        "lines": lines,
        # amounts as the shop charged them (shopify.dev REST Order: currency, taxes_included, total_price,
        # shipping_lines[].price / discounted_price / tax_lines)
        "currency": _text(order.get("currency")),
        "prices_include_tax": bool(order.get("taxes_included")),
        "shipping_price": _shipping_price(order.get("shipping_lines")),
        "shipping_tax": _tax_sum(
            line_tax for ship in order.get("shipping_lines") or [] for line_tax in ship.get("tax_lines") or []
        ),
        "total": order.get("total_price"),
    }


def _money(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _tax_sum(tax_lines):
    """The sum of ``tax_lines[].price`` (None when there are none: the platform said nothing)."""
    prices = [_money(tax.get("price")) for tax in tax_lines or [] if isinstance(tax, dict)]
    return round(sum(prices), 6) if prices else None


def _line_discount(line):
    """The line's discount: its ``discount_allocations`` (``total_discount`` in older payloads)."""
    allocations = line.get("discount_allocations")
    if allocations:
        return round(sum(_money(allocation.get("amount")) for allocation in allocations), 6)
    return line.get("total_discount")


def _shipping_price(shipping_lines):
    lines = [ship for ship in shipping_lines or [] if isinstance(ship, dict)]
    if not lines:
        return None
    return round(sum(_money(ship.get("discounted_price", ship.get("price"))) for ship in lines), 6)


def _nodes(connection):
    if not isinstance(connection, dict):
        return []
    if "nodes" in connection:
        return connection["nodes"] or []
    return [edge.get("node") for edge in connection.get("edges") or []]


def rest_order_from_graphql(node):
    """A GraphQL Order node (fields of ``ORDER_FIELDS``) in the REST webhook shape."""
    address, customer = node.get("shippingAddress") or {}, node.get("customer") or {}
    same = ("name", "company", "address1", "address2", "zip", "city", "phone")
    return {
        "id": int(legacy_id(node.get("legacyResourceId") or node.get("id"))),
        "admin_graphql_api_id": node.get("id"),
        "name": node.get("name"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "cancel_reason": (node.get("cancelReason") or "").lower() or None,
        "financial_status": (node.get("displayFinancialStatus") or "").lower() or None,
        "email": node.get("email"),
        "phone": node.get("phone"),
        "note": node.get("note"),
        "tags": ", ".join(node.get("tags") or []),
        "customer": customer
        and {
            "first_name": customer.get("firstName"),
            "last_name": customer.get("lastName"),
            **_pick(customer, "email", "phone"),
        },
        "shipping_address": address
        and {
            **_pick(address, *same),
            "province_code": address.get("provinceCode"),
            "country_code": address.get("countryCodeV2"),
        },
        # amounts in the shop's currency (shopMoney), as the webhook sends them
        "currency": node.get("currencyCode"),
        "taxes_included": node.get("taxesIncluded"),
        "total_price": _shop_money(node.get("totalPriceSet")),
        "shipping_lines": [
            {
                **_pick(line, "title", "code"),
                "discounted_price": _shop_money(line.get("discountedPriceSet")),
                "tax_lines": _graphql_tax_lines(line.get("taxLines")),
            }
            for line in _nodes(node.get("shippingLines"))
        ],
        "line_items": [
            {
                "id": int(legacy_id(line.get("id"))),
                "title": line.get("title") or line.get("name"),
                "sku": line.get("sku"),
                "quantity": line.get("quantity"),
                "current_quantity": line.get("currentQuantity", line.get("quantity")),
                "variant_id": int(legacy_id(line["variant"]["id"])) if line.get("variant") else None,
                "requires_shipping": line.get("requiresShipping"),
                "gift_card": line.get("isGiftCard"),
                "price": _shop_money(line.get("originalUnitPriceSet")),
                "total_discount": _shop_money(line.get("totalDiscountSet")),
                "tax_lines": _graphql_tax_lines(line.get("taxLines")),
            }
            for line in _nodes(node.get("lineItems"))
        ],
    }


def _shop_money(money_bag):
    """A MoneyBag's amount in the shop's currency (``{"shopMoney": {"amount": "12.50"}}``), None when absent."""
    return ((money_bag or {}).get("shopMoney") or {}).get("amount")


def _graphql_tax_lines(tax_lines):
    """GraphQL ``taxLines`` as the webhook's ``tax_lines`` (``[{"price": amount}]``); None when not read."""
    if tax_lines is None:
        return None
    return [{"price": _shop_money(tax.get("priceSet"))} for tax in tax_lines if isinstance(tax, dict)]


def _pick(mapping, *keys):
    return {key: mapping.get(key) for key in keys}


RESTOCKED_TYPES = ("return", "legacy_restock")


def refund_return_lines(refund):
    """The refund lines whose goods come back to the warehouse, as return lines for the hub.

    Each carries what identifies it even without an SKU: the original line item id (the hub finds
    the order line and its product), the SKU and the variant id (``refunds/create`` payload:
    ``refund_line_items[].line_item_id``, ``.line_item.sku`` (may be null), ``.line_item.variant_id``).
    """
    lines = []
    for item in refund.get("refund_line_items") or []:
        if not isinstance(item, dict) or item.get("restock_type") not in RESTOCKED_TYPES:
            continue
        line_item = item.get("line_item") if isinstance(item.get("line_item"), dict) else {}
        lines.append(
            {
                "line_id": legacy_id(item.get("line_item_id") or line_item.get("id")),
                "sku": _text(line_item.get("sku")),
                "variant_id": legacy_id(line_item.get("variant_id")),
                "name": _text(line_item.get("name") or line_item.get("title")),
                "quantity": item.get("quantity") or 0,
            }
        )
    return lines


def financial_status(order):
    status = _text(order.get("financial_status")).lower()
    return FINANCIAL_STATUS.get(status, status)


def refund_document(refund):
    """A ``refunds/create`` payload as (hub type, document): a return of the restocked lines, or nothing."""
    lines = refund_return_lines(refund)
    order_id = legacy_id(refund.get("order_id"))
    if not lines:  # money only (no_restock), or an unfulfilled line cancelled: nothing comes back
        return "noop", {"order_id": order_id, "reason": "refund without returned goods"}
    return "return.created", {
        "id": f"refund-{refund.get('id')}",
        "order_id": order_id,
        "reason": _text(refund.get("note")) or "Shopify refund",
        "status": "authorized",
        "lines": lines,
    }


def is_cancelled(order):
    return bool(order.get("cancelled_at"))

"""The generic order document (DESIGN.md) parsed into plain values.

Only structure is checked here (is there an id, are timestamps readable);
business rules (mandatory fields, SKUs) are the validator's job, so that an
order with bad data is still stored and held, never dropped.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import PayloadError


def parse_timestamp(value, name):
    """ISO 8601 with offset -> naive UTC datetime (Odoo's convention)."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"'{name}' is not an ISO 8601 timestamp: {value!r}") from None
    if moment.tzinfo is None:
        raise PayloadError(f"'{name}' has no UTC offset: {value!r}")
    return moment.astimezone(UTC).replace(tzinfo=None)


# Identifiers are indexed: PostgreSQL refuses an index row over about 2.7 kB, and no platform's ids come close.
MAX_IDENTIFIER_LENGTH = 255


def identifier(value, what):
    """``value`` as identifier text; PayloadError when it is longer than MAX_IDENTIFIER_LENGTH."""
    text = _text(value)
    if len(text) > MAX_IDENTIFIER_LENGTH:
        raise PayloadError(f"{what} is {len(text)} characters long; an identifier has at most {MAX_IDENTIFIER_LENGTH}")
    return text


def _text(value):
    return "" if value is None else str(value).strip()


def _flag(value, default):
    """A JSON boolean, also when a partner sends it as text ("false", "0", "no")."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "n")
    return bool(value)


def _price(value):
    """An amount as a number (decimal strings accepted); None when not sent or unreadable (amounts are
    shown and invoiced, never used to ship)."""
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


@dataclass
class OrderLine:
    """One line of the order document.

    ``ships``: False for a line that is not goods to send (a tip, a digital gift card): the hub keeps
    it with its price and never picks, reserves or holds it. ``fulfilled_by``: the location or
    fulfillment service that ships the line instead of this warehouse ("" = this warehouse).
    ``variant_id``: the channel's own product/variant id, used to resolve a line whose SKU is empty;
    ``parent_id``: the channel's product the variant belongs to, when its API needs both (kept with the
    listing the hub learns from the line).
    """

    external_id: str
    sku: str
    quantity: object  # as sent: validated later
    cancelled: bool = False
    name: str = ""
    price: float | None = None
    ships: bool = True
    fulfilled_by: str = ""
    variant_id: str = ""
    parent_id: str = ""
    discount: float | None = None  # discount amount for the whole line
    tax: float | None = None  # tax amount for the whole line


@dataclass
class OrderDocument:
    external_id: str
    name: str
    placed_at: datetime | None
    updated_at: datetime | None
    financial_status: str
    customer: dict
    shipping_address: dict
    service_level: str
    special_handling: str | None  # None = not stated at all (a problem); "" = none needed
    vat: str
    lines: list = field(default_factory=list)
    cancel_reason: str = ""
    # the channel wants the warehouse to accept or refuse the order, line by line, before this moment
    decision_deadline: datetime | None = None
    # the channel sends the delivery address (and the contact) only once the order is accepted
    address_pending: bool = False
    # the platform's own deadline to hand the goods to the carrier (e.g. Amazon's LatestShipDate)
    ship_by: datetime | None = None
    # delivery data the platform withheld from the hub, and why (a validation problem: the order is held)
    withheld: str = ""
    # amounts as the platform sent them (never Odoo's list prices): see README "Clients and accounting"
    currency: str = ""  # ISO 4217
    prices_include_tax: bool = False
    shipping_price: float | None = None
    shipping_tax: float | None = None
    total: float | None = None

    @property
    def phone(self):
        return self.shipping_address.get("phone") or self.customer.get("phone") or ""


def parse_order(data):
    if not isinstance(data, dict):
        raise PayloadError("the order must be a JSON object")
    external_id = identifier(data.get("id"), "the order's 'id'")
    if not external_id:
        raise PayloadError("the order has no 'id': it cannot be identified, so it cannot be stored as an order")
    lines = []
    sent_lines = data.get("lines")
    if sent_lines is not None and not isinstance(sent_lines, list):
        raise PayloadError(
            f"'lines' must be a list of line objects, not {type(sent_lines).__name__}: {sent_lines!r:.40}"
        )
    for position, line in enumerate(sent_lines or [], start=1):
        if not isinstance(line, dict):
            raise PayloadError(f"line {position} is not an object")
        lines.append(
            OrderLine(
                external_id=identifier(line.get("id"), f"line {position}'s 'id'") or str(position),
                sku=identifier(line.get("sku"), f"line {position}'s 'sku'"),
                quantity=line.get("quantity"),
                cancelled=bool(line.get("cancelled")),
                name=_text(line.get("name")),
                price=_price(line.get("price")),
                ships=_flag(line.get("ships"), default=True),
                fulfilled_by=_text(line.get("fulfilled_by")),
                variant_id=identifier(line.get("variant_id"), f"line {position}'s 'variant_id'"),
                parent_id=identifier(line.get("parent_id"), f"line {position}'s 'parent_id'"),
                discount=_price(line.get("discount")),
                tax=_price(line.get("tax")),
            )
        )
    customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
    address = data.get("shipping_address") if isinstance(data.get("shipping_address"), dict) else {}
    return OrderDocument(
        external_id=external_id,
        name=_text(data.get("name")) or external_id,
        placed_at=parse_timestamp(data.get("placed_at"), "placed_at"),
        updated_at=parse_timestamp(data.get("updated_at"), "updated_at"),
        financial_status=_text(data.get("financial_status")).lower(),
        customer={k: _text(v) for k, v in customer.items()},
        shipping_address={k: _text(v) for k, v in address.items()},
        service_level=_text(data.get("service_level")),
        special_handling=None if "special_handling" not in data else _text(data.get("special_handling")),
        vat=_text(data.get("vat") or customer.get("vat")),
        lines=lines,
        cancel_reason=_text(data.get("cancel_reason")),
        decision_deadline=parse_timestamp(data.get("decision_deadline"), "decision_deadline"),
        address_pending=_flag(data.get("address_pending"), default=False),
        ship_by=parse_timestamp(data.get("ship_by"), "ship_by"),
        withheld=_text(data.get("withheld")),
        currency=_text(data.get("currency")).upper()[:3],
        prices_include_tax=_flag(data.get("prices_include_tax"), default=False),
        shipping_price=_price(data.get("shipping_price")),
        shipping_tax=_price(data.get("shipping_tax")),
        total=_price(data.get("total")),
    )

"""The Admin GraphQL documents of ``shopify.graphql``, each with the fragments it spreads."""

import re
from pathlib import Path

LINE_ITEMS_PAGE = 250  # the remaining line items of one order, per query
_SOURCE = re.sub(r"(?m)^#.*\n", "", Path(__file__).with_name("shopify.graphql").read_text())
_DEFINITIONS = {
    re.match(r"(?:query|mutation|fragment) (\w+)", block).group(1): block.strip()
    for block in re.split(r"\n(?=query |mutation |fragment )", "\n" + _SOURCE)
    if block.strip()
}


def document(name):
    """The operation ``name`` followed by every fragment it needs (fragments may spread fragments)."""
    needed, todo = [], [name]
    while todo:
        current = todo.pop()
        if current not in needed:
            needed.append(current)
            todo += re.findall(r"\.\.\.(\w+)", _DEFINITIONS[current])
    return "\n\n".join(_DEFINITIONS[part] for part in needed)


ORDERS, ORDER, ORDER_LINES = document("HubOrders"), document("HubOrder"), document("HubOrderLines")
SHOP, WEBHOOKS, VARIANTS = document("HubShop"), document("HubWebhooks"), document("HubVariants")
WEBHOOK_CREATE, WEBHOOK_UPDATE = document("HubWebhookCreate"), document("HubWebhookUpdate")
INVENTORY_SET = document("HubInventorySet")
INVENTORY_SET_KEYED = INVENTORY_SET.replace("Input!)", "Input!, $key: String!)").replace(
    "(input: $input)", "(input: $input) @idempotent(key: $key)"
)
FULFILLMENT_ORDERS, FULFILLMENT_CREATE = document("HubFulfillmentOrders"), document("HubFulfillmentCreate")
TRACKING_UPDATE, TAGS_ADD = document("HubTrackingUpdate"), document("HubTagsAdd")

"""What a platform adapter can do: the vocabulary adapters declare (``_capabilities``) and the hub reads.

The hub never guesses a capability from the methods an adapter happens to have: it queues an
outbound message only for a duty the adapter declared, the channel switched on and the channel's
configuration supports (``integration.channel._takes``), and it polls only the streams declared.
"""

# inbound
WEBHOOKS = "webhooks"  # the platform pushes to the hub's webhook endpoint (verify + parse)
POLL_ORDERS = "poll_orders"  # orders read by the polling cron (a safety net or the only way in)
POLL_RETURNS = "poll_returns"
POLL_TRACKING = "poll_tracking"
POLL_NOTIFICATIONS = "poll_notifications"  # change notifications read from a message queue (e.g. Amazon's SQS)
POLL_RECEIPTS = "poll_receipts"  # purchase orders / expected receipts read from their owner (an ERP)
POLL_CATALOG = "poll_catalog"  # the product master read from the channel that owns the catalog (an ERP)
RETURNS_IN = "returns_in"  # the platform's refunds / RMAs become hub returns
CATALOG = "catalog"  # the platform's catalog can be read to create listings (SKU match)
# outbound duties (one outbox job type each)
INVENTORY = "inventory"  # push levels; the answer is final
INVENTORY_ASYNC = "inventory_async"  # push levels; the platform confirms later (feed / import report)
FULFILLMENT = "fulfillment"  # a shipment with its tracking, once the carrier has the goods
TRACKING = "tracking"  # a tracking number changed after the fulfillment was sent
ORDER_STATUS = "order_status"  # order status changes (cancel acknowledged, lines cancelled, carrier steps)
RETURN_STATUS = "return_status"  # a return's outcome
ACKNOWLEDGE = "acknowledge"  # accept / acknowledge each new order after intake (e.g. Mirakl OR21)
INVENTORY_SNAPSHOT = "inventory_snapshot"  # a daily file of sku, on hand, allocated, available
RECEIPT_STATUS = "receipt_status"  # a received purchase order's figures, back to its owner
CATALOG_STATUS = "catalog_status"  # the answer to a catalog change (e.g. a locked pack configuration kept)
INVENTORY_POSITIONS = "inventory_positions"  # physical counts and reconciliation results, to the ERP that books them
# administration
CONNECTION_TEST = "connection_test"  # "Test connection"
WEBHOOK_REGISTRATION = "webhook_registration"  # "Register webhooks" creates, repairs or re-activates them
TOKEN_REFRESH = "token_refresh"  # short-lived access tokens renewed with an expiry (OAuth)

LABELS = {
    WEBHOOKS: "Webhooks in",
    POLL_ORDERS: "Order polling",
    POLL_RETURNS: "Return polling",
    POLL_TRACKING: "Tracking polling",
    POLL_NOTIFICATIONS: "Notifications from a queue",
    POLL_RECEIPTS: "Purchase order polling",
    POLL_CATALOG: "Catalog polling",
    RETURNS_IN: "Returns in",
    CATALOG: "Catalog import",
    INVENTORY: "Inventory push",
    INVENTORY_ASYNC: "Inventory push (confirmed later)",
    FULFILLMENT: "Fulfillment with tracking",
    TRACKING: "Tracking updates",
    ORDER_STATUS: "Order status",
    RETURN_STATUS: "Return status",
    ACKNOWLEDGE: "Order acknowledgement",
    INVENTORY_SNAPSHOT: "Daily inventory snapshot",
    RECEIPT_STATUS: "Receipt confirmations",
    CATALOG_STATUS: "Catalog change answers",
    INVENTORY_POSITIONS: "Inventory positions (counts)",
    CONNECTION_TEST: "Connection test",
    WEBHOOK_REGISTRATION: "Webhook registration",
    TOKEN_REFRESH: "Token refresh",
}

# outbox job type -> the capabilities that let a channel take it (any of them)
JOB_TYPE_CAPABILITIES = {
    "inventory": (INVENTORY, INVENTORY_ASYNC),
    "fulfillment": (FULFILLMENT,),
    "tracking": (TRACKING,),
    "order_status": (ORDER_STATUS,),
    "return_status": (RETURN_STATUS,),
    "acknowledge": (ACKNOWLEDGE,),
    "receipt_status": (RECEIPT_STATUS,),
    "catalog_status": (CATALOG_STATUS,),
    "inventory_position": (INVENTORY_POSITIONS,),
}
# outbox job type -> the channel's switch (a boolean field) that turns the duty on or off
JOB_TYPE_SWITCHES = {
    "inventory": "send_inventory",
    "fulfillment": "send_fulfillment",
    "tracking": "send_fulfillment",
    "order_status": "send_order_status",
    "return_status": "send_return_status",
    "acknowledge": "acknowledge_orders",
    "receipt_status": "send_receipt_confirmations",
    "catalog_status": "send_catalog_answers",
    "inventory_position": "send_inventory_positions",
}
# polling stream -> the capability that declares it, and the channel's switch
STREAMS = {
    "orders": POLL_ORDERS,
    "returns": POLL_RETURNS,
    "tracking": POLL_TRACKING,
    "notifications": POLL_NOTIFICATIONS,
    "receipts": POLL_RECEIPTS,
    "catalog": POLL_CATALOG,
}
STREAM_SWITCHES = {
    "orders": "poll_orders",
    "returns": "poll_returns",
    "tracking": "poll_tracking",
    "notifications": "poll_notifications",
    "receipts": "poll_receipts",
    "catalog": "poll_catalog",
}
# streams read at every run of the polling cron, whatever the channel's interval (a queue: no history, no cursor)
EVERY_RUN_STREAMS = frozenset({"notifications"})


def job_capable(capabilities, job_type):
    """Does an adapter declaring ``capabilities`` take outbox jobs of ``job_type``? Unknown types: no."""
    return any(capability in capabilities for capability in JOB_TYPE_CAPABILITIES.get(job_type, ()))

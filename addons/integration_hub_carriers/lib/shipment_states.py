"""The shipment lifecycle of an outgoing transfer, as a table.

Validating the transfer in Odoo only stages the goods at the dock; the
shipment moves on with carrier evidence, never by itself.
"""

STAGED = "staged"
HANDED_TO_CARRIER = "handed_to_carrier"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered"
DELIVERY_FAILED = "delivery_failed"
RETURNED_TO_SENDER = "returned_to_sender"

STATE_SELECTION = [
    (STAGED, "Staged at the dock"),
    (HANDED_TO_CARRIER, "Handed to carrier"),
    (IN_TRANSIT, "In transit"),
    (DELIVERED, "Delivered"),
    (DELIVERY_FAILED, "Delivery failed"),
    (RETURNED_TO_SENDER, "Returned to sender"),
]

# (from, to) -> the evidence the guard checks (also the refusal's wording).
TRANSITIONS = {
    (STAGED, HANDED_TO_CARRIER): "carrier proof of receipt (receipt reference, tracking number, timestamp)",
    (HANDED_TO_CARRIER, IN_TRANSIT): "a carrier in-transit event",
    (HANDED_TO_CARRIER, DELIVERED): "a carrier delivery confirmation",
    (HANDED_TO_CARRIER, DELIVERY_FAILED): "a carrier delivery-failure event",
    (IN_TRANSIT, DELIVERED): "a carrier delivery confirmation",
    (IN_TRANSIT, DELIVERY_FAILED): "a carrier delivery-failure event",
    (IN_TRANSIT, RETURNED_TO_SENDER): "a carrier return-to-sender event",
    # a failed attempt is followed by a new attempt, a delivery or a return
    (DELIVERY_FAILED, IN_TRANSIT): "a carrier event of a new delivery attempt",
    (DELIVERY_FAILED, DELIVERED): "a carrier delivery confirmation",
    (DELIVERY_FAILED, RETURNED_TO_SENDER): "a carrier return-to-sender event",
}

# Hub tracking statuses carriers' codes are mapped to (see each carrier's table).
LABEL_CREATED = "label_created"  # informational: the carrier knows the shipment, nothing moved
PICKED_UP = "picked_up"  # the carrier's first scan: proof of receipt
TRACKING_STATUSES = (LABEL_CREATED, PICKED_UP, IN_TRANSIT, DELIVERED, DELIVERY_FAILED, RETURNED_TO_SENDER)

# Which shipment state a tracking status asks for (None: no state change).
STATUS_TARGET = {
    LABEL_CREATED: None,
    PICKED_UP: HANDED_TO_CARRIER,
    IN_TRANSIT: IN_TRANSIT,
    DELIVERED: DELIVERED,
    DELIVERY_FAILED: DELIVERY_FAILED,
    RETURNED_TO_SENDER: RETURNED_TO_SENDER,
}

# States where the carrier has the goods: any carrier scan from here on is a confirmation.
WITH_CARRIER = (HANDED_TO_CARRIER, IN_TRANSIT, DELIVERED, DELIVERY_FAILED, RETURNED_TO_SENDER)
FINAL = (DELIVERED, RETURNED_TO_SENDER)


def is_allowed(current, target):
    return (current, target) in TRANSITIONS


def required_evidence(current, target):
    return TRANSITIONS.get((current, target))


def label(state):
    return dict(STATE_SELECTION).get(state, state)

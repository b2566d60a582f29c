"""The expected-receipt lifecycle (ASN / purchase order to the warehouse) as a table.

expected → arrived → received → confirmed. An expected receipt whose lines cannot be received (an SKU
that resolves to nothing, a retired code, a product not ready for receiving) is held until the owner
corrects it or a manager releases it; edits apply until the goods arrive, later they are exceptions.
"""

EXPECTED = "expected"
ARRIVED = "arrived"
RECEIVED = "received"
CONFIRMED = "confirmed"
ON_HOLD = "on_hold"
CANCELLED = "cancelled"

STATE_SELECTION = [
    (EXPECTED, "Expected"),
    (ARRIVED, "Arrived"),
    (RECEIVED, "Received"),
    (CONFIRMED, "Confirmed"),
    (ON_HOLD, "On hold"),
    (CANCELLED, "Cancelled"),
]

TRANSITIONS = {
    (ON_HOLD, EXPECTED): "every line resolved to one product ready for receiving",
    (EXPECTED, ON_HOLD): "a line that cannot be received",
    (EXPECTED, ARRIVED): "the goods at the dock (a line counted on the receipt, or the arrival registered)",
    (ARRIVED, RECEIVED): "every transfer of the receipt validated in Inventory",
    (RECEIVED, CONFIRMED): "the receipt confirmation delivered to the owner (or kept here when it takes no messages)",
    (EXPECTED, CANCELLED): "a cancellation by the owner before the goods arrive",
    (ON_HOLD, CANCELLED): "a cancellation by the owner before the goods arrive",
}

# The owner's edits apply by themselves in these states; after arrival they become exceptions.
EDITABLE = {EXPECTED, ON_HOLD}


def is_allowed(current, target):
    return (current, target) in TRANSITIONS


def required_evidence(current, target):
    return TRANSITIONS.get((current, target))

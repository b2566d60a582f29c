"""The channel-order lifecycle as a table: which transitions exist and what evidence each needs.

The seed: "Each transition is guarded. The system doesn't auto-advance; it waits for evidence."
"""

RECEIVED = "received"
VALIDATED = "validated"
ACCEPTED = "accepted"
PICKING = "picking"
PICKED = "picked"
PACKED = "packed"
DISPATCHED = "dispatched"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered"
ON_HOLD = "on_hold"
CANCELLED = "cancelled"

STATE_SELECTION = [
    (RECEIVED, "Received"),
    (VALIDATED, "Validated"),
    (ACCEPTED, "Accepted"),
    (PICKING, "Picking"),
    (PICKED, "Picked"),
    (PACKED, "Packed"),
    (DISPATCHED, "Dispatched"),
    (IN_TRANSIT, "In transit"),
    (DELIVERED, "Delivered"),
    (ON_HOLD, "On hold"),
    (CANCELLED, "Cancelled"),
]

# The main line, in order; on_hold and cancelled sit beside it.
FLOW = [RECEIVED, VALIDATED, ACCEPTED, PICKING, PICKED, PACKED, DISPATCHED, IN_TRANSIT, DELIVERED]

# (from, to) -> the evidence the guard checks (also the refusal's wording).
TRANSITIONS = {
    (RECEIVED, VALIDATED): "every mandatory field present and valid",
    (RECEIVED, ON_HOLD): "a validation problem",
    (
        VALIDATED,
        ACCEPTED,
    ): "the channel's valid-to-pick trigger met and stock allocated (sale order confirmed, delivery reserved)",
    (VALIDATED, ON_HOLD): "a stock or validation problem",
    (ACCEPTED, VALIDATED): "a channel edit before picking (the allocation is redone)",
    (ACCEPTED, PICKING): "the first pick line started in the warehouse",
    (PICKING, PICKED): "the last pick line picked",
    (PICKED, PACKED): "goods packed and staged",
    (PACKED, DISPATCHED): "carrier proof of pickup (receipt reference, tracking number, timestamp)",
    (DISPATCHED, IN_TRANSIT): "a carrier in-transit event",
    (DISPATCHED, DELIVERED): "a carrier delivery confirmation",
    (IN_TRANSIT, DELIVERED): "a carrier delivery confirmation",
    (ON_HOLD, RECEIVED): "a manager's release decision",
    # Cancellation is possible until the carrier has the goods.
    **{
        (state, CANCELLED): "a cancellation by the owning system or a manager"
        for state in (RECEIVED, VALIDATED, ACCEPTED, PICKING, PICKED, PACKED, ON_HOLD)
    },
}

# A manager may force any state but these two: they are the hub's own work (validation,
# allocation of stock through a confirmed sale order). Releasing an order re-runs them.
NOT_FORCEABLE = {VALIDATED, ACCEPTED}

# Channel edits apply automatically up to the channel's cut-off; later they are blocked
# and a manager decides. cut-off setting (the last state where edits apply) -> states.
EDITABLE_BEFORE = {
    VALIDATED: {RECEIVED, VALIDATED, ON_HOLD},
    ACCEPTED: {RECEIVED, VALIDATED, ACCEPTED, ON_HOLD},
    PICKING: {RECEIVED, VALIDATED, ACCEPTED, PICKING, ON_HOLD},
}


def is_allowed(current, target):
    return (current, target) in TRANSITIONS


def required_evidence(current, target):
    return TRANSITIONS.get((current, target))


def edits_apply(cutoff, state):
    """Do channel edits still apply automatically in ``state`` under ``cutoff``?"""
    return state in EDITABLE_BEFORE[cutoff]

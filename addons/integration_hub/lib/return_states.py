"""The return lifecycle as a table. "Returned" is not "back in live stock": nothing restocks before triage."""

INITIATED = "initiated"
AUTHORIZED = "authorized"
SHIPPED_BACK = "shipped_back"
RECEIVED = "received"
TRIAGED = "triaged"
COMPLETED = "completed"
REJECTED = "rejected"
CANCELLED = "cancelled"

STATE_SELECTION = [
    (INITIATED, "Initiated"),
    (AUTHORIZED, "Authorized"),
    (SHIPPED_BACK, "Shipped back"),
    (RECEIVED, "Received (quarantine)"),
    (TRIAGED, "Triaged"),
    (COMPLETED, "Completed"),
    (REJECTED, "Rejected"),
    (CANCELLED, "Cancelled"),
]

GRADES = [("sellable", "Sellable"), ("rework", "Rework"), ("nonconforming", "Nonconforming")]
OUTCOMES = {"sellable": "restocked", "rework": "reworked", "nonconforming": "disposed"}

TRANSITIONS = {
    (INITIATED, AUTHORIZED): "an authorization from the returns system or a manager",
    (INITIATED, REJECTED): "a refusal from the returns system or a manager",
    (AUTHORIZED, SHIPPED_BACK): "the customer's shipment back (tracking or notice)",
    (AUTHORIZED, RECEIVED): "the goods received into quarantine",
    (SHIPPED_BACK, RECEIVED): "the goods received into quarantine",
    (RECEIVED, TRIAGED): "a grade on every line (returns system instruction or a manager's decision)",
    (TRIAGED, COMPLETED): "every line's disposition executed (restocked, reworked or disposed)",
    **{
        (state, CANCELLED): "a cancellation by the returns system or a manager"
        for state in (INITIATED, AUTHORIZED, SHIPPED_BACK)
    },
}

# Until triage the returns system owns the return; after triage the warehouse owns the disposition.
WAREHOUSE_OWNS = {TRIAGED, COMPLETED}


def is_allowed(current, target):
    return (current, target) in TRANSITIONS


def required_evidence(current, target):
    return TRANSITIONS.get((current, target))

"""The SKU / catalog lifecycle as a table (seed, "Object ownership: SKU/Catalog").

"Product defined → Variants assigned → Pack configuration locked → Barcode assigned → Ready for receiving".
Each step writes the part of the master it checked onto Odoo's own product; nothing goes backwards.
Only a product that is ready for receiving may appear on an expected receipt or be published.
"""

DEFINED = "defined"
VARIANTS_ASSIGNED = "variants_assigned"
PACK_LOCKED = "pack_locked"
BARCODE_ASSIGNED = "barcode_assigned"
READY = "ready"

STATE_SELECTION = [
    (DEFINED, "Product defined"),
    (VARIANTS_ASSIGNED, "Variants assigned"),
    (PACK_LOCKED, "Pack configuration locked"),
    (BARCODE_ASSIGNED, "Barcode assigned"),
    (READY, "Ready for receiving"),
]

# The line, in order: a product moves on as far as its evidence allows.
FLOW = [DEFINED, VARIANTS_ASSIGNED, PACK_LOCKED, BARCODE_ASSIGNED, READY]

# (from, to) -> the evidence the guard checks (also the refusal's wording).
TRANSITIONS = {
    (
        DEFINED,
        VARIANTS_ASSIGNED,
    ): "every variant its declared attributes call for, each with an SKU no other product uses",
    (VARIANTS_ASSIGNED, PACK_LOCKED): "a complete pack configuration (units per carton and per pallet, unit weight)",
    (PACK_LOCKED, BARCODE_ASSIGNED): "a valid barcode on every variant, used by no other product of the company",
    (BARCODE_ASSIGNED, READY): "the synchronized product in place (for a kit: every component ready for receiving)",
}


def is_allowed(current, target):
    return (current, target) in TRANSITIONS


def required_evidence(current, target):
    return TRANSITIONS.get((current, target))


def reached(state, step):
    """Has a product in ``state`` passed ``step`` (or is it there)?"""
    return FLOW.index(state) >= FLOW.index(step)


def steps_up_to(state):
    """The transitions a product in ``state`` went through, in order: [(from, to), ...]."""
    index = FLOW.index(state)
    return list(zip(FLOW[:index], FLOW[1 : index + 1], strict=True))


def next_step(state):
    """(state, the next state) or None at the end of the line."""
    index = FLOW.index(state)
    return (state, FLOW[index + 1]) if index + 1 < len(FLOW) else None

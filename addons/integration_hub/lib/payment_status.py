"""The hub's payment vocabulary. Each adapter maps its platform's financial statuses onto it; each
channel chooses which of them count as paid for its "valid to pick" rule (seed: "Paid" is not
"ready to pick": an order also needs its stock and its address validated)."""

STATUSES = {
    "pending": "Payment pending",
    "authorized": "Payment authorized, not captured",
    "partially_paid": "Partially paid",
    "paid": "Paid",
    "partially_refunded": "Partially refunded",
    "refunded": "Refunded",
    "voided": "Voided / failed",
}
DEFAULT_PAID = "paid"


def parse(text):
    """'paid, partially_paid' -> {'paid', 'partially_paid'}; ValueError naming an unknown status."""
    chosen = {part.strip().lower() for part in (text or "").replace("\n", ",").split(",") if part.strip()}
    unknown = sorted(chosen - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown payment status(es) {', '.join(unknown)}; the hub's are {', '.join(STATUSES)}")
    return chosen

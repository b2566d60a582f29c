"""What a receipt brought in against what was expected: per line over / short / damaged, and the tolerance.

A line is counted as every unit received on it: good units into stock plus damaged ones (into
quarantine). ``difference`` = counted − expected: over when positive, short when negative. A difference
or a damaged quantity larger than the tolerance (a percentage of the expected quantity) is beyond
tolerance; an item nobody expected is always beyond it. Beyond tolerance opens an exception with the
figures (seed: "Inventory mismatches are logged"; the owner is told the figures in the confirmation).
"""

from dataclasses import dataclass

AS_EXPECTED, OVER, SHORT, UNEXPECTED = "as_expected", "over", "short", "unexpected"
RESULTS = [(AS_EXPECTED, "As expected"), (OVER, "Over"), (SHORT, "Short"), (UNEXPECTED, "Not expected")]


@dataclass(frozen=True)
class LineFigures:
    expected: float
    received: float  # good units, into stock
    damaged: float  # into quarantine
    result: str
    difference: float  # counted - expected
    beyond_tolerance: bool

    @property
    def counted(self):
        return self.received + self.damaged


def tolerance_units(expected, tolerance_pct):
    """Units a line may be off by: ``tolerance_pct`` % of the expected quantity."""
    return max(0.0, expected * (tolerance_pct or 0.0) / 100.0)


def line_figures(expected, received, damaged, tolerance_pct):
    """The figures of one line (quantities in the product's unit, ``tolerance_pct`` in percent)."""
    counted = received + damaged
    difference = counted - expected
    if not expected:
        result = UNEXPECTED
    elif difference > 0:
        result = OVER
    elif difference < 0:
        result = SHORT
    else:
        result = AS_EXPECTED
    allowed = tolerance_units(expected, tolerance_pct)
    beyond = result == UNEXPECTED or abs(difference) > allowed or damaged > allowed
    return LineFigures(expected, received, damaged, result, difference, beyond)


def describe(code, figures):
    """'MUG-001: expected 10, received 9 (1 damaged, into quarantine): short 1' for the exception."""
    counted = f"received {figures.counted:g}"
    if figures.damaged:
        counted += f" ({figures.damaged:g} damaged, into quarantine)"
    if figures.result == UNEXPECTED:
        return f"{code}: not expected, {counted}"
    outcome = {
        AS_EXPECTED: "as expected",
        OVER: f"over by {figures.difference:g}",
        SHORT: f"short by {-figures.difference:g}",
    }[figures.result]
    return f"{code}: expected {figures.expected:g}, {counted}: {outcome}"

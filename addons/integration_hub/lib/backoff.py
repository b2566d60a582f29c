"""Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter")."""

import random


def backoff_ceiling(attempt, base, cap):
    """Upper bound of the delay before retry number ``attempt`` (1-based)."""
    if attempt < 1:
        raise ValueError("attempt starts at 1")
    # min() before the power would overflow for large attempts
    exponent = min(attempt - 1, 62)
    return min(cap, base * (2**exponent))


def full_jitter_delay(attempt, base, cap, rng=random):
    """A random delay in [0, min(cap, base * 2**(attempt-1))] seconds."""
    return rng.uniform(0, backoff_ceiling(attempt, base, cap))

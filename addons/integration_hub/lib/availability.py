"""Per-channel availability, in plain Python over pre-aggregated numbers.

available = on hand - reserved - held - buffer (quarantine never counted), times
the channel's share, never below zero; a kit is the MIN over its components of
(component available // quantity per kit).
"""

import math


def sellable(on_hand, reserved, held, buffer):
    return max(0.0, on_hand - reserved - held - buffer)


def apply_share(quantity, share_pct=100.0, reserved_for_channel=None, reserved_for_others=0.0):
    """A channel's part of the free quantity.

    ``reserved_for_channel``: units set aside for this channel (it gets at most that many);
    ``reserved_for_others``: units other channels set aside, never offered here.
    """
    if reserved_for_channel is not None:
        return max(0.0, min(quantity, reserved_for_channel))
    return max(0.0, (quantity - reserved_for_others) * share_pct / 100.0)


def kit_quantity(component_available, per_kit):
    """``per_kit``: {component: units per kit}. No component, no kit."""
    if not per_kit:
        return 0
    return max(0, min(math.floor(component_available.get(component, 0.0) / qty) for component, qty in per_kit.items()))


def publishable(quantity):
    """Channels receive whole units, rounded down (conservative)."""
    return max(0, math.floor(quantity + 1e-9))


def diverges(published, reported, threshold_pct):
    """Is the channel's own figure off by more than the threshold (percent of what was published)?"""
    if published == reported:
        return False
    base = max(abs(published), 1)
    return abs(reported - published) * 100.0 / base > threshold_pct

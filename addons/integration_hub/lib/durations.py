"""Durations as people read them: "45 min", "3 h 20 min", "2 d 4 h" (never 528824 min or 31,729,424 s)."""


def format_duration(seconds):
    """``seconds`` (int/float, may be None or negative) -> a short text in minutes, hours or days.

    Under an hour: minutes; under two days: hours and minutes; beyond: days and hours.
    The units (min, h, d) are the SI / ISO 80000-3 symbols, the same in every language.
    """
    if seconds is None:
        return ""
    minutes = int(round(max(0.0, float(seconds)) / 60.0))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"

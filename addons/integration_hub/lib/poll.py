"""Polling: what an adapter answers for one page, and the time-cursor helpers most platforms need.

The hub keeps one cursor per channel and stream (orders, returns, tracking) and never reads it: it
is the adapter's own text (a timestamp, a page token, a feed id). The hub asks for pages until the
adapter says there is no more or the run's page limit is reached, stores every message in the inbox
(a re-read message collapses there: same key, same event), and saves the cursor after each page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# A first poll (no cursor) and the daily reconciliation read this far back, never a shop's history.
FIRST_POLL_DAYS = 3
# Re-read this much before a time cursor: a record saved while the last page was read is not missed.
OVERLAP = timedelta(minutes=5)
MAX_PAGES_PER_RUN = 20
CURSOR_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass
class PollPage:
    messages: list = field(default_factory=list)  # [(idempotency key, event type, payload dict)]
    cursor: str | None = None  # where the next page (or the next run) starts; None: keep the current one
    more: bool = False  # another page is waiting now
    # called once the page's messages are committed to the inbox (e.g. delete them from a message queue)
    after_commit: Callable[[], None] | None = None


def time_cursor(moment):
    """A naive UTC datetime as a cursor text."""
    return moment.strftime(CURSOR_FORMAT) if moment else None


def since(cursor, now, overlap=OVERLAP, first_days=FIRST_POLL_DAYS):
    """Where a time-based poll starts: the cursor minus the overlap, or ``first_days`` back without one."""
    if not cursor:
        return now - timedelta(days=first_days)
    try:
        return datetime.strptime(cursor[:19], CURSOR_FORMAT) - overlap
    except ValueError:
        return now - timedelta(days=first_days)

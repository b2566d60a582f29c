"""What an adapter answers when it delivers an outbox job or checks on one (plain values, no ORM).

``_push_<job type>(job)`` returns a ``Delivered`` (or any summary: a text, a ``requests`` response),
or an ``Accepted`` when the platform only took the message in and reports later (an Amazon feed, a
Mirakl import, a Magento bulk request, a generic partner answering 202). ``_check_<job type>(job)``
then answers ``Delivered`` (confirmed) or ``StillProcessing``; it raises ``PermanentError`` when the
platform refused the message as a whole and ``RetryableError`` when it could not be asked.

``item_errors`` ({item: the platform's words}) names what the platform refused inside a message it
otherwise took (a per-SKU error in a batch answer, a line of a feed report): the hub opens one
exception per item and the rest counts as delivered.
"""

from dataclasses import dataclass, field


@dataclass
class Delivered:
    summary: str = ""
    item_errors: dict = field(default_factory=dict)
    # one exception naming every refused item (a platform's error report) instead of one per item
    grouped: bool = False


@dataclass
class Accepted:
    remote_ref: str  # what the platform gave back to ask about the message later (feed id, status URL)
    check_after: int = 60  # seconds before the first check
    summary: str = ""


@dataclass
class StillProcessing:
    check_after: int | None = None  # seconds; None: the hub's check backoff decides


def as_delivered(result):
    """Any push answer as a ``Delivered``: a text or an HTTP response becomes its summary."""
    if isinstance(result, Delivered):
        return result
    status = getattr(result, "status_code", None)
    if status is not None:
        return Delivered(f"HTTP {status}")
    return Delivered(result if isinstance(result, str) else "")

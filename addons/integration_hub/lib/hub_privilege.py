"""The hub's own privileged path: grants that live in this Python process, never in a request.

Facts the hub records itself (a state reached on evidence, a decision, a receipt, an audit entry)
must not be writable by whoever can reach ``write()``. A context key cannot guard them: an RPC
client sends any context it likes (``{"integration_guarded_transition": True}``). A grant here
is a ``contextvars.ContextVar``: it is set only by hub code, for the duration of a ``with``
block, in the thread (or task) that runs that block. Nothing a client sends can set it, and it
never leaks into another request.

Usage (the caller checks the role and the guard first, then writes as the hub)::

    with granted(HUB_WRITE):
        record.sudo().write({"state": "received"})

    is_granted(HUB_WRITE)  # inside write(): is this the hub's own path?
"""

from contextlib import contextmanager
from contextvars import ContextVar

# the hub writes fields that only the hub records (see integration.hub.record)
HUB_WRITE = "hub_write"
# a manager's explicit release decision: on hold -> received (see integration.channel.order)
MANAGER_RELEASE = "manager_release"

_GRANTS = ContextVar("integration_hub_grants", default=frozenset())


@contextmanager
def granted(*names):
    """Grant ``names`` to the code run inside the block; the previous grants come back afterwards."""
    if not names:
        raise ValueError("granted() needs at least one grant name")
    token = _GRANTS.set(_GRANTS.get() | frozenset(names))
    try:
        yield
    finally:
        _GRANTS.reset(token)


def is_granted(name):
    """True only inside a ``granted(name)`` block of this thread or task."""
    return name in _GRANTS.get()

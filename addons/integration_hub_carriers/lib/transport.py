"""The carriers' HTTP client: the hub's one client (integration_hub/lib/http_client.py), tuned for carriers.

Carrier answers in 4xx carry the carrier's own validation messages and expired-token signals, so
every 4xx but 408/429 is returned to the carrier module, which parses it (``CarrierRejected``, the
core ``AuthError``). Network failures, 429 and 5xx are retried inside the call only when the wait is
short (``max_wait``); a longer one is left to the caller (a label: an exception the manager sees;
tracking: the next poll), so no worker sleeps through a carrier's outage.
"""

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError  # noqa: F401  (AuthError: public)
from odoo.addons.integration_hub.lib.http_client import (  # noqa: F401  (redact: public)
    NETWORK,
    RATE_LIMITED,
    SERVER_ERROR,
    HttpClient,
    redact,
)

# every 4xx the carrier modules parse themselves (validation messages, refused credentials)
CARRIER_CLIENT_ERRORS = tuple(status for status in range(400, 500) if status not in (408, 429))


class CarrierRejected(PermanentError):
    """The carrier refused the request's content; ``messages`` are its own words."""

    def __init__(self, message, messages=()):
        super().__init__(message)
        self.messages = list(messages)


class Transport(HttpClient):
    """``request(method, url, operation)``: up to ``attempts`` tries on network errors, 429 and 5xx."""

    attempts = 3
    retry_on = (RATE_LIMITED, SERVER_ERROR, NETWORK)

    def __init__(self, carrier_name, secrets=(), log=None, attempts=3, backoff_seconds=1.0, session=None, sleep=None):
        super().__init__(
            secrets=secrets,
            log=log,
            session=session,
            sleep=sleep,
            attempts=max(1, attempts),
            backoff_seconds=backoff_seconds,
        )
        self.name = carrier_name

    def request(self, method, url, operation, accept=CARRIER_CLIENT_ERRORS, **kwargs):
        return super().request(method, url, operation, accept=accept, **kwargs)

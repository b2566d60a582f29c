"""A small client for Shopify's Admin GraphQL API, with the hub's typed errors.

- Cost throttling: every response carries ``extensions.cost.throttleStatus``
  (maximumAvailable, currentlyAvailable, restoreRate). A ``THROTTLED`` error is
  waited out (the wait computed from the deficit and the restore rate) and the
  query retried; before a query the client also waits when the bucket holds
  less than the last query cost, so a batch run paces itself.
- A query above the single-query maximum cost raises ``QueryCostExceeded``: the
  caller splits its batch.
- HTTP 429 honours ``Retry-After``; 5xx, timeouts and connection errors are
  ``RetryableError`` (the outbox backs off); 401/403 raise ``AuthError`` (a
  revoked token or a missing scope: retrying cannot help); other 4xx and
  GraphQL errors are ``PermanentError``.

Long waits are never slept inside a worker: above ``max_wait`` the client
raises ``RetryableError(seconds=...)`` and the caller's backoff takes over.
"""

import json
import time

import requests

from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import retry_after_seconds

DEFAULT_TIMEOUT = 20
MAX_ATTEMPTS = 4


class AuthError(PermanentError):
    """401/403 or ACCESS_DENIED: the token was revoked or lacks a scope."""


class AccessRevoked(RetryableError):
    """Outbound work met an AuthError: the job waits (parked) until an admin resumes the channel."""


class QueryCostExceeded(PermanentError):
    """The query alone costs more than Shopify's single-query maximum: split it."""

    def __init__(self, message, requested=None, maximum=None):
        super().__init__(message)
        self.requested = requested
        self.maximum = maximum


class UserErrors(PermanentError):
    """A mutation answered with ``userErrors`` (bad input, unknown item...)."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = errors


class ShopifyClient:
    def __init__(
        self,
        shop_domain,
        access_token,
        api_version,
        session=None,
        sleep=None,
        max_wait=10.0,
        timeout=DEFAULT_TIMEOUT,
    ):
        self.url = f"https://{shop_domain}/admin/api/{api_version}/graphql.json"
        self.access_token = access_token
        self.session = session or requests.Session()
        self.sleep = sleep or time.sleep  # injectable: tests never really wait
        self.max_wait = max_wait
        self.timeout = timeout
        self.throttle = None  # last throttleStatus seen
        self.last_cost = 0
        self.calls = 0

    # --- pacing -----------------------------------------------------------
    def _wait(self, seconds, what):
        if seconds > self.max_wait:
            raise RetryableError(f"{what}: Shopify asks to wait {seconds:.0f} s", seconds=int(seconds) + 1)
        if seconds > 0:
            self.sleep(seconds)

    def _pace(self, what):
        """Wait until the bucket holds the last query's cost again."""
        status = self.throttle
        if not status or not self.last_cost:
            return
        deficit = self.last_cost - status.get("currentlyAvailable", 0)
        if deficit > 0 and status.get("restoreRate"):
            self._wait(deficit / status["restoreRate"], what)
            status["currentlyAvailable"] = self.last_cost

    # --- one call ---------------------------------------------------------
    def execute(self, query, variables=None, what="Shopify GraphQL"):
        """Run one query or mutation; return its ``data`` dict."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._pace(what)
            response = self._post(query, variables, what)
            if response.status_code == 429:
                seconds = retry_after_seconds(response.headers.get("Retry-After"))
                seconds = 2.0 if seconds is None else float(seconds)
                if attempt == MAX_ATTEMPTS:
                    raise RetryableError(f"{what}: rate limited (HTTP 429)", seconds=int(seconds) + 1)
                self._wait(seconds, what)
                continue
            self._raise_for_status(response, what)
            try:
                document = response.json()
            except ValueError:
                raise RetryableError(f"{what}: Shopify answered with a body that is not JSON") from None
            cost = (document.get("extensions") or {}).get("cost") or {}
            if cost.get("throttleStatus"):
                self.throttle = dict(cost["throttleStatus"])
                self.last_cost = cost.get("actualQueryCost") or cost.get("requestedQueryCost") or 0
            errors = document.get("errors") or []
            codes = {((error.get("extensions") or {}).get("code")) for error in errors if isinstance(error, dict)}
            if "THROTTLED" in codes:
                needed = cost.get("requestedQueryCost") or self.last_cost or 1
                status = self.throttle or {}
                rate = status.get("restoreRate") or 50
                seconds = max(0.0, (needed - status.get("currentlyAvailable", 0)) / rate)
                if attempt == MAX_ATTEMPTS:
                    raise RetryableError(f"{what}: throttled by Shopify", seconds=int(seconds) + 1)
                self._wait(seconds, what)
                if self.throttle:
                    self.throttle["currentlyAvailable"] = needed
                self.last_cost = 0
                continue
            messages = "; ".join(str(error.get("message", error)) for error in errors if isinstance(error, dict))
            if "MAX_COST_EXCEEDED" in codes:
                error = next(e for e in errors if (e.get("extensions") or {}).get("code") == "MAX_COST_EXCEEDED")
                details = error.get("extensions") or {}
                raise QueryCostExceeded(
                    f"{what}: {messages}",
                    requested=details.get("cost") or cost.get("requestedQueryCost"),
                    maximum=details.get("maxCost"),
                )
            if "ACCESS_DENIED" in codes:
                raise AuthError(f"{what}: access denied ({messages})")
            if "INTERNAL_SERVER_ERROR" in codes:
                raise RetryableError(f"{what}: Shopify internal error ({messages})")
            if errors:
                raise PermanentError(f"{what}: {messages}")
            return document.get("data") or {}
        raise RetryableError(f"{what}: gave up after {MAX_ATTEMPTS} attempts")  # pragma: no cover

    def _post(self, query, variables, what):
        self.calls += 1
        try:
            return self.session.post(
                self.url,
                data=json.dumps({"query": query, "variables": variables or {}}),
                headers={"Content-Type": "application/json", "X-Shopify-Access-Token": self.access_token or ""},
                timeout=self.timeout,
            )
        except requests.Timeout as error:
            raise RetryableError(f"{what}: Shopify timed out") from error
        except requests.ConnectionError as error:
            raise RetryableError(f"{what}: connection to Shopify failed") from error

    @staticmethod
    def _raise_for_status(response, what):
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in (401, 403):
            raise AuthError(
                f"{what}: Shopify refused the access token (HTTP {status}): revoked, expired or missing a scope"
            )
        if status >= 500 or status == 408:
            raise RetryableError(
                f"{what}: Shopify server error (HTTP {status})",
                seconds=retry_after_seconds(response.headers.get("Retry-After")),
            )
        raise PermanentError(f"{what}: rejected with HTTP {status}: {(response.text or '')[:300]}")

    # --- helpers ----------------------------------------------------------
    def mutate(self, query, variables, root, what):
        """Run a mutation and raise ``UserErrors`` when its payload lists any."""
        data = self.execute(query, variables, what)
        payload = data.get(root) or {}
        errors = payload.get("userErrors") or []
        if errors:
            text = "; ".join(f"{'.'.join(map(str, e.get('field') or []))}: {e.get('message')}" for e in errors)
            raise UserErrors(f"{what}: {text}", errors)
        return payload

    def paginate(self, query, variables, path, page_size=250, min_page_size=1, what="Shopify GraphQL", after=None):
        """Yield the nodes of a connection page by page (``first``/``after``), from cursor ``after``.

        A page whose cost exceeds the single-query maximum is split: the page size
        shrinks in proportion to the cost Shopify reported (at least halved).
        """
        cursor = after
        size = page_size
        while True:
            try:
                data = self.execute(query, {**variables, "first": size, "after": cursor}, what)
            except QueryCostExceeded as error:
                if size <= min_page_size:
                    raise
                smaller = size // 2
                if error.requested and error.maximum:
                    smaller = min(smaller, int(size * error.maximum / error.requested))
                size = max(min_page_size, smaller)
                continue
            connection = data
            for key in path:
                connection = (connection or {}).get(key) or {}
            yield from connection.get("nodes") or []
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return
            cursor = page.get("endCursor")

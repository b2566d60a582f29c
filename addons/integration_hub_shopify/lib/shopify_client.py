"""Shopify's Admin GraphQL API on the hub's HTTP client (timeouts, 429, 5xx, 401/403, redacted logs).

What is Shopify's own: the cost bucket. Every answer carries ``extensions.cost.throttleStatus``
(maximumAvailable, currentlyAvailable, restoreRate); a ``THROTTLED`` error is waited out and the
query retried, and before a query the client waits while the bucket holds less than the last
query's cost. Waits above ``max_wait`` are never slept: ``RetryableError(seconds=...)`` hands them
to the outbox's backoff. A query above the single-query maximum raises ``QueryCostExceeded`` (the
caller splits its page); ``ACCESS_DENIED`` is the hub's ``AuthError``.
"""

import json

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, HttpClient

MAX_ATTEMPTS = 4


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


class ShopifyClient(HttpClient):
    name = "Shopify"
    attempts = MAX_ATTEMPTS
    retry_on = (RATE_LIMITED,)
    max_wait = 10.0

    def __init__(self, shop_domain, access_token, api_version, **settings):
        super().__init__(f"https://{shop_domain}/admin/api/{api_version}/graphql.json", [access_token], **settings)
        self.access_token = access_token

    def authorize(self, call):
        call["headers"].update({"Content-Type": "application/json", "X-Shopify-Access-Token": self.access_token or ""})

    def execute(self, query, variables=None, what="Shopify GraphQL"):
        """Run one query or mutation; return its ``data`` dict."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.pace(what)
            response = self.request("POST", "", what, data=json.dumps({"query": query, "variables": variables or {}}))
            try:
                document = response.json()
            except ValueError:
                raise RetryableError(f"{what}: Shopify answered with a body that is not JSON") from None
            cost = (document.get("extensions") or {}).get("cost") or {}
            status = cost.get("throttleStatus")
            if status:
                spent = cost.get("actualQueryCost") or cost.get("requestedQueryCost")
                self.record_cost(status["currentlyAvailable"], status["restoreRate"], spent, status["maximumAvailable"])
            errors = [error for error in document.get("errors") or [] if isinstance(error, dict)]
            codes = {(error.get("extensions") or {}).get("code") for error in errors}
            if "THROTTLED" in codes:  # wait until the bucket holds what the query asked for, then again
                self.last_cost = cost.get("requestedQueryCost") or self.last_cost or 1
                if attempt == MAX_ATTEMPTS:
                    raise RetryableError(f"{what}: throttled by Shopify", seconds=60)
                continue
            messages = "; ".join(str(error.get("message", error)) for error in errors)
            if "MAX_COST_EXCEEDED" in codes:
                details = next(e for e in errors if (e.get("extensions") or {}).get("code") == "MAX_COST_EXCEEDED")
                details = details.get("extensions") or {}
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

    def mutate(self, query, variables, root, what):
        """Run a mutation and raise ``UserErrors`` when its payload lists any."""
        payload = self.execute(query, variables, what).get(root) or {}
        errors = payload.get("userErrors") or []
        if errors:
            text = "; ".join(f"{'.'.join(map(str, e.get('field') or []))}: {e.get('message')}" for e in errors)
            raise UserErrors(f"{what}: {text}", errors)
        return payload

    def paginate(self, query, variables, path, page_size=250, min_page_size=1, what="Shopify GraphQL", after=None):
        """Yield the nodes of a connection page by page (``first``/``after``), from cursor ``after``.

        A page whose cost exceeds the single-query maximum is split: the page size shrinks in
        proportion to the cost Shopify reported (at least halved).
        """
        cursor, size = after, page_size
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

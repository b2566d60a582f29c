"""One HTTP client for every platform and carrier: typed errors, short waits only, redacted logs.

A platform (or carrier) subclasses ``HttpClient``: it names itself, adds its credentials in
``authorize()`` and, for APIs with short-lived tokens, renews them in ``refresh_authorization()``.
Everything else is decided here, once:

- a timeout on every call (``timeout`` seconds, connect and each read);
- HTTP 429 (and 408, 5xx, timeouts, connection failures) are ``RetryableError`` carrying the
  remote's ``Retry-After`` as ``seconds``; 401/403 are the core ``AuthError``; any other 4xx is a
  ``PermanentError`` naming the status and the start of the answer, unless the caller ``accept``s
  that status (it reads the body itself, e.g. a carrier's validation messages);
- retries inside one call only for the failure kinds in ``retry_on``, at most ``attempts`` tries,
  and only when the wait fits in ``max_wait`` seconds (a short ``Retry-After``). A longer wait is
  never slept: the error goes to the caller, whose backoff (the outbox's ``next_attempt_at``) takes
  over, so no worker sleeps through a rate limit;
- cost-based throttling (a leaky bucket the remote reports, e.g. Shopify's query cost): the
  subclass records what the remote says (``record_cost``) and calls ``pace()`` before a call; the
  wait obeys the same ``max_wait`` rule;
- every attempt is logged at DEBUG (or given to ``log(what, text)``) as method, host, path, status
  and sizes only: never a body, a header or a query (personal data, credentials), and any secret
  in the path replaced by ``***``.
"""

import base64
import email.utils
import json
import logging
import math
import re
import time
from urllib.parse import urlsplit

import requests

from .errors import AuthError, PermanentError, RetryableError

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20  # seconds, for the connection and for each read
RATE_LIMITED, SERVER_ERROR, NETWORK = "rate_limited", "server_error", "network"
REDACTED = "***"
# Values remote APIs send back that are secrets too (tokens), whatever their value.
SECRET_JSON_KEYS = re.compile(
    r'(["\'](?:access_token|refresh_token|client_secret|consumer_secret|password|authToken)["\']\s*:\s*)'
    r'["\'][^"\']*["\']'
)
SECRET_XML_TAGS = re.compile(r"(<(?:\w+:)?(authToken|password)>)[^<]*(</)")
SECRET_QUERY = re.compile(r"((?:consumer_secret|consumer_key|access_token|password)=)[^&\s]+")


def retry_after_seconds(value, now=None):
    """Parse a Retry-After header (delta-seconds or HTTP date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0, int(when.timestamp() - now))


def redact(text, secrets=()):
    """``text`` with every secret (and its base64 / Basic-auth forms) replaced: logs never carry credentials."""
    if not text:
        return text
    text = SECRET_JSON_KEYS.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
    text = SECRET_XML_TAGS.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)
    text = SECRET_QUERY.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    values = [s for s in secrets if s and len(s) >= 3]
    for value in list(values):
        values.append(base64.b64encode(value.encode()).decode())
    for user in values[:]:
        for password in values[:]:
            values.append(base64.b64encode(f"{user}:{password}".encode()).decode())
    for value in sorted(set(values), key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text


class HttpClient:
    """``request()`` against one remote API. Subclass per platform; see the module docstring."""

    name = ""  # e.g. "WooCommerce": starts every error message
    timeout = DEFAULT_TIMEOUT
    attempts = 1  # tries per call for the kinds in retry_on, when the wait fits in max_wait
    retry_on = (RATE_LIMITED,)
    max_wait = 2.0  # seconds a call may wait in-process before it hands over to the caller's backoff
    backoff_seconds = 1.0  # wait before try n+1 when the remote names none: backoff_seconds * n
    default_retry_after = 2.0  # a 429 without Retry-After

    def __init__(self, base_url="", secrets=(), log=None, session=None, sleep=None, **settings):
        for key, value in settings.items():
            if not hasattr(type(self), key):
                raise TypeError(f"unknown HTTP client setting {key!r}")
            setattr(self, key, value)
        self.base_url = (base_url or "").rstrip("/")
        self.secrets = [s for s in secrets if s]
        self.log = log
        self.session = session or requests.Session()
        self.sleep = sleep or time.sleep  # injectable: tests never really wait
        self.calls = 0
        self.bucket = None  # {"available", "maximum", "restore_rate"} as the remote last reported it
        self.last_cost = 0

    # --- to override ---------------------------------------------------------------
    def authorize(self, call):
        """Add the credentials to the keyword arguments of ``requests`` (headers, auth, params)."""

    def refresh_authorization(self):
        """After a 401/403: renew a short-lived token; True to try the call once more with it."""
        return False

    def after_response(self, response):
        """Hook on every answer that is returned (e.g. read a cost bucket)."""

    # --- waiting without sleeping a worker -------------------------------------------
    def wait(self, seconds, what):
        """Wait in-process when it fits in ``max_wait``; a longer wait goes to the caller's backoff."""
        if seconds > self.max_wait:
            raise RetryableError(
                f"{what}: {self.name or 'the remote'} asks to wait {seconds:.0f} s", math.ceil(seconds)
            )
        if seconds > 0:
            self.sleep(seconds)

    def record_cost(self, available, restore_rate, cost, maximum=None):
        """What the remote reported after a call: its bucket and that call's cost (points, units)."""
        self.bucket = {"available": available, "maximum": maximum, "restore_rate": restore_rate}
        self.last_cost = cost or 0

    def pace(self, what, cost=None):
        """Before a call: wait until the bucket holds ``cost`` again (by default the last call's cost)."""
        cost = self.last_cost if cost is None else cost
        bucket = self.bucket
        if not bucket or not cost:
            return
        deficit = cost - (bucket["available"] or 0)
        if deficit > 0 and bucket["restore_rate"]:
            self.wait(deficit / bucket["restore_rate"], what)
            bucket["available"] = cost

    # --- one call ----------------------------------------------------------------
    def url(self, path):
        if not path or path.startswith(("http://", "https://")):
            return path or self.base_url
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method, path, what, accept=(), **kwargs):
        """One call; returns the response (2xx or a status in ``accept``), else raises a typed error."""
        url = self.url(path)
        what = f"{self.name} {what}" if self.name else what
        attempt, refreshed = 0, False
        while True:
            attempt += 1
            call = {**kwargs, "headers": dict(kwargs.get("headers") or {})}
            call.setdefault("timeout", self.timeout)
            self.authorize(call)
            self.calls += 1
            try:
                response = self.session.request(method, url, **call)
            except requests.Timeout:
                self._log(what, method, url, call, None, f"timeout (attempt {attempt})")
                error, kind = RetryableError(f"{what}: timed out"), NETWORK
            except requests.ConnectionError:
                self._log(what, method, url, call, None, f"connection failed (attempt {attempt})")
                error, kind = RetryableError(f"{what}: connection failed"), NETWORK
            else:
                self._log(what, method, url, call, response, f"attempt {attempt}")
                status = response.status_code
                if 200 <= status < 300 or status in accept:
                    self.after_response(response)
                    return response
                if status in (401, 403):
                    if not refreshed and self.refresh_authorization():
                        refreshed, attempt = True, attempt - 1
                        continue
                    raise AuthError(
                        f"{what}: credentials refused (HTTP {status}): revoked, expired or missing a permission"
                    )
                seconds = retry_after_seconds(response.headers.get("Retry-After"))
                if status == 429:
                    seconds = math.ceil(self.default_retry_after) if seconds is None else seconds
                    error, kind = RetryableError(f"{what}: rate limited (HTTP 429)", seconds=seconds), RATE_LIMITED
                elif status >= 500 or status == 408:
                    error, kind = RetryableError(f"{what}: server error (HTTP {status})", seconds=seconds), SERVER_ERROR
                else:
                    detail = redact((response.text or "")[:300], self.secrets)
                    raise PermanentError(f"{what}: rejected with HTTP {status}: {detail}")
            wait = error.seconds if error.seconds is not None else self.backoff_seconds * attempt
            if kind in self.retry_on and attempt < self.attempts and wait <= self.max_wait:
                self.sleep(wait)
                continue
            raise error

    def _log(self, what, method, url, call, response, note):
        """One line per attempt: method, host and path (never the query), the note, the request's size and the
        answer's status and size. Bodies, headers and queries are never logged: answers hold buyers' names,
        addresses, phones and e-mails (personal data) and requests credentials; a caller that needs part of an
        answer reads it itself. Given to ``log(what, text)`` when set, else at DEBUG."""
        parts = urlsplit(url)
        body = call.get("json") if call.get("json") is not None else call.get("data")
        sent = len(json.dumps(body, default=str) if isinstance(body, dict | list) else body or "")
        text = f"{method} {parts.scheme}://{parts.netloc}{parts.path} ({note}): sent {sent} bytes"
        if response is not None:
            text += f"; HTTP {response.status_code}, {len(response.content or b'')} bytes"
        text = redact(text, self.secrets)
        if self.log:
            self.log(what, text)
        else:
            _logger.debug("%s: %s", what, text)


def raise_for_status(response, what):
    """Map an HTTP status to the hub's error types (2xx returns silently); see ``HttpClient.request``."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status in (401, 403):
        raise AuthError(f"{what}: credentials refused (HTTP {status})")
    seconds = retry_after_seconds(response.headers.get("Retry-After"))
    if status == 429:
        raise RetryableError(f"{what}: rate limited (HTTP 429)", seconds=seconds)
    if status >= 500 or status == 408:
        raise RetryableError(f"{what}: remote server error (HTTP {status})", seconds=seconds)
    raise PermanentError(f"{what}: rejected with HTTP {status}: {(response.text or '')[:300]}")


def send(session, method, url, what, timeout=DEFAULT_TIMEOUT, **kwargs):
    """Perform one request with a plain client (no credentials of its own); typed errors as above."""
    return HttpClient(session=session, timeout=timeout).request(method, url, what, **kwargs)

"""Outbound HTTP with typed errors: the caller decides retries by error type."""

import email.utils
import time

import requests

from .errors import PermanentError, RetryableError

DEFAULT_TIMEOUT = 20  # seconds, for the connection and for each read


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


def raise_for_status(response, what):
    """Map an HTTP status to the hub's error types (2xx returns silently)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 429:
        raise RetryableError(
            f"{what}: rate limited (HTTP 429)", seconds=retry_after_seconds(response.headers.get("Retry-After"))
        )
    if status >= 500 or status == 408:
        raise RetryableError(
            f"{what}: remote server error (HTTP {status})",
            seconds=retry_after_seconds(response.headers.get("Retry-After")),
        )
    # 4xx: our request is wrong or not allowed; retrying changes nothing
    detail = (response.text or "")[:300]
    raise PermanentError(f"{what}: rejected with HTTP {status}: {detail}")


def send(session, method, url, what, timeout=DEFAULT_TIMEOUT, **kwargs):
    """Perform one request; network failures are retryable."""
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as error:
        raise RetryableError(f"{what}: timed out") from error
    except requests.ConnectionError as error:
        raise RetryableError(f"{what}: connection failed") from error
    raise_for_status(response, what)
    return response

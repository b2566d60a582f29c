"""One HTTP call to a carrier: retries for temporary failures, a redacted log line, typed errors.

Carrier clients parse 4xx bodies themselves (validation messages, expired
tokens), so only network failures, 429 and 5xx are handled here.
"""

import base64
import re
import time

import requests

from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import DEFAULT_TIMEOUT, retry_after_seconds

REDACTED = "***"
SECRET_HEADERS = {"authorization", "dhl-api-key", "x-api-key", "apikey", "authtoken"}


class AuthError(PermanentError):
    """The carrier refused our credentials or token (HTTP 401/403)."""


class CarrierRejected(PermanentError):
    """The carrier refused the request's content; ``messages`` are its own words."""

    def __init__(self, message, messages=()):
        super().__init__(message)
        self.messages = list(messages)


# Values the carriers send back that are secrets too (tokens), whatever their value.
SECRET_JSON_KEYS = re.compile(
    r'(["\'](?:access_token|refresh_token|client_secret|password|authToken)["\']\s*:\s*)["\'][^"\']*["\']'
)
SECRET_XML_TAGS = re.compile(r"(<(?:\w+:)?(authToken|password)>)[^<]*(</)")


def redact(text, secrets):
    """``text`` with every secret (and its Basic-auth form) replaced: logs never carry credentials."""
    if not text:
        return text
    text = SECRET_JSON_KEYS.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
    text = SECRET_XML_TAGS.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)
    values = [s for s in secrets if s and len(s) >= 3]
    for value in list(values):
        values.append(base64.b64encode(value.encode()).decode())
    for user in values[:]:
        for password in values[:]:
            values.append(base64.b64encode(f"{user}:{password}".encode()).decode())
    for value in sorted(set(values), key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text


def redact_headers(headers):
    return {key: (REDACTED if key.lower() in SECRET_HEADERS else value) for key, value in (headers or {}).items()}


class Transport:
    """``request()`` with up to ``attempts`` tries on network errors, 429 and 5xx.

    ``log(operation, text)`` receives a redacted request/response summary.
    """

    def __init__(self, carrier_name, secrets=(), log=None, attempts=3, backoff_seconds=1.0, session=None, sleep=None):
        self.carrier_name = carrier_name
        self.secrets = [s for s in secrets if s]
        self.log = log or (lambda operation, text: None)
        self.attempts = max(1, attempts)
        self.backoff_seconds = backoff_seconds
        self.session = session or requests.Session()
        self.sleep = sleep or time.sleep

    def request(self, method, url, operation, **kwargs):
        what = f"{self.carrier_name} {operation}"
        last_error = None
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.session.request(method, url, timeout=DEFAULT_TIMEOUT, **kwargs)
            except requests.Timeout:
                last_error = RetryableError(f"{what}: timed out")
                self._log(operation, method, url, kwargs, None, f"timeout (attempt {attempt})")
            except requests.ConnectionError:
                last_error = RetryableError(f"{what}: connection failed")
                self._log(operation, method, url, kwargs, None, f"connection failed (attempt {attempt})")
            else:
                self._log(operation, method, url, kwargs, response, f"attempt {attempt}")
                status = response.status_code
                if status != 429 and status < 500 and status != 408:
                    return response
                seconds = retry_after_seconds(response.headers.get("Retry-After"))
                last_error = RetryableError(f"{what}: HTTP {status} from the carrier", seconds=seconds)
            if attempt < self.attempts:
                self.sleep(min(last_error.seconds or self.backoff_seconds * attempt, 30))
        raise last_error

    def _log(self, operation, method, url, kwargs, response, note):
        body = kwargs.get("json") if kwargs.get("json") is not None else kwargs.get("data")
        lines = [
            f"{method} {url} ({note})",
            f"request headers: {redact_headers(kwargs.get('headers'))}",
            f"request body: {str(body)[:4000] if body is not None else ''}",
        ]
        if response is not None:
            lines.append(f"response: HTTP {response.status_code} {(response.text or '')[:4000]}")
        text = redact("\n".join(lines), self.secrets)
        if kwargs.get("auth"):
            text += "\nauth: " + REDACTED
        self.log(operation, text)

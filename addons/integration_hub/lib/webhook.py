"""What an adapter learns from verifying a webhook, before the body is parsed."""

import hashlib
import hmac
from base64 import b64encode
from dataclasses import dataclass, field


@dataclass
class WebhookEnvelope:
    idempotency_key: str
    event_type: str | None = None
    source_timestamp: float | None = None  # Unix time the source says it sent/triggered the event
    kept_headers: dict = field(default_factory=dict)
    # a platform's own "is this URL alive?" call (e.g. WooCommerce's unsigned activation ping):
    # answered 200, nothing stored
    ping: bool = False


# Headers never stored with an event: credentials and session material.
SENSITIVE_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-api-key"}


def headers_to_keep(headers):
    return {k: v for k, v in headers.items() if k.lower() not in SENSITIVE_HEADERS}


def header(headers, name):
    """A header's value, stripped ("" when absent), whatever the case the sender or the framework used."""
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        value = {key.lower(): val for key, val in headers.items()}.get(name.lower())
    return (value or "").strip()


def hmac_sha256_base64(secret, body):
    """base64(HMAC-SHA256(secret, raw body)): Shopify's X-Shopify-Hmac-Sha256, WooCommerce's X-WC-Webhook-Signature."""
    return b64encode(hmac.new((secret or "").encode(), body, hashlib.sha256).digest()).decode()


def hmac_matches(secret, body, received):
    """Constant-time check of a received base64 HMAC-SHA256 of ``body``; False without a secret."""
    if not secret or not received:
        return False
    return hmac.compare_digest(hmac_sha256_base64(secret, body).encode(), received.strip().encode())

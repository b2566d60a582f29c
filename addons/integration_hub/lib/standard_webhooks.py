"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``,
secret ``whsec_<base64>``, timestamps within a tolerance window.
"""

import base64
import hashlib
import hmac
import secrets
import time

from .errors import SignatureError

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 5 * 60


def generate_secret():
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_bytes(secret):
    if not secret:
        raise SignatureError("the channel has no webhook secret")
    value = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as error:
        raise SignatureError("the channel's webhook secret is not valid base64") from error


def sign(secret, msg_id, timestamp, body):
    """The ``webhook-signature`` header value for ``body`` (bytes)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret, headers, body, tolerance=DEFAULT_TOLERANCE_SECONDS, now=None):
    """Check the signature headers of ``body``; return the ``webhook-id``.

    ``headers`` is a case-insensitive mapping. Raises SignatureError with a
    reason that never contains the secret or the expected signature.
    """
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signature_header = headers.get("webhook-signature")
    if not (msg_id and timestamp and signature_header):
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        sent_at = int(timestamp)
    except ValueError as error:
        raise SignatureError("webhook-timestamp is not a Unix timestamp") from error
    now = time.time() if now is None else now
    if abs(now - sent_at) > tolerance:
        raise SignatureError("webhook-timestamp is outside the accepted window (replay protection)")
    expected = sign(secret, msg_id, timestamp, body).split(",", 1)[1]
    for candidate in signature_header.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return msg_id
    raise SignatureError("signature does not match the body")

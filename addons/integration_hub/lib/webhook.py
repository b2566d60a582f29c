"""What an adapter learns from verifying a webhook, before the body is parsed."""

from dataclasses import dataclass, field


@dataclass
class WebhookEnvelope:
    idempotency_key: str
    event_type: str | None = None
    source_timestamp: float | None = None  # Unix time the source says it sent/triggered the event
    kept_headers: dict = field(default_factory=dict)


# Headers never stored with an event: credentials and session material.
SENSITIVE_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-api-key"}


def headers_to_keep(headers):
    return {k: v for k, v in headers.items() if k.lower() not in SENSITIVE_HEADERS}

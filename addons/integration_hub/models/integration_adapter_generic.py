import json
import time
import uuid

import requests

from odoo import api, models

from ..lib import http_client, json_document, standard_webhooks
from ..lib.errors import PayloadError, PermanentError
from ..lib.webhook import WebhookEnvelope, headers_to_keep

GENERIC_EVENT_TYPES = (
    "order.created",
    "order.updated",
    "order.cancelled",
    "return.created",
    "return.updated",
    "inventory.reported",
    "product.upserted",
    "receipt.expected",
)


class IntegrationAdapterGeneric(models.AbstractModel):
    """Custom shops and ERPs: Standard Webhooks in, signed JSON out."""

    _name = "integration.adapter.generic"
    _inherit = "integration.adapter"
    _description = "Generic API / webhook adapter"

    _accepts_webhooks = True

    @api.model
    def _verify_webhook(self, channel, headers, body):
        msg_id = standard_webhooks.verify(
            channel._get_secret("webhook_secret"),
            headers,
            body,
            tolerance=channel.webhook_tolerance_seconds or standard_webhooks.DEFAULT_TOLERANCE_SECONDS,
        )
        return WebhookEnvelope(
            idempotency_key=msg_id,
            source_timestamp=float(headers.get("webhook-timestamp")),
            kept_headers=headers_to_keep(headers),
        )

    @api.model
    def _parse_webhook(self, channel, envelope, body):
        document = json_document.loads(body)
        if not isinstance(document, dict) or not isinstance(document.get("type"), str):
            raise PayloadError('the body must be a JSON object with a "type" string and a "data" object')
        if not isinstance(document.get("data"), dict):
            raise PayloadError('"data" must be a JSON object')
        if document["type"] not in GENERIC_EVENT_TYPES:
            raise PayloadError(
                f"unknown event type '{document['type']}'; expected one of {', '.join(GENERIC_EVENT_TYPES)}"
            )
        return document["type"], document["data"]

    # --- outbound ---------------------------------------------------------
    @api.model
    def _post_signed(self, job, event_type, data):
        """POST {"type", "data"} to the channel's API URL, signed like our inbound webhooks."""
        channel = job.channel_id
        if not channel.api_base_url:
            raise PermanentError(f"channel '{channel.name}' has no API base URL to send '{event_type}' to")
        body = json.dumps({"type": event_type, "data": data}, separators=(",", ":"), default=str).encode()
        msg_id = job.idempotency_key or str(uuid.uuid4())
        timestamp = str(int(time.time()))
        headers = {"content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": timestamp}
        secret = channel._get_secret("webhook_secret")
        if secret:
            headers["webhook-signature"] = standard_webhooks.sign(secret, msg_id, timestamp, body)
        with requests.Session() as session:
            return http_client.send(
                session, "POST", channel.api_base_url, f"POST {event_type}", data=body, headers=headers
            )

    @api.model
    def _push_inventory(self, job):
        return self._post_signed(job, "inventory.updated", job._payload())

    @api.model
    def _push_fulfillment(self, job):
        return self._post_signed(job, "fulfillment.created", job._payload())

    @api.model
    def _push_order_status(self, job):
        return self._post_signed(job, "order.status_changed", job._payload())

    @api.model
    def _push_return_status(self, job):
        return self._post_signed(job, "return.status_changed", job._payload())

import json
import time
import uuid

from odoo import _, api, models

from ..lib import capabilities as C
from ..lib import json_document, standard_webhooks
from ..lib.delivery import Accepted, Delivered, StillProcessing
from ..lib.errors import PayloadError, PermanentError
from ..lib.http_client import HttpClient
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
# outbox job type -> the event type the partner receives
OUTBOUND_TYPES = {
    "inventory": "inventory.updated",
    "order_status": "order.status_changed",
    "return_status": "return.status_changed",
    "acknowledge": "order.acknowledged",
}


class GenericClient(HttpClient):
    name = "Partner API"


class IntegrationAdapterGeneric(models.AbstractModel):
    """Custom shops and ERPs: Standard Webhooks in, signed JSON out (README, "The generic webhook format").

    A partner may answer an outbound message with HTTP 202 and a ``Location`` to ask later: the hub
    then GETs that URL until it answers ``{"status": "done", "errors": [{"item", "message"}]}`` or
    ``{"status": "failed", "message"}`` (``processing`` meanwhile).
    """

    _name = "integration.adapter.generic"
    _inherit = "integration.adapter"
    _description = "Generic API / webhook adapter"

    _capabilities = frozenset(
        {
            C.WEBHOOKS,
            C.RETURNS_IN,
            C.INVENTORY,
            C.INVENTORY_ASYNC,
            C.ORDER_STATUS,
            C.RETURN_STATUS,
            C.ACKNOWLEDGE,
            C.RECEIPT_STATUS,  # integration_adapter_inbound.py
            C.CATALOG_STATUS,
            C.INVENTORY_POSITIONS,
        }
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        if capability == C.WEBHOOKS:
            return [] if channel._get_secret("webhook_secret") else [_("no webhook signing secret")]
        return [] if channel.api_base_url else [_("no API base URL to send to")]

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
    def _client(self, channel):
        return GenericClient(channel.api_base_url, secrets=[channel._get_secret("webhook_secret")])

    @api.model
    def _post_signed(self, job, event_type):
        """POST {"type", "data"} to the channel's API URL, signed like our inbound webhooks."""
        channel = job.channel_id
        body = json.dumps({"type": event_type, "data": job._payload()}, separators=(",", ":"), default=str).encode()
        msg_id = job.idempotency_key or str(uuid.uuid4())
        timestamp = str(int(time.time()))
        headers = {"content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": timestamp}
        secret = channel._get_secret("webhook_secret")
        if secret:
            headers["webhook-signature"] = standard_webhooks.sign(secret, msg_id, timestamp, body)
        response = self._client(channel).request("POST", "", f"POST {event_type}", data=body, headers=headers)
        if response.status_code == 202 and response.headers.get("Location"):
            return Accepted(response.headers["Location"], summary="HTTP 202: the partner reports later")
        return response

    @api.model
    def _check_report(self, job):
        """GET the status URL the partner gave: processing / done (+ per-item errors) / failed."""
        response = self._client(job.channel_id).request("GET", job.remote_ref, "status of a message")
        try:
            report = json_document.loads(response.content)
        except PayloadError as error:
            raise PermanentError(_("the partner's status answer is not JSON: %s", error)) from None
        status = report.get("status") if isinstance(report, dict) else None
        if status in ("processing", "pending", "queued"):
            return StillProcessing()
        if status == "failed":
            raise PermanentError(_("the partner refused the message: %s", report.get("message") or _("no reason")))
        if status != "done":
            raise PermanentError(_("the partner's status answer says '%s' (expected processing/done/failed)", status))
        errors = {
            str(error.get("item")): str(error.get("message") or _("refused"))
            for error in report.get("errors") or []
            if isinstance(error, dict) and error.get("item")
        }
        return Delivered(_("confirmed by the partner"), errors)

    @api.model
    def _push_inventory(self, job):
        return self._post_signed(job, OUTBOUND_TYPES["inventory"])

    @api.model
    def _push_order_status(self, job):
        return self._post_signed(job, OUTBOUND_TYPES["order_status"])

    @api.model
    def _push_return_status(self, job):
        return self._post_signed(job, OUTBOUND_TYPES["return_status"])

    @api.model
    def _push_acknowledge(self, job):
        return self._post_signed(job, OUTBOUND_TYPES["acknowledge"])

    @api.model
    def _check_inventory(self, job):
        return self._check_report(job)

    @api.model
    def _check_order_status(self, job):
        return self._check_report(job)

    @api.model
    def _check_return_status(self, job):
        return self._check_report(job)

    @api.model
    def _check_acknowledge(self, job):
        return self._check_report(job)

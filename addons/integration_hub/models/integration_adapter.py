from odoo import api, models

from ..lib.errors import PermanentError, SignatureError


class IntegrationAdapter(models.AbstractModel):
    """The contract every platform adapter implements (``integration.adapter.<platform>``).

    The hub owns the lifecycle, the inbox, the outbox and the exceptions; an
    adapter only verifies, maps payloads and talks HTTP.
    """

    _name = "integration.adapter"
    _description = "Integration platform adapter (contract)"

    # Does this platform deliver webhooks to the hub endpoint?
    _accepts_webhooks = False

    @api.model
    def _verify_webhook(self, channel, headers, body):
        """Check authenticity on the raw body; return a WebhookEnvelope or raise SignatureError."""
        raise SignatureError("this channel does not receive webhooks")

    @api.model
    def _parse_webhook(self, channel, envelope, body):
        """Return (event_type, payload dict) or raise PayloadError. Called after verification."""
        raise PermanentError("this channel does not receive webhooks")

    @api.model
    def _normalize_event(self, event, payload):
        """Map a stored event to (hub event type, data) for the hub's handlers."""
        return event.event_type, payload

    @api.model
    def _fetch_orders(self, channel, cursor):
        """Poll the platform: return (list of (key, type, payload)), new cursor)."""
        raise PermanentError(f"platform '{channel.platform}' cannot be polled for orders")

    @api.model
    def _push(self, job):
        """Deliver one outbox job; raise RetryableError / PermanentError on failure."""
        method = getattr(self, f"_push_{job.job_type}", None)
        if method is None:
            raise PermanentError(f"platform '{job.channel_id.platform}' has no outbound '{job.job_type}' message")
        return method(job)

    @api.model
    def _acknowledge(self, event):
        """Tell the platform an event was processed (most platforms need nothing)."""
        return True

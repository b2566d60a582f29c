from odoo import _, models
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S

_lt = LazyTranslate(__name__)


class IntegrationEventOrderHandlers(models.Model):
    """Inbox handlers for the hub's order and channel events (``_handle_<type>``, see integration.event)."""

    _inherit = "integration.event"

    def _handle_order_created(self, data):
        return self.env["integration.channel.order"]._ingest(self, data, "created")

    def _handle_order_updated(self, data):
        return self.env["integration.channel.order"]._ingest(self, data, "updated")

    def _handle_order_cancelled(self, data):
        was = self._channel_order(data.get("id") if isinstance(data, dict) else None).state
        result = self.env["integration.channel.order"]._ingest(self, data, "cancelled")
        if isinstance(result, models.BaseModel) and was != S.CANCELLED and result.state == S.CANCELLED:
            # the channel's cancellation was applied: acknowledge it (channels that take order status)
            result._queue_order_status("cancel_acknowledged", f"order-status:{result.external_id}:cancelled")
        return result

    def _channel_order(self, external_id):
        if not external_id:
            return self.env["integration.channel.order"]
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel_id.id), ("external_id", "=", str(external_id))], limit=1
        )

    def _handle_noop(self, data):
        """Nothing for the warehouse in this message (e.g. a refund of money only): done, linked to its order."""
        return self._channel_order((data or {}).get("order_id")) or True

    def _handle_channel_revoked(self, data):
        """The platform removed the hub's access (an app uninstalled): pause the channel and tell an admin."""
        channel = self.channel_id.sudo()
        channel.action_pause()
        self.env["integration.sync.exception"]._open(
            "channel_access",
            _lt(
                "%(platform)s removed the hub's access to %(channel)s",
                platform=channel._platform_label(),
                channel=channel.name,
            ),
            _lt(
                "%(reason)s\n\nThe credentials no longer work and no more webhooks will arrive. The channel is "
                "paused. Reinstall or re-authorize the hub on the platform, set the new credentials, register "
                "the webhooks again, then set the channel live.",
                reason=(data or {}).get("reason") or _("The platform reported that the hub's access was removed."),
            ),
            record=channel,
            channel=channel,
            severity="critical",
            dedupe_key=f"channel-revoked:{channel.id}:{self.id}",
        )
        return channel

from odoo import models

from ..lib.shopify_client import AccessRevoked


class IntegrationJob(models.Model):
    """Shopify refused the token: park the channel's jobs instead of retrying in a loop."""

    _inherit = "integration.job"

    def _run(self):
        channel = self.channel_id
        if channel.platform == "shopify" and channel.shopify_outbound_paused:
            self.write({"attempts": max(0, self.attempts - 1)})  # not an attempt: nothing was sent
            self._park()
            return
        return super()._run()

    def _retry_later(self, error):
        if isinstance(error, AccessRevoked):
            self.channel_id._shopify_pause_outbound(error)
            self.write({"attempts": max(0, self.attempts - 1), "last_error": str(error)})
            self._park()
            return
        return super()._retry_later(error)

    def _park(self):
        """Pending with no due date: 'Resume outbound' on the channel makes the parked jobs due again."""
        self.write({"state": "pending", "next_attempt_at": False})

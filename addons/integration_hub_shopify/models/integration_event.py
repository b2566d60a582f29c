from odoo import _, fields, models

from odoo.addons.integration_hub.lib import order_states as S

from ..lib import shopify_mapping as M


class IntegrationEvent(models.Model):
    """Handlers for the Shopify-only topics (``_handle_<hub type>``, see integration.event)."""

    _inherit = "integration.event"

    def _shopify_order(self, shopify_order_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel_id.id), ("external_id", "=", M.legacy_id(shopify_order_id))], limit=1
        )

    def _handle_order_cancelled(self, data):
        result = super()._handle_order_cancelled(data)
        applied = isinstance(result, models.BaseModel) and result.state == S.CANCELLED
        if self.channel_id.platform == "shopify" and applied:
            # the cancellation was applied: acknowledge it on the order in Shopify
            self.env["integration.job"]._enqueue(
                self.channel_id,
                "order_status",
                f"order-status:{result.external_id}:cancelled",
                {"order_id": result.external_id, "status": "cancel_acknowledged"},
                record=result,
            )
        return result

    def _handle_shopify_refund_created(self, data):
        """A refund whose lines go back to stock ("return") is a return authorized by the shop.

        Lines resolve through the original line item, the SKU or the variant id; a line none of them
        resolves is named in an exception and the rest of the return is kept.
        """
        lines = M.refund_return_lines(data)
        if not lines:
            # money only (no_restock) or an unfulfilled line cancelled: nothing comes back to the warehouse
            return self._shopify_order(data.get("order_id")) or True
        return (
            self.env["integration.return"]
            .sudo()
            ._ingest(
                self.channel_id,
                {
                    "id": f"refund-{data.get('id')}",
                    "order_id": M.legacy_id(data.get("order_id")),
                    "reason": data.get("note") or _("Shopify refund"),
                    "status": "authorized",
                    "lines": lines,
                },
                "created",
            )
        )

    def _handle_shopify_inventory_level_updated(self, data):
        """Shopify's own view of a level, kept next to what the hub last published (divergence checks)."""
        items = (
            self.env["integration.shopify.inventory.item"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", self.channel_id.id),
                    ("inventory_item_gid", "=", M.gid("InventoryItem", data.get("inventory_item_id"))),
                    ("location_gid", "=", M.gid("Location", data.get("location_id"))),
                ]
            )
        )
        items.write(
            {
                "remote_available": data.get("available") or 0,
                "remote_updated_at": self.source_timestamp or fields.Datetime.now(),
            }
        )
        # the hub compares it with what the warehouse published (±threshold -> exception, conservative republish)
        products = self.env["product.product"].search([("default_code", "in", items.mapped("sku"))])
        for product in products:
            self.env["integration.inventory.level"]._record_reported(self.channel_id, product.id, data.get("available"))
        return items[:1] or True

    def _handle_shopify_app_uninstalled(self, data):
        """The shop removed the app: nothing works any more. Pause the channel and tell an admin."""
        channel = self.channel_id.sudo()
        channel.action_pause()
        self.env["integration.sync.exception"]._open(
            "channel_access",
            _("Shopify app uninstalled from %s", channel.shopify_shop_domain or channel.name),
            _(
                "Shopify reported app/uninstalled: the access token no longer works and no more webhooks will "
                "arrive. The channel is paused. Reinstall the app, set the new access token and client secret, "
                "register the webhooks again, then set the channel live."
            ),
            record=channel,
            channel=channel,
            severity="critical",
            dedupe_key=f"shopify-uninstalled:{channel.id}:{self.id}",
        )
        return channel

from odoo import _, models

from ..lib import shopify_mapping as M


class IntegrationEventShopifyRefund(models.Model):
    """Shopify refunds with returned items become returns, every line resolved like an order line.

    Replaces the first version of ``_handle_shopify_refund_created`` (integration_event.py), which
    passed on the SKU alone: a line without SKU failed the whole refund.
    """

    _inherit = "integration.event"

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

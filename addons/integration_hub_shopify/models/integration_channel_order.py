from odoo import _, models

from odoo.addons.integration_hub.lib import order_states as S

AFTER_DISPATCH = (S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED)


class IntegrationChannelOrder(models.Model):
    """Shopify orders: paid statuses per channel, fulfillment once the carrier has the goods."""

    _inherit = "integration.channel.order"

    def _valid_to_pick_missing(self):
        channel = self.channel_id
        if channel.platform != "shopify" or channel.valid_to_pick_trigger != "paid":
            return super()._valid_to_pick_missing()
        if self.financial_status not in channel._shopify_paid_statuses():
            return [_("payment (Shopify financial status is '%s')", self.financial_status or _("unknown"))]
        return []

    def _record_carrier_pickup(self, receipt_ref, tracking_number, picked_up_at, source_note):
        result = super()._record_carrier_pickup(receipt_ref, tracking_number, picked_up_at, source_note)
        for order in self:
            if order.channel_id.platform == "shopify" and order.state == S.DISPATCHED:
                order._shopify_enqueue_fulfillment()
        return result

    def write(self, vals):
        watched = (
            {order.id: order.tracking_number for order in self if order.state in AFTER_DISPATCH}
            if "tracking_number" in vals
            else {}
        )
        result = super().write(vals)
        for order in self.filtered(lambda o: o.id in watched and o.channel_id.platform == "shopify"):
            if order.tracking_number and order.tracking_number != watched[order.id]:
                order._shopify_enqueue_tracking_update()
        return result

    def _record_later_shipment(self, pickings, receipt_ref, tracking_number, picked_up_at):
        result = super()._record_later_shipment(pickings, receipt_ref, tracking_number, picked_up_at)
        for order in self.filtered(lambda o: o.channel_id.platform == "shopify"):
            order._shopify_enqueue_fulfillment(pickings, tracking_number)
        return result

    # --- the shipment as Shopify sees it ------------------------------------
    def _shopify_shipment(self, pickings=None):
        """The transfers that left with the carrier, and the quantity shipped per Shopify line item.

        Without ``pickings``: the first shipment (the order's own); later shipments name their transfers.
        """
        self.ensure_one()
        warehouse = self.channel_id.warehouse_id
        pickings = pickings or self.sale_order_id.picking_ids.filtered(
            lambda p: p.picking_type_id == warehouse.out_type_id and p.state != "cancel" and not p.backorder_id
        )
        shipped = {}
        for move in pickings.move_ids.filtered(lambda m: m.state != "cancel"):
            line = move.sale_line_id.integration_line_id
            quantity = move.quantity if (move.picked or move.state == "done") else 0.0
            if line and quantity:
                shipped[line.external_line_id] = shipped.get(line.external_line_id, 0) + quantity
        return pickings, shipped

    def _shopify_tracking(self, pickings, tracking_number=None):
        carrier = pickings.carrier_id[:1]
        url = next((p.carrier_tracking_url for p in pickings if getattr(p, "carrier_tracking_url", False)), False)
        return {"number": tracking_number or self.tracking_number, "company": carrier.name or False, "url": url}

    def _shopify_shipment_key(self, pickings):
        return f"{self.external_id}:{'-'.join(str(i) for i in sorted(pickings.ids))}"

    def _shopify_enqueue_fulfillment(self, pickings=None, tracking_number=None):
        """One outbox job per shipment: a second dispatch of the same shipment queues nothing new."""
        self.ensure_one()
        pickings, shipped = self._shopify_shipment(pickings)
        if not shipped:
            return False
        key = self._shopify_shipment_key(pickings)
        return (
            self.env["integration.job"]
            .sudo()
            ._enqueue(
                self.channel_id,
                "fulfillment",
                f"fulfillment:{key}",
                {
                    "action": "create",
                    "order_id": self.id,
                    "order_external_id": self.external_id,
                    "shipment_key": key,
                    "lines": [{"line_id": line_id, "quantity": qty} for line_id, qty in sorted(shipped.items())],
                    "tracking": self._shopify_tracking(pickings, tracking_number),
                    "notify_customer": self.channel_id.shopify_notify_customer,
                },
                record=self,
            )
        )

    def _shopify_enqueue_tracking_update(self):
        self.ensure_one()
        pickings, _shipped = self._shopify_shipment()
        key = self._shopify_shipment_key(pickings)
        return (
            self.env["integration.job"]
            .sudo()
            ._enqueue(
                self.channel_id,
                "fulfillment",
                f"tracking:{key}:{self.tracking_number}",
                {
                    "action": "update_tracking",
                    "order_id": self.id,
                    "shipment_key": key,
                    "tracking": self._shopify_tracking(pickings),
                    "notify_customer": self.channel_id.shopify_notify_customer,
                },
                record=self,
            )
        )

from odoo import fields, models

from ..lib import order_states as S

AFTER_DISPATCH = (S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED)


class IntegrationChannelOrderOutbound(models.Model):
    """What the hub tells the channel about an order, queued from its lifecycle, for every platform.

    Each message is queued once (its idempotency key) and only when the channel takes it (its
    platform declares the duty, the channel switched it on and its settings allow it): see
    ``integration.job._enqueue``. Platforms only turn these documents into their own calls.
    """

    _inherit = "integration.channel.order"

    def write(self, vals):
        watched = (
            {order.id: order.tracking_number for order in self if order.state in AFTER_DISPATCH}
            if "tracking_number" in vals
            else {}
        )
        result = super().write(vals)
        for order in self.filtered(lambda o: o.id in watched):
            if order.tracking_number and order.tracking_number != watched[order.id]:
                order._queue_tracking_update()
        return result

    def _queue(self, job_type, key, payload):
        self.ensure_one()
        return self.env["integration.job"].sudo()._enqueue(self.channel_id, job_type, key, payload, record=self)

    # --- documents ------------------------------------------------------------------------
    def _shipment(self, pickings=None):
        """The transfers that left with the carrier, and the quantity shipped per channel line id.

        Without ``pickings``: the first shipment (the order's own); later shipments name their transfers.
        """
        self.ensure_one()
        warehouse = self.channel_id.warehouse_id
        pickings = pickings or self.sale_order_id.picking_ids.filtered(
            lambda p: p.picking_type_id == warehouse.out_type_id and p.state != "cancel" and not p.backorder_id
        )
        shipped, kits = {}, {}
        for move in pickings.move_ids.filtered(lambda m: m.state != "cancel"):
            line = move.sale_line_id.integration_line_id
            quantity = move.quantity if (move.picked or move.state == "done") else 0.0
            if not (line and quantity):
                continue
            if move.bom_line_id:  # a kit's component: the channel sold kits, it is told kits
                kits[move.sale_line_id] = kits.get(move.sale_line_id, move.browse()) | move
                continue
            shipped[line.external_line_id] = shipped.get(line.external_line_id, 0) + quantity
        everything = {"incoming_moves": lambda m: True, "outgoing_moves": lambda m: False}
        for sale_line, moves in kits.items():
            bom = moves.bom_line_id.bom_id[:1]
            ordered = sale_line.product_uom._compute_quantity(sale_line.product_uom_qty, bom.product_uom_id)
            # whole kits only: the fewest complete sets the shipment's components make (mrp's own rule)
            count = moves._compute_kit_quantities(sale_line.product_id, ordered, bom, everything)
            if count:
                line_id = sale_line.integration_line_id.external_line_id
                shipped[line_id] = shipped.get(line_id, 0) + count
        return pickings, shipped

    def _tracking(self, pickings, tracking_number=None):
        carrier = pickings.carrier_id[:1]
        url = next((p.carrier_tracking_url for p in pickings if getattr(p, "carrier_tracking_url", False)), False)
        return {"number": tracking_number or self.tracking_number, "company": carrier.name or False, "url": url}

    def _open_deliveries(self, but=None):
        """The order's outgoing transfers still to leave (backorders included), other than ``but``."""
        out_type = self.channel_id.warehouse_id.out_type_id
        return self.sale_order_id.picking_ids.filtered(
            lambda p: (
                p.picking_type_id == out_type and p.state not in ("done", "cancel") and p not in (but or p.browse())
            )
        )

    def _shipment_key(self, pickings):
        return f"{self.external_id}:{'-'.join(str(i) for i in sorted(pickings.ids))}"

    # --- duties ----------------------------------------------------------------------------
    def _queue_fulfillment(self, pickings=None, tracking_number=None):
        """One message per shipment once the carrier has it: its lines and tracking (a second signal queues nothing)."""
        self.ensure_one()
        pickings, shipped = self._shipment(pickings)
        if not shipped:
            return self.env["integration.job"]
        key = self._shipment_key(pickings)
        return self._queue(
            "fulfillment",
            f"fulfillment:{key}",
            {
                "order_id": self.id,
                "order_external_id": self.external_id,
                "shipment_key": key,
                "lines": [{"line_id": line_id, "quantity": qty} for line_id, qty in sorted(shipped.items())],
                "tracking": self._tracking(pickings, tracking_number),
                "shipped_at": fields.Datetime.to_string(self.dispatched_at or fields.Datetime.now()),
                # nothing of the order is left to ship after this one (no open backorder)
                "order_complete": not self._open_deliveries(pickings),
            },
        )

    def _queue_tracking_update(self):
        """The carrier's tracking number changed after the fulfillment was queued."""
        self.ensure_one()
        pickings, _shipped = self._shipment()
        key = self._shipment_key(pickings)
        return self._queue(
            "tracking",
            f"tracking:{key}:{self.tracking_number}",
            {
                "order_id": self.id,
                "order_external_id": self.external_id,
                "shipment_key": key,
                "tracking": self._tracking(pickings),
            },
        )

    def _queue_dispatched_status(self, receipt_ref, tracking_number, at):
        """The channel learns the order left with the carrier (``order.status_changed`` *dispatched*, README "The
        generic webhook format"), whoever recorded the pickup: the carriers addon's hand-over, a manager's manual
        pickup, the go-live check. Queued only for channels that take order status; the carriers addon queues the
        same message under the same key, so it is queued once."""
        self.ensure_one()
        pickings, _shipped = self._shipment()
        picking = pickings.filtered(lambda p: p.carrier_tracking_ref == tracking_number)[:1] or pickings[:1]
        return self._queue(
            "order_status",
            f"shipment:{self.channel_id.code}:{self.external_id}:dispatched",
            {
                "order_id": self.external_id,
                "status": "dispatched",
                "at": fields.Datetime.to_string(at),
                "carrier": picking.carrier_id.name,
                "tracking_number": tracking_number,
                "tracking_url": picking.carrier_tracking_url or None,
                "carrier_receipt_ref": receipt_ref,
            },
        )

    def _queue_order_status(self, status, key, **extra):
        return self._queue("order_status", key, {"order_id": self.external_id, "status": status, **extra})

    def _queue_acknowledgement(self):
        """After intake: the channel learns the order arrived and its state (platforms that require it)."""
        self.ensure_one()
        return self._queue(
            "acknowledge",
            f"acknowledge:{self.channel_id.code}:{self.external_id}",
            {
                "order_id": self.external_id,
                "status": self.state,
                "reasons": (self.validation_problems or "").splitlines(),
                # for channels that want each order accepted or refused: accepted / partial / refused
                "decision": self.decision or False,
                "lines": [
                    {
                        "id": line.external_line_id,
                        "sku": line.sku,
                        "quantity": line.quantity_sent,
                        "state": line.state,
                        "accepted": line.state != "cancelled" and self.decision != "refused",
                    }
                    for line in self.line_ids
                ],
            },
        )

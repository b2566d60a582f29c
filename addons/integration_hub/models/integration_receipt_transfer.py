from odoo import api, fields, models

from ..lib import receipt_states as R


class IntegrationReceiptTransfer(models.Model):
    """The Odoo incoming transfer of an expected receipt: one open transfer, its moves following the lines."""

    _inherit = "integration.receipt"

    def _sync_transfer(self):
        """One open incoming transfer per receipt, its moves following the lines (demand, product)."""
        self.ensure_one()
        Move = self.env["stock.move"].sudo()
        lines = self.line_ids.filtered(lambda line: not line.unexpected)
        picking = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1].sudo()
        if not picking:
            picking = self._create_transfer(lines)
            self._hub_note(self.env._("Incoming transfer %s prepared.", picking.name))
            return picking
        moves = picking.move_ids.filtered(lambda move: move.state != "cancel")
        by_line = {move.integration_receipt_line_id.id: move for move in moves if move.integration_receipt_line_id}
        stale = moves.filtered(lambda move: move.integration_receipt_line_id not in lines)
        new_moves = []
        for line in lines:
            move = by_line.get(line.id)
            if move and move.product_id == line.product_id:
                if move.product_uom_qty != line.quantity_expected:
                    move.product_uom_qty = line.quantity_expected
                continue
            if move:
                stale |= move
            new_moves.append({**self._move_values(line, picking), "picking_id": picking.id})
        stale._action_cancel()
        if new_moves:
            Move.create(new_moves)._action_confirm()
        picking.action_assign()
        picking.scheduled_date = self.expected_date or picking.scheduled_date
        return picking

    def _create_transfer(self, lines):
        warehouse = self.warehouse_id
        picking_type = warehouse.in_type_id
        source = picking_type.default_location_src_id or self.env.ref("stock.stock_location_suppliers")
        destination = picking_type.default_location_dest_id or warehouse.lot_stock_id
        values = {
            "picking_type_id": picking_type.id,
            "partner_id": self.partner_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "origin": self.external_id,
            "company_id": self.company_id.id,
            "integration_receipt_id": self.id,
            # a client's goods are the client's (Odoo's consignment: owner on the quants it brings in)
            "owner_id": self.channel_id.client_id._hub_stock_owner().id,
        }
        if self.expected_date:
            values["scheduled_date"] = self.expected_date
        picking = self.env["stock.picking"].sudo().create(values)
        picking.write({"move_ids": [(0, 0, self._move_values(line, picking)) for line in lines]})
        picking.action_confirm()
        return picking

    @api.model
    def _move_values(self, line, picking):
        product = line.product_id
        details = ", ".join(
            filter(
                None,
                [
                    self.env._("lot %s", line.lot) if line.lot else "",
                    self.env._("expiry %s", line.expiry) if line.expiry else "",
                    line.resolution_note or "",
                ],
            )
        )
        values = {
            "name": product.display_name,
            "product_id": product.id,
            "product_uom_qty": line.quantity_expected,
            "product_uom": product.uom_id.id,
            "location_id": picking.location_id.id,
            "location_dest_id": picking.location_dest_id.id,
            "integration_receipt_line_id": line.id,
            "description_picking": details or False,
        }
        if line.receipt_id.expected_date:
            values["date"] = line.receipt_id.expected_date  # the transfer's scheduled date follows its moves
        return values

    def _mark_arrived(self, reason):
        """The goods are at the dock: expected -> arrived (the owner's edits become exceptions from now on)."""
        for receipt in self.filtered(lambda r: r.state == R.EXPECTED):
            receipt._hub_write({"arrived_at": fields.Datetime.now()})
            receipt._transition(R.ARRIVED, reason)

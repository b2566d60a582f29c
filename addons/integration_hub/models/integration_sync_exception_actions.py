from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .integration_sync_exception import OPEN, RESOLVED

# exception type -> the action that fixes its cause, offered on the exception itself
RELEASE_TYPES = ("invalid_order", "decision_deadline", "manual_entry")
UNKNOWN_SKUS_KEY = "unknown-skus:"


class IntegrationSyncExceptionActions(models.Model):
    """Each exception type offers the action its cause needs; doing it records the decision.

    - an order on hold: *Release order* (the order's own release: re-validated, the hold closed);
    - a failed inbound message / an undeliverable outbound one: *Retry* (the event or job again);
    - an unknown SKU (an order's line, a channel's stock report): *Map SKU* (an SKU equivalence
      for the code; administrators);
    - an inventory divergence: *Reconcile* (the count wizard with the product and location filled in);
    - an unmapped shipping method: *Map shipping method* (integration_sync_exception_inputs.py).
    """

    _inherit = "integration.sync.exception"

    unknown_codes = fields.Char(
        string="Unknown codes", compute="_compute_unknown_codes", help="Codes sent that match no catalog product."
    )
    order_id = fields.Many2one(
        "integration.channel.order", string="Order", compute="_compute_order_id", help="The order concerned, if any."
    )

    def _compute_unknown_codes(self):
        for record in self:
            codes = []
            sudo = record.sudo()
            if sudo.res_model == "integration.channel.order" and sudo.exception_type == "invalid_order":
                order = self.env["integration.channel.order"].sudo().browse(sudo.res_id).exists()
                codes = order.line_ids.filtered(lambda line: line.sku and not line.product_id).mapped("sku")
            elif (sudo.dedupe_key or "").startswith(UNKNOWN_SKUS_KEY):
                codes = sudo.dedupe_key.split(":", 2)[2].split(",")
            record.unknown_codes = ", ".join(dict.fromkeys(code for code in codes if code)) or False

    def _compute_order_id(self):
        Order = self.env["integration.channel.order"]
        for record in self:
            sudo = record.sudo()
            order = Order
            if sudo.res_model == Order._name:
                order = Order.browse(sudo.res_id)
            elif sudo.res_model == "stock.picking":
                picking = self.env["stock.picking"].sudo().browse(sudo.res_id).exists()
                order = (
                    Order.sudo().search([("sale_order_id", "=", picking.sale_id.id)], limit=1)
                    if picking.sale_id
                    else Order
                )
            record.order_id = order.id if order else False

    def _check_can_act(self):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers act on exceptions."))
        self._check_hub_reachable()
        if any(record.state != OPEN for record in self):
            raise UserError(_("This exception is already closed."))

    def action_release_order(self):
        """Release the order on hold: the order's own release closes its hold exceptions (audited)."""
        self._check_can_act()
        orders = self.mapped("order_id")
        if not orders or any(record.exception_type not in RELEASE_TYPES for record in self):
            raise UserError(_("Only an exception about an order on hold releases an order."))
        orders.action_release()
        # a deadline or manual-entry exception is not a hold exception: it is closed here by the release
        still_open = self.filtered(lambda record: record.state == OPEN)
        if still_open:
            still_open._decide(RESOLVED, _("Order released by %s after re-validation.", self.env.user.name))
        return True

    def action_retry(self):
        """Retry the failed inbound message or the undeliverable outbound job; the retry is the decision."""
        self._check_can_act()
        for record in self:
            if record.exception_type == "failed_event" and record.event_id:
                record.event_id.action_retry()
                what = _("Inbound message %s sent through the inbox again", record.event_id.idempotency_key)
            elif record.exception_type == "dead_job" and record.job_id:
                record.job_id.action_retry()
                what = _("Outbound job %s sent again with a fresh set of attempts", record.job_id.idempotency_key)
            else:
                raise UserError(_("Only a failed message or an undeliverable job can be retried."))
            record._decide(RESOLVED, _("%(what)s by %(user)s.", what=what, user=self.env.user.name))
        return True

    def action_map_unknown_code(self):
        """Create the SKU equivalence for the first unknown code (administrators); saving it decides."""
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators create SKU equivalences."))
        if self.state != OPEN or not self.unknown_codes:
            raise UserError(_("This exception names no unknown code."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Map SKU %s", self.unknown_codes.split(", ")[0]),
            "res_model": "integration.sku.equivalence",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_old_code": self.unknown_codes.split(", ")[0],
                "default_channel_id": self.channel_id.id,
                "hub_exception_id": self.id,
            },
        }

    def action_reconcile(self):
        """Open the count wizard on the divergent product and the channel's stock location."""
        self.ensure_one()
        self._check_can_act()
        level = self.env["integration.inventory.level"]
        if self.res_model == level._name:
            level = level.browse(self.res_id).exists()
        if self.exception_type != "inventory_mismatch" or not level:
            raise UserError(_("Only an inventory divergence on a product is reconciled."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Reconcile %s", level.sku or level.product_id.display_name),
            "res_model": "integration.inventory.reconcile",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_product_id": level.product_id.id,
                "default_location_id": level.channel_id.warehouse_id.lot_stock_id.id,
                "default_note": _(
                    "%(channel)s reported %(reported)s, the warehouse published %(published)s "
                    "(divergence %(pct).1f %%).",
                    channel=level.channel_id.name,
                    reported=level.reported_qty,
                    published=level.published_qty,
                    pct=level.divergence_pct,
                ),
            },
        }

    def _unknown_codes_left(self):
        """The exception's unknown codes that still resolve to no product (after a mapping)."""
        self.ensure_one()
        self.invalidate_recordset(["unknown_codes"])
        codes = self.unknown_codes.split(", ") if self.unknown_codes else []
        if not codes:
            return []
        resolved = self.env["integration.sku.equivalence"].sudo()._resolve_codes(self.channel_id.sudo(), codes)
        return [code for code in codes if not resolved.get(code, {}).get("product_id")]

    def action_view_order(self):
        self.ensure_one()
        if not self.order_id:
            raise UserError(_("This exception is not about an order."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.channel.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class IntegrationSkuEquivalenceFromException(models.Model):
    """An SKU equivalence created from an exception's *Map SKU*: the exception records the decision."""

    _inherit = "integration.sku.equivalence"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        exception = self.env["integration.sync.exception"].browse(self.env.context.get("hub_exception_id"))
        if exception.exists() and exception.state == OPEN:
            mapped = ", ".join(f"{record.old_code} -> {record.product_id.display_name}" for record in records)
            exception.sudo()._hub_note(
                _("SKU equivalence created by %(user)s: %(mapped)s", user=self.env.user.name, mapped=mapped)
            )
            if exception.exception_type != "invalid_order" and not exception._unknown_codes_left():
                exception._decide(
                    RESOLVED, _("Unknown codes mapped by %(user)s: %(mapped)s", user=self.env.user.name, mapped=mapped)
                )
        return records

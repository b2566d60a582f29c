import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class IntegrationOrderManualEntryEmail(models.TransientModel):
    """The manual fallback for an order that arrived by email (seed: manual fallbacks, logged and reviewed).

    *Enter order by hand* from an email in the inbox (*Messages > Inbox*, source *Email*) keeps the link: the
    order it creates points to that email (*Source file / email*, source *Email*), and the review exception
    names it. Same checks as the core wizard (warehouse managers, a channel of their companies).
    """

    _inherit = "integration.order.manual.entry"

    source_event_id = fields.Many2one(
        "integration.event",
        string="Email it came from",
        domain=[("event_type", "=", "email.received")],
        help="The email in the inbox this order was typed from: the order is linked to it.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        event = self.env["integration.event"].browse(values.get("source_event_id") or [])
        if event:
            headers = json.loads(event.sudo().headers or "{}")
            values.setdefault("channel_id", event.channel_id.id)
            values["source_note"] = _(
                "email from %(sender)s: %(subject)s", sender=headers.get("from") or "?", subject=headers.get("subject")
            )
        return values

    def action_confirm(self):
        self.ensure_one()
        if self.source_event_id:
            self.source_event_id.check_access("read")
            if self.source_event_id.event_type != "email.received":
                raise UserError(_("Only an email of the inbox can be the source of an order typed by hand."))
        action = super().action_confirm()
        if self.source_event_id:
            order = self.env["integration.channel.order"].sudo().browse(action["res_id"])
            order._hub_write({"source_event_id": self.source_event_id.id, "order_source": "email"})
            order._hub_note(_("Typed in by hand from the email in inbox message %s.", self.source_event_id.id))
        return action


class IntegrationEventManualEntry(models.Model):
    _inherit = "integration.event"

    def action_enter_order_by_hand(self):
        """Open *Enter an order by hand* for this email (an order the hub could not read, or its API is down)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_hub.action_integration_order_manual_entry")
        action["context"] = {"default_source_event_id": self.id}
        return action

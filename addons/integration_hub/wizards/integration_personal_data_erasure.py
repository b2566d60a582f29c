from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.personal_data_fields import PersonalChar


class IntegrationPersonalDataErasure(models.TransientModel):
    """A manager erases one customer's personal data across the hub, with a reason (audited)."""

    _name = "integration.personal.data.erasure"
    _description = "Erase a customer's personal data"

    channel_id = fields.Many2one("integration.channel", help="Only this channel's orders. Empty: every channel.")
    # what identifies the customer is personal data too: encrypted like the rest, emptied once used
    email = PersonalChar(string="E-mail")
    phone = PersonalChar()
    buyer_id = PersonalChar(string="Buyer id on the platform", help="e.g. an eBay user id or a marketplace buyer id")
    reason = fields.Text(required=True, help="e.g. GDPR request by e-mail of 2026-11-28. Kept in the audit log.")

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can erase personal data."))
        if self.channel_id:
            self.channel_id.check_access("read")
        result = self.env["integration.personal.data"]._erase_customer_data(
            self.reason,
            email=self.email,
            phone=self.phone,
            buyer_id=self.buyer_id,
            channel=self.channel_id,
            source=_("Request handled by %s", self.env.user.name),
            companies=self.env.companies,
        )
        self.write({"email": False, "phone": False, "buyer_id": False})
        if not result["erased"]:
            # the exception is kept (this transaction commits): a manager runs the request again later
            return self._notify(
                _("Nothing erased"),
                _(
                    "Orders %s are still open: an exception was opened. Run the request again once they are "
                    "delivered or cancelled.",
                    ", ".join(result["blocked_by"].mapped("name")),
                ),
                "warning",
            )
        if not (result["orders"] or result["messages"]):
            raise UserError(_("No order or message of this customer was found (or it was already erased)."))
        return self._notify(
            _("Personal data erased"),
            _(
                "%(orders)s order(s), %(returns)s return(s) and %(messages)s message(s) anonymised.",
                orders=result["orders"],
                returns=result["returns"],
                messages=result["messages"],
            ),
            "success",
        )

    def _notify(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind == "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

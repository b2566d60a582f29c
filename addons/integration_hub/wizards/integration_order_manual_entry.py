import uuid

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyTranslate

from ..models.personal_data_fields import PersonalChar

_lt = LazyTranslate(__name__)


class IntegrationOrderManualEntry(models.TransientModel):
    """Orders that arrived by email or phone while a platform was down, typed in by the team.

    They go through the same inbox, validation and guards as any channel order,
    flagged as manual entries, and each opens an exception for later review.
    """

    _name = "integration.order.manual.entry"
    _description = "Enter an order manually"

    channel_id = fields.Many2one("integration.channel", required=True, domain=[("state", "=", "live")])
    external_id = fields.Char(string="Order id in the channel", required=True)
    name = fields.Char(string="Order reference")
    placed_at = fields.Datetime(default=fields.Datetime.now)
    financial_status = fields.Selection(
        [("paid", "Paid"), ("pending", "Pending"), ("authorized", "Authorized")], default="paid"
    )
    # what is typed in is personal data: encrypted like the order's, until the wizard row is vacuumed
    customer_name = PersonalChar(required=True)
    customer_email = PersonalChar()
    phone = PersonalChar(required=True)
    street = PersonalChar(required=True)
    street2 = PersonalChar()
    zip = PersonalChar(required=True)
    city = fields.Char(required=True)
    country_id = fields.Many2one("res.country", required=True, default=lambda self: self.env.ref("base.es"))
    service_level_id = fields.Many2one(
        "integration.service.level",
        string="Service level",
        default=lambda self: self.env["integration.service.level"]._by_code("ground", self.env.company),
    )
    special_handling = fields.Char(help="Lane, delivery window or packing requirement. Empty: none.")
    source_note = fields.Char(string="How did it arrive?", required=True, help="e.g. email from buyer@acme.es, 10:42")
    line_ids = fields.One2many("integration.order.manual.entry.line", "wizard_id", required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can enter orders by hand."))
        self.channel_id.check_access("read")  # a channel of the user's own companies
        if not self.line_ids:
            raise UserError(_("Add at least one line."))
        offset_time = fields.Datetime.to_string(self.placed_at or fields.Datetime.now()).replace(" ", "T") + "+00:00"
        data = {
            "id": self.external_id.strip(),
            "name": self.name or self.external_id.strip(),
            "placed_at": offset_time,
            "updated_at": offset_time,
            "financial_status": self.financial_status,
            "customer": {"name": self.customer_name, "email": self.customer_email or "", "phone": self.phone},
            "shipping_address": {
                "name": self.customer_name,
                "street": self.street,
                "street2": self.street2 or "",
                "zip": self.zip,
                "city": self.city,
                "state": "",
                "country_code": self.country_id.code,
                "phone": self.phone,
            },
            "service_level": self.service_level_id.code or "",
            "special_handling": self.special_handling or "",
            "lines": [
                {
                    "id": str(n),
                    "sku": line.product_id.default_code or line.product_id.barcode,
                    "quantity": line.quantity,
                }
                for n, line in enumerate(self.line_ids, start=1)
            ],
        }
        Event = self.env["integration.event"].sudo()
        event_id, _created = Event._receive(
            self.channel_id, f"manual-{uuid.uuid4()}", "order.created", data, source="manual"
        )
        event = Event.browse(event_id)
        event._process()  # the person who typed it sees the result at once
        order = (
            self.env["integration.channel.order"]
            .sudo()
            .search([("channel_id", "=", self.channel_id.id), ("external_id", "=", data["id"])], limit=1)
        )
        if not order:
            raise UserError(_("The order could not be created: %s", event.error or _("see the inbox")))
        self.env["integration.sync.exception"]._open(
            "manual_entry",
            _lt("Order %s was entered by hand", order.name),
            _lt(
                "Entered by %(user)s (%(note)s) while the channel's own system was unavailable. Once it is back, "
                "check that the order exists there too and was not received twice.",
                user=self.env.user.name,
                note=self.source_note,
            ),
            record=order,
            severity="info",
        )
        return {"type": "ir.actions.act_window", "res_model": order._name, "res_id": order.id, "view_mode": "form"}


class IntegrationOrderManualEntryLine(models.TransientModel):
    _name = "integration.order.manual.entry.line"
    _description = "Manual order line"

    wizard_id = fields.Many2one("integration.order.manual.entry", required=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Integer(required=True, default=1)

    @api.constrains("product_id")
    def _check_code(self):
        for line in self:
            if not (line.product_id.default_code or line.product_id.barcode):
                raise UserError(
                    _("%s has no internal reference or barcode to order it by.", line.product_id.display_name)
                )

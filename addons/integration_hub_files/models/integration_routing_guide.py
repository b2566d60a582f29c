import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import plaintext2html

from ..lib import file_formats

GUIDE_SUBJECT = re.compile(r"routing guide|labell?ing spec|gu[ií]a de (?:ruta|env[ií]o)|etiquetado", re.I)
CUTOVER = re.compile(r"(?:cutover|effective|in force from|en vigor(?: desde)?|vigente desde)\s*[:=]?\s*(\S+)", re.I)


class IntegrationRoutingGuide(models.Model):
    """A version of a B2B buyer's routing guide or labeling spec (seed: email hand-offs, dated and versioned).

    Received as an email attachment on the buyer's email channel: each one is a new version (v1, v2, ...)
    with a cutover date (a line "Cutover: 2026-12-01" in the email, else the day it arrived). The warehouse
    confirms it has read and loaded it (who, when); the confirmation is emailed to the buyer and logged.
    Superseded versions are kept; the version in force on an order's date is shown on the order.
    """

    _name = "integration.routing.guide"
    _inherit = ["integration.hub.record", "mail.thread"]
    _description = "Routing guide / labeling spec version"
    _order = "channel_id, kind, version desc"
    _hub_fields = frozenset({"version", "cutover_date", "confirmed_by_id", "confirmed_at", "attachment_id"})

    channel_id = fields.Many2one("integration.channel", required=True, readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("routing_guide", "Routing guide"), ("labeling_spec", "Labeling spec")], required=True, readonly=True
    )
    version = fields.Integer(required=True, readonly=True)
    name = fields.Char(compute="_compute_name", store=True)
    cutover_date = fields.Date(string="In force from", required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="Document", readonly=True)
    source_event_id = fields.Many2one(
        "integration.event", string="Received in", readonly=True, index="btree_not_null"
    )  # indexed for the inbox archive job
    sender = fields.Char(readonly=True)
    confirmed_by_id = fields.Many2one("res.users", string="Read and loaded by", readonly=True)
    confirmed_at = fields.Datetime(string="Read and loaded at", readonly=True)
    state = fields.Selection(
        [("future", "Not yet in force"), ("in_force", "In force"), ("superseded", "Superseded")],
        compute="_compute_state",
    )

    @api.depends("kind", "version")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for guide in self:
            guide.name = f"{labels.get(guide.kind, '')} v{guide.version}"

    def _compute_state(self):
        today = fields.Date.context_today(self)
        for guide in self:
            current = guide._in_force(guide.channel_id, guide.kind, today)
            guide.state = "future" if guide.cutover_date > today else "in_force" if guide == current else "superseded"

    @api.model
    def _in_force(self, channel, kind, day):
        """The version of ``kind`` in force on ``day`` (the latest cutover on or before it)."""
        return self.sudo().search(
            [("channel_id", "=", channel.id), ("kind", "=", kind), ("cutover_date", "<=", day)],
            order="cutover_date desc, version desc",
            limit=1,
        )

    @api.model
    def _receive(self, event, kind, attachment_values, text, sender):
        """New versions from an email's attachments; the cutover from the text, else today."""
        channel = event.channel_id
        match = CUTOVER.search(text or "")
        cutover = fields.Date.context_today(self)
        if match:
            try:
                cutover = file_formats.parse_date(match[1].rstrip(".,;"))
            except ValueError:
                pass
        last = self.sudo().search([("channel_id", "=", channel.id), ("kind", "=", kind)], limit=1)
        guides = self.browse()
        for offset, values in enumerate(attachment_values):
            guide = self._hub_create(
                {
                    "channel_id": channel.id,
                    "kind": kind,
                    "version": (last.version or 0) + 1 + offset,
                    "cutover_date": cutover,
                    "source_event_id": event.id,
                    "sender": sender,
                }
            )
            attachment = (
                self.env["ir.attachment"].sudo().create({**values, "res_model": self._name, "res_id": guide.id})
            )
            guide._hub_write({"attachment_id": attachment.id})
            guides |= guide
        return guides

    def action_confirm_loaded(self):
        """The warehouse has read and loaded this version: who and when, an email to the buyer, logged."""
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can confirm a routing guide."))
        for guide in self:
            guide.check_access("read")
            if guide.confirmed_at:
                continue
            guide._hub_write({"confirmed_by_id": self.env.uid, "confirmed_at": fields.Datetime.now()})
            recipient = guide.sender or guide.channel_id.file_buyer_id.email
            text = _(
                "Hello,\n\nwe have read and loaded %(guide)s, in force from %(cutover)s, for all your orders "
                "from that date.\n\n%(user)s, %(company)s",
                guide=guide.name,
                cutover=guide.cutover_date,
                user=self.env.user.name,
                company=guide.company_id.name,
            )
            if recipient:
                self.env["mail.mail"].sudo().create(
                    {
                        "email_from": guide.channel_id.email_alias_id.display_name or guide.company_id.email,
                        "email_to": recipient,
                        "subject": _("Loaded: %s", guide.name),
                        "body_html": plaintext2html(text),
                        "auto_delete": False,
                    }
                )
            guide._hub_note(
                _(
                    "Read and loaded by %(user)s; confirmation sent to %(to)s.",
                    user=self.env.user.name,
                    to=recipient or "-",
                )
            )
            self.env["integration.audit.log"]._log(
                "config_change", guide, reason=_("%s confirmed as read and loaded", guide.name)
            )
        return True


class IntegrationChannelOrderGuide(models.Model):
    _inherit = "integration.channel.order"

    routing_guide_id = fields.Many2one(
        "integration.routing.guide", compute="_compute_guides", string="Routing guide in force"
    )
    labeling_spec_id = fields.Many2one(
        "integration.routing.guide", compute="_compute_guides", string="Labeling spec in force"
    )

    def _compute_guides(self):
        Guide = self.env["integration.routing.guide"]
        for order in self:
            day = fields.Date.to_date(order.placed_at or order.received_at or fields.Datetime.now())
            order.routing_guide_id = Guide._in_force(order.channel_id, "routing_guide", day)
            order.labeling_spec_id = Guide._in_force(order.channel_id, "labeling_spec", day)

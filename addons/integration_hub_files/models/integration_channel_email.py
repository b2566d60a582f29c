import base64
import email
import email.policy
import json
import re
import xmlrpc.client

from odoo import _, api, fields, models
from odoo.tools import html2plaintext, plaintext2html

from odoo.addons.integration_hub.lib import csv_reader
from odoo.addons.integration_hub.lib.errors import PayloadError

from ..lib import email_order, file_formats
from .integration_routing_guide import GUIDE_SUBJECT

RAW_EMAIL = "integration_raw_email"  # context key: the RFC 822 bytes of the message being routed


class MailThreadRawEmail(models.AbstractModel):
    """The mail gateway keeps the message as received, for the hub's inbox (the raw message is the event)."""

    _inherit = "mail.thread"

    @api.model
    def message_process(
        self, model, message, custom_values=None, save_original=False, strip_attachments=False, thread_id=None
    ):
        if isinstance(message, xmlrpc.client.Binary):
            message = bytes(message.data)
        if isinstance(message, str):
            message = message.encode("utf-8")
        return super(MailThreadRawEmail, self.with_context(**{RAW_EMAIL: message})).message_process(
            model, message, custom_values, save_original, strip_attachments, thread_id
        )


class IntegrationChannelEmail(models.Model):
    """Orders by email: a mail alias per email channel, through Odoo's mail gateway (seed: email hand-offs).

    A message to the alias is stored raw in the inbox (source *Email*), then read: a CSV attachment in the
    purchase-order format, else the structured text of lib/email_order.py (HTML-only bodies as text). Each
    order goes through the same intake as a webhook and is marked as email-sourced. An email that cannot be
    read is a failed event with an exception, and the sender gets an automatic reply saying what could not
    be read. Only the channel's allowed senders are read (the others: a failed event, an exception, no reply).
    """

    _inherit = "integration.channel"

    email_alias_id = fields.Many2one("mail.alias", string="Mail alias", readonly=True, copy=False)
    email_alias_name = fields.Char(
        string="Alias", help="The address's local part: orders sent to <alias>@<the company's alias domain>."
    )
    email_address = fields.Char(related="email_alias_id.display_name", string="Orders address")
    email_allowed_senders = fields.Text(
        string="Allowed senders",
        help="Addresses or domains (compras@buyer.com, @buyer.com), comma or newline separated. Mail from anyone "
        "else is kept in the inbox as failed and never read.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        channels = super().create(vals_list)
        channels.filtered("email_alias_name")._email_sync_alias()
        return channels

    def write(self, vals):
        result = super().write(vals)
        if "email_alias_name" in vals:
            self._email_sync_alias()
        return result

    def _email_sync_alias(self):
        model = self.env["ir.model"]._get_id("integration.channel")
        for channel in self:
            values = {
                "alias_name": channel.email_alias_name or False,
                "alias_model_id": model,
                "alias_defaults": repr({"integration_email_channel_id": channel.id}),
                "alias_contact": "everyone",  # the hub checks the senders itself, and keeps what it refuses
            }
            if channel.email_alias_id:
                channel.email_alias_id.sudo().write(values)
            elif channel.email_alias_name:
                alias = self.env["mail.alias"].sudo().create(values)
                super(IntegrationChannelEmail, channel).write({"email_alias_id": alias.id})

    # --- the gateway ---------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        custom_values = dict(custom_values or {})
        channel_id = custom_values.pop("integration_email_channel_id", None)
        if not channel_id:
            return super().message_new(msg_dict, custom_values)
        channel = self.sudo().browse(channel_id)
        channel._email_intake(msg_dict)
        return channel  # the message is logged on the channel's chatter

    def _email_intake(self, msg_dict):
        """Store the raw message as an inbox event, then read it (a failed event + exception + reply if unreadable)."""
        self.ensure_one()
        Event = self.env["integration.event"].sudo()
        raw = self.env.context.get(RAW_EMAIL) or (msg_dict.get("body") or "").encode()
        sender = email.utils.parseaddr(msg_dict.get("email_from") or "")[1]
        refused = False
        if not email_order.allowed(sender, self.email_allowed_senders):
            refused = _(
                "The sender %(sender)s is not an allowed sender of channel %(channel)s: the email was not read. If "
                "they may send orders, add the address or its domain to 'Allowed senders', then retry this event.",
                sender=sender,
                channel=self.name,
            )
        event_id, created, _failed = Event._intake(
            self,
            f"email:{msg_dict.get('message_id') or Event._storable_payload(raw)[0][:64]}",
            raw,
            event_type="email.received",
            source="email",
            headers={
                "from": sender,
                "subject": msg_dict.get("subject") or "",
                "message_id": msg_dict.get("message_id"),
            },
            error=refused or None,
        )
        event = Event.browse(event_id)
        if created and not refused:
            event._process()
            if event.state == "failed":
                self._email_reply_unreadable(msg_dict, sender, event)
        return event

    def _email_reply_unreadable(self, msg_dict, sender, event):
        """The automatic reply: what could not be read, and how to write an order the hub reads."""
        subject = msg_dict.get("subject") or ""
        text = _(
            'Hello,\n\nYour email "%(subject)s" could not be read as a purchase order, so no order was '
            "created:\n%(reason)s\n\nPlease send it again with a CSV attachment (columns order-id, sku, "
            "quantity, delivery-date, special-notes) or written like this:\n\nOrder: PO-4711\nDelivery date: "
            "15/12/2026\nNotes: dock 3, mornings only\nMUG-001 x 12\nTSHIRT-M x 6\n\n%(company)s",
            subject=subject,
            reason=event.error,
            company=self.company_id.name,
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "email_from": self.email_alias_id.display_name or self.company_id.email,
                    "email_to": sender,
                    "subject": _("Not read: %s", subject),
                    "body_html": plaintext2html(text),
                    "headers": json.dumps(
                        {"In-Reply-To": msg_dict.get("message_id") or "", "Auto-Submitted": "auto-replied"}
                    ),
                    "references": msg_dict.get("message_id") or False,
                    "auto_delete": False,
                }
            )
        )
        self._hub_note(
            _(
                "Email from %(sender)s not read (event %(event)s); the sender was told why.",
                sender=sender,
                event=event.id,
            )
        )
        return mail


class IntegrationEventEmail(models.Model):
    """An email stored raw (RFC 822) in the inbox: its purchase order becomes a channel order, or its
    attachments new versions of the buyer's routing guide / labeling spec (a subject that says so)."""

    _inherit = "integration.event"

    def _email_routing_guides(self, message):
        subject = str(message["subject"] or "")
        if not GUIDE_SUBJECT.search(subject):
            return None
        documents = [
            {
                "name": part.get_filename() or "document",
                "raw": part.get_payload(decode=True) or b"",
                "mimetype": part.get_content_type(),
            }
            for part in message.iter_attachments()
        ]
        if not documents:
            raise PayloadError(
                _("The email's subject names a routing guide or labeling spec, but it has no attachment.")
            )
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body else ""
        if body and body.get_content_type() == "text/html":
            text = html2plaintext(text)
        kind = "labeling_spec" if re.search(r"label|etiquet", subject, re.I) else "routing_guide"
        sender = email.utils.parseaddr(str(message["from"] or ""))[1]
        return self.env["integration.routing.guide"]._receive(self, kind, documents, text, sender)

    def _payload(self):
        if self.event_type != "email.received":
            return super()._payload()
        raw = base64.b64decode(self.payload) if self.payload_encoding == "base64" else (self.payload or "").encode()
        return {"raw": raw}

    def _handle_email_received(self, data):
        message = email.message_from_bytes(data["raw"], policy=email.policy.default)
        guides = self._email_routing_guides(message)
        if guides:
            return guides
        table, problems = None, []
        for part in message.iter_attachments():
            name = part.get_filename() or ""
            if not (name.lower().endswith(".csv") or part.get_content_type() in ("text/csv", "application/csv")):
                continue
            try:
                kind, table = file_formats.detect(part.get_payload(decode=True) or b"")
            except csv_reader.CsvFileError as error:
                problems.append(_("attachment %(name)s: %(error)s", name=name, error=error))
                continue
            if kind != "purchase_orders":
                problems.append(_("attachment %s is not a purchase order", name))
                table = None
                continue
            break
        if table is None:
            body = message.get_body(preferencelist=("plain", "html"))
            text = body.get_content() if body else ""
            if body and body.get_content_type() == "text/html":
                text = html2plaintext(text)
            try:
                table = csv_reader.Table(
                    header=list(file_formats.FORMATS["purchase_orders"]), rows=email_order.parse(text)
                )
            except email_order.EmailOrderError as error:
                problems.append(_("the text: %s", error))
                raise PayloadError(
                    _("The email could not be read as a purchase order: %s", "; ".join(problems))
                ) from None
        orders, rejected = self._file_purchase_orders(table, source="email")
        rejected = list(table.rejected) + rejected
        if not orders:
            reasons = "; ".join(f"line {line}: {reason}" for line, reason in rejected) or _("no order")
            raise PayloadError(_("No order could be taken from the email: %s", reasons))
        for order in orders:
            order._hub_note(_("Order received by email: %s", json.loads(self.headers or "{}").get("subject") or ""))
        if rejected:
            self._file_rows_exception(
                _("email %s", self.idempotency_key), "purchase_orders", rejected, orders, beside=False
            )
        return orders[:1]

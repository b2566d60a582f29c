"""A GDPR request received by e-mail: the sender's own data is erased (README "Personal data", issue 22).

The privacy alias (*Settings > Integration Hub > Privacy requests address*) routes each e-mail, through
Odoo's mail gateway, to one request. The identifier is the sender's own address (the mailbox that wrote is
the customer's); a phone or a platform buyer id written in the e-mail is used too, but only when it is
verified: it belongs to one of that address's orders. A From header can be forged, so nothing is erased on
the e-mail alone: the request is *To confirm* and the automatic reply, sent to that address, carries a
one-time link (``/integration_hub/privacy/confirm/<token>``, ``secrets.token_urlsafe``, stored as its
SHA-256 only, valid ``CONFIRM_DAYS`` days). Opening the link (GET) only shows a page with a button: mail
scanners open links on their own. The button (POST, the token in the form) carries the request out; an
unconfirmed request expires and its identifiers are emptied by the daily run. The erasure is the manager's
(``integration.personal.data._erase_customer_data``) with a reason naming the request, audited; an open
order makes it wait (the *Personal data erasure waiting* exception) and a daily run carries it out once the
orders are closed. The sender gets an automatic reply either way. The e-mail's text is not kept: the
request's chatter says a request was received, the identifiers stay encrypted until the request is done.
"""

import hashlib
import json
import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize, html2plaintext, plaintext2html

from .integration_personal_data_lifecycle import mentions, same_phone
from .personal_data_fields import PersonalChar

# "Phone: +34 612 345 678", "Teléfono = 612345678", "Buyer id: amzn1.account.X", "ID de comprador: 42"
PHONE_LINE = re.compile(
    r"^\s*(?:phone|mobile|tel[eé]fono|m[oó]vil)\s*[:=]\s*(?P<value>\+?[\d\s().-]{6,})\s*$", re.I | re.M
)
# how long the confirmation link of a request by e-mail stays valid
CONFIRM_DAYS = 7
CONFIRM_ROUTE = "/integration_hub/privacy/confirm"

BUYER_LINE = re.compile(
    r"^\s*(?:buyer\s*id|customer\s*id|user\s*id|id\s+de\s+(?:comprador|cliente|usuario))\s*[:=]\s*(?P<value>\S+)\s*$",
    re.I | re.M,
)


class IntegrationPrivacyRequest(models.Model):
    _name = "integration.privacy.request"
    _description = "Privacy request by e-mail"
    _inherit = ["mail.thread", "integration.personal.data"]
    _order = "received_at desc, id desc"

    name = fields.Char(readonly=True, required=True)
    received_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    state = fields.Selection(
        [
            ("to_confirm", "To confirm"),
            ("expired", "Not confirmed (expired)"),
            ("waiting", "Waiting for open orders"),
            ("done", "Erased"),
            ("nothing", "No data held"),
        ],
        readonly=True,
        tracking=True,
    )
    # the confirmation link's token: only its SHA-256 is stored (the token itself is in the reply only)
    confirm_token_hash = fields.Char(readonly=True, copy=False, index=True, groups="base.group_system")
    confirm_expires_at = fields.Datetime(string="Confirm before", readonly=True, copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    # kept encrypted while the request waits, emptied once it is carried out
    requester_email = PersonalChar(string="Sender", readonly=True)
    requester_phone = PersonalChar(string="Phone (verified)", readonly=True)
    requester_buyer_id = PersonalChar(string="Buyer id (verified)", readonly=True)
    orders_erased = fields.Integer(readonly=True)
    returns_erased = fields.Integer(readonly=True)
    messages_erased = fields.Integer(string="Raw messages erased", readonly=True)
    result = fields.Text(readonly=True)

    _personal_data_fields = frozenset({"requester_email", "requester_phone", "requester_buyer_id"})

    # --- the gateway ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        sender = email_normalize(msg_dict.get("email_from") or "")
        if not sender:
            raise UserError(_("A privacy request by e-mail needs the sender's address: nothing recorded."))
        text = html2plaintext(msg_dict.get("body") or "")
        phone = PHONE_LINE.search(text)
        buyer = BUYER_LINE.search(text)
        request = self.sudo().create(
            {
                "name": _("Privacy request %s", self._reference(msg_dict.get("message_id") or sender)),
                "requester_email": sender,
                "state": "to_confirm",
            }
        )
        phone, buyer_id = phone and phone["value"].strip(), buyer and buyer["value"]
        if phone or buyer_id:
            phone, buyer_id = request._verified(phone, buyer_id)
            request.write({"requester_phone": phone or False, "requester_buyer_id": buyer_id or False})
        request._ask_confirmation(msg_dict.get("message_id"))
        return request

    # --- confirmation by the mailbox's owner --------------------------------------------------
    def _ask_confirmation(self, in_reply_to=None):
        """A new one-time link (its SHA-256 stored, valid CONFIRM_DAYS days) e-mailed to the sender; the link."""
        self.ensure_one()
        token = secrets.token_urlsafe(32)
        self.sudo().write(
            {
                "confirm_token_hash": self._token_hash(token),
                "confirm_expires_at": fields.Datetime.now() + timedelta(days=CONFIRM_DAYS),
            }
        )
        link = f"{self.get_base_url()}{CONFIRM_ROUTE}/{token}"
        text = _(
            "Hello,\n\nwe received a request to erase the personal data linked to this e-mail address "
            "(%(request)s). E-mail senders can be forged, so nothing is erased until you confirm it was you: "
            "open this link within %(days)s days and press the button on the page.\n\n%(link)s\n\nIf you did "
            "not ask for this, ignore this e-mail: nothing will be erased.\n\n%(company)s",
            request=self.name,
            days=CONFIRM_DAYS,
            link=link,
            company=self.company_id.name,
        )
        self._reply(self.requester_email, text, in_reply_to)
        return link

    @staticmethod
    def _token_hash(token):
        return hashlib.sha256((token or "").encode()).hexdigest()

    @api.model
    def _from_token(self, token):
        """(request, why) for a confirmation link's token; why is None when it may be confirmed now, else
        "unknown" (no such link), "used" (already confirmed) or "expired". Read only."""
        request = self.sudo().search([("confirm_token_hash", "=", self._token_hash(token))], limit=1) if token else None
        if not request:
            return self.browse(), "unknown"
        if request.confirmed_at:
            return request, "used"
        if request.state == "expired" or (
            request.state == "to_confirm" and request.confirm_expires_at < fields.Datetime.now()
        ):
            return request, "expired"
        if request.state != "to_confirm":
            return request, "used"
        return request, None

    @api.model
    def _confirm_token(self, token):
        """Carry out the request of a confirmation link (the page's button): (request, why) as ``_from_token``;
        the row is locked so that two clicks carry it out once."""
        request, why = self._from_token(token)
        if why:
            return request, why
        self.env.cr.execute("SELECT id FROM integration_privacy_request WHERE id = %s FOR UPDATE", [request.id])
        request.invalidate_recordset()
        request, why = self._from_token(token)
        if why:
            return request, why
        request.write({"confirmed_at": fields.Datetime.now()})
        request.message_post(
            body=_("Confirmed by the sender through the link e-mailed to them."),
            author_id=self.env.ref("base.partner_root").id,
        )
        request._carry_out(reply=True)
        return request, None

    def message_post(self, **kwargs):
        """The e-mail itself is not kept on the request (it names the customer): a neutral note instead."""
        if kwargs.get("message_type") == "email":
            kwargs.update(
                body=_("Privacy request received by e-mail (its text and attachments are not kept)."),
                subject=False,
                attachments=[],
                attachment_ids=[],
                email_from=False,
                author_id=self.env.ref("base.partner_root").id,
                partner_ids=[],
            )
        return super().message_post(**kwargs)

    @staticmethod
    def _reference(value):
        return hashlib.sha256((value or "").encode()).hexdigest()[:10].upper()

    # --- carrying it out --------------------------------------------------------------------
    def _verified(self, phone, buyer_id):
        """(phone, buyer_id) kept only when they belong to one of the sender's own orders; else None."""
        PersonalData = self.env["integration.personal.data"].sudo()
        orders, _events = PersonalData._customer_records(self.requester_email, None, None)
        rows = orders.read(["customer_phone", "ship_phone", "phone_e164"], load=None)
        if phone and not any(same_phone(phone, row[key]) for row in rows for key in row if key != "id"):
            phone = None
        if buyer_id:
            events = (
                self.env["integration.event"]
                .sudo()
                .search([("res_model", "=", "integration.channel.order"), ("res_id", "in", orders.ids)])
            )
            found = False
            for event in events._personal_data_records():
                try:
                    found = mentions(event._payload(), buyer_id)
                except Exception:  # noqa: BLE001 - an unreadable body verifies nothing
                    found = False
                if found:
                    break
            buyer_id = buyer_id if found else None
        return phone, buyer_id

    def _carry_out(self, reply=False):
        """Erase the sender's data now (a confirmed request), or leave it waiting for their open orders.

        The sender gets a reply when it is erased, and when it starts waiting if ``reply``."""
        self.ensure_one()
        result = (
            self.env["integration.personal.data"]
            .sudo()
            ._erase_customer_data(
                _("%(request)s received on %(date)s", request=self.name, date=self.received_at),
                email=self.requester_email,
                phone=self.requester_phone or None,
                buyer_id=self.requester_buyer_id or None,
                source=_("GDPR request by e-mail"),
            )
        )
        sender = self.requester_email
        if result["erased"]:
            found = result["orders"] or result["returns"] or result["messages"]
            self.write(
                {
                    "state": "done" if found else "nothing",
                    "orders_erased": result["orders"],
                    "returns_erased": result["returns"],
                    "messages_erased": result["messages"],
                    "result": _(
                        "%(orders)s orders, %(returns)s returns and %(messages)s raw messages anonymised%(more)s.",
                        orders=result["orders"],
                        returns=result["returns"],
                        messages=result["messages"],
                        more=_(" (phone or buyer id used: verified on the sender's orders)")
                        if self.requester_phone or self.requester_buyer_id
                        else "",
                    ),
                    # carried out: the identifiers go too
                    "requester_email": False,
                    "requester_phone": False,
                    "requester_buyer_id": False,
                }
            )
            text = (
                _(
                    "Hello,\n\nyour request to erase your personal data (%(request)s) has been carried out: the "
                    "delivery names, addresses, phones and e-mail of your orders are erased from our systems. The "
                    "order numbers, products and dates stay, without your data, for our accounts.\n\n%(company)s",
                    request=self.name,
                    company=self.company_id.name,
                )
                if found
                else _(
                    "Hello,\n\nwe received your request to erase your personal data (%(request)s). We hold no "
                    "order or message linked to this e-mail address.\n\n%(company)s",
                    request=self.name,
                    company=self.company_id.name,
                )
            )
        else:
            self.write(
                {
                    "state": "waiting",
                    "result": _(
                        "Waiting: orders %s are still open (the warehouse needs the delivery address). Carried out "
                        "by the daily run once they are delivered or cancelled.",
                        ", ".join(result["blocked_by"].mapped("name")),
                    ),
                }
            )
            text = _(
                "Hello,\n\nwe received your request to erase your personal data (%(request)s). %(count)s of your "
                "orders are still on their way: we need the delivery address until they are delivered. Your data "
                "will be erased then, and we will write to you again.\n\n%(company)s",
                request=self.name,
                count=len(result["blocked_by"]),
                company=self.company_id.name,
            )
        if reply or self.state != "waiting":
            self._reply(sender, text)
        return result

    def _reply(self, to, text, in_reply_to=None):
        alias = self.env.ref("integration_hub.mail_alias_privacy_request", raise_if_not_found=False)
        headers = {"Auto-Submitted": "auto-replied"}
        if in_reply_to:
            headers["In-Reply-To"] = in_reply_to
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "email_from": (alias and alias.display_name) or self.company_id.email,
                    "email_to": to,
                    "subject": _("Your personal data: %s", self.name),
                    "body_html": plaintext2html(text),
                    "headers": json.dumps(headers),
                    "references": in_reply_to or False,
                    "auto_delete": True,  # the reply names the customer's address: not kept once sent
                }
            )
        )

    def action_carry_out(self):
        """Run a waiting request again (warehouse managers), e.g. once its orders are delivered."""
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can carry out privacy requests."))
        self.check_access("write")  # the request's company must be one of the manager's
        for request in self.sudo().filtered(lambda r: r.state == "waiting"):
            request._carry_out()
        return True

    @api.model
    def _cron_carry_out_waiting(self):
        """Daily: requests waiting for open orders are carried out once those orders are closed; requests
        never confirmed within CONFIRM_DAYS days expire, their identifiers emptied."""
        for request in self.sudo().search([("state", "=", "waiting")]):
            request._carry_out()
        self.sudo().search([("state", "=", "to_confirm"), ("confirm_expires_at", "<", fields.Datetime.now())]).write(
            {
                "state": "expired",
                "result": _("Not confirmed by the sender within %s days: nothing erased.", CONFIRM_DAYS),
                "requester_email": False,
                "requester_phone": False,
                "requester_buyer_id": False,
            }
        )


class ResConfigSettingsPrivacy(models.TransientModel):
    _inherit = "res.config.settings"

    integration_privacy_alias_name = fields.Char(
        string="Privacy requests address",
        compute="_compute_integration_privacy_alias_name",
        inverse="_inverse_integration_privacy_alias_name",
        help="Local part of the address customers write to for a GDPR erasure request (the company's alias "
        "domain): each e-mail erases the sender's own personal data. Empty: no such address.",
    )

    def _compute_integration_privacy_alias_name(self):
        alias = self.env.ref("integration_hub.mail_alias_privacy_request", raise_if_not_found=False)
        for settings in self:
            settings.integration_privacy_alias_name = alias.sudo().alias_name if alias else False

    def _inverse_integration_privacy_alias_name(self):
        alias = self.env.ref("integration_hub.mail_alias_privacy_request", raise_if_not_found=False)
        for settings in self:
            if alias and (alias.sudo().alias_name or False) != (settings.integration_privacy_alias_name or False):
                alias.sudo().alias_name = settings.integration_privacy_alias_name or False

"""GDPR requests by e-mail through Odoo's mail gateway, confirmed through the e-mailed link over real HTTP,
and old order contacts linked (README "Personal data")."""

import hashlib
import logging
import re
import uuid
from datetime import datetime
from email.message import EmailMessage

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..controllers.privacy_confirm import _MaskConfirmTokens
from .order_common import OrderCase

CONFIRM = "/integration_hub/privacy/confirm"
LINK = re.compile(re.escape(CONFIRM) + r"/([A-Za-z0-9_-]+)")


@tagged("post_install", "-at_install")
class TestPrivacyRequests(OrderCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.env["mail.alias.domain"].create({"name": "warehouse.example.com"})
        cls.company.alias_domain_id = domain
        cls.env.ref("integration_hub.mail_alias_privacy_request").write(
            {"alias_domain_id": domain.id, "alias_name": "privacy"}  # Settings: no address until one is set
        )

    def setUp(self):
        super().setUp()
        # an address of this test only: other classes may leave committed orders of the default customer
        self.address = f"ines.{uuid.uuid4().hex[:8]}@example.net"
        self.phone = "+34 6" + "".join(str(uuid.uuid4().int)[:8])  # nobody else's, whatever the database holds

    def order_of(self, external_id, email=None, phone=None):
        phone = phone or self.phone
        customer = {"name": "Inés Aranda", "email": email or self.address, "phone": phone}
        _event, order = self.ingest(
            self.order_data(external_id, customer=customer, shipping_address={"name": "Inés Aranda", "phone": phone})
        )
        self.assertTrue(order.sale_order_id, order.validation_problems)
        return order

    def close(self, order, state="delivered"):
        order.with_user(self.user_manager)._transition(state, "closed for the test", forced=True)

    def request_email(self, text, sender=None):
        message = EmailMessage()
        message["From"] = f"Inés Aranda <{sender or self.address}>"
        message["To"] = "privacy@warehouse.example.com"
        message["Subject"] = "Derecho de supresión — RGPD art. 17"
        message["Message-ID"] = f"<{uuid.uuid4().hex}@example.net>"
        message["Date"] = "Tue, 01 Dec 2026 09:00:00 +0100"
        message.set_content(text)
        return message.as_bytes()

    def deliver(self, raw):
        self.env["mail.thread"].message_process(None, raw)
        return self.env["integration.privacy.request"].search([], limit=1)

    def replies(self):
        return self.env["mail.mail"].search([("email_to", "=", self.address)], order="id")

    def token_of(self, reply):
        """The one-time token of the link in the automatic reply."""
        return LINK.search(reply.body_html).group(1)

    def open_link(self, token):
        """GET the link, as the customer's mail client (or a mail scanner) does."""
        return self.url_open(f"{CONFIRM}/{token}", allow_redirects=False)

    def press_confirm(self, token):
        """POST the page's form, as the customer's browser does when the button is pressed."""
        return self.url_open(CONFIRM, data={"token": token}, allow_redirects=False)

    def confirm(self, request):
        """The customer opens the link and presses the button; the request as it is then."""
        token = self.token_of(self.replies()[0])
        page = self.open_link(token)
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="privacy_confirm"', page.text)
        self.assertEqual(request.state, "to_confirm", "opening the link changes nothing")
        done = self.press_confirm(token)
        self.assertEqual(done.status_code, 200, done.text)
        self.assertIn('id="privacy_done"', done.text)
        request.invalidate_recordset()
        return token

    def test_a_forged_sender_erases_nothing_without_the_link(self):
        order = self.order_of("GDPR-F")
        self.close(order)
        # anyone can write "From: <the customer>": the request waits for the mailbox's owner
        request = self.deliver(self.request_email("Delete my data"))
        self.assertEqual(request.state, "to_confirm")
        self.assertFalse(order.personal_data_erased_at)
        (reply,) = self.replies()
        self.assertEqual(reply.email_to, self.address, "the link goes to the real mailbox, not to the forger")
        self.assertIn("nothing is erased until you confirm", reply.body_html)
        token = self.token_of(reply)
        self.assertGreaterEqual(len(token), 40, "secrets.token_urlsafe(32)")
        stored = request.sudo().confirm_token_hash
        self.assertEqual(stored, hashlib.sha256(token.encode()).hexdigest(), "only its SHA-256 is stored")
        self.assertNotIn(token, str(request.sudo().read()[0]), "the token itself is stored nowhere on the request")
        self.assertNotIn(token, str(request.message_ids.mapped("body")))
        # mail scanners and previews open links: GET never erases
        for _n in range(2):
            page = self.open_link(token)
            self.assertEqual(page.status_code, 200)
            self.assertIn('id="privacy_confirm"', page.text)
            self.assertNotIn(self.address, page.text, "the page names no personal data")
        # the forger guesses or tampers with the token: refused, nothing erased
        for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", ""):
            refused = self.press_confirm(wrong)
            self.assertEqual(refused.status_code, 404)
            self.assertIn("This link is not valid", refused.text)
        self.assertEqual(self.open_link("not-a-token").status_code, 404)
        # the access log never shows the token (its holder could confirm)
        line = logging.LogRecord(
            "werkzeug",
            logging.INFO,
            "",
            0,
            '%s - - [x] "%s" %s',
            ("127.0.0.1", f"GET {CONFIRM}/{token} HTTP/1.1", "200"),
            None,
        )
        _MaskConfirmTokens().filter(line)
        self.assertNotIn(token, line.getMessage())
        self.assertIn(f"GET {CONFIRM}/…", line.getMessage())
        self.env["integration.privacy.request"]._cron_carry_out_waiting()  # the daily run does not confirm
        order.invalidate_recordset()
        self.assertEqual(request.state, "to_confirm")
        self.assertFalse(order.personal_data_erased_at)
        self.assertTrue(order.customer_email)

    def test_an_email_request_confirmed_once_waits_for_an_open_order_then_erases_and_replies(self):
        delivered, still_open = self.order_of("GDPR-1"), self.order_of("GDPR-2")
        # the same person under their work address: found by the phone, verified on the sender's own orders
        work = self.order_of("GDPR-5", email=f"aranda.{uuid.uuid4().hex[:6]}@work.example.com")
        self.close(delivered)
        self.close(work)
        request = self.deliver(
            self.request_email(f"Hola,\nquiero que borren mis datos.\nTeléfono: {self.phone[4:]}\nInés Aranda\n")
        )
        self.assertEqual(request.state, "to_confirm")
        self.assertNotIn("borren", str(request.message_ids.mapped("body")), "the e-mail's text is not kept")
        token = self.confirm(request)
        self.assertEqual(request.state, "waiting")
        self.assertTrue(request.confirmed_at)
        self.assertFalse(delivered.personal_data_erased_at, "an open order: nothing erased yet")
        self.assertEqual(
            self.open_exceptions(still_open, "personal_data_erasure").exception_type, "personal_data_erasure"
        )
        _link, reply = self.replies()
        self.assertIn("still on their way", reply.body_html)
        self.assertIn(request.name, reply.subject)
        # the link works once: a second click, or the link opened again, is refused with a clear page
        again = self.press_confirm(token)
        self.assertEqual(again.status_code, 410)
        self.assertIn("already used", again.text)
        self.assertEqual(self.open_link(token).status_code, 410)
        self.assertEqual(len(self.replies()), 2, "no second reply")

        self.close(still_open)
        with self.assertRaises(AccessError):
            request.with_user(self.user_operations).action_carry_out()
        self.env["integration.privacy.request"]._cron_carry_out_waiting()
        self.assertEqual((request.state, request.orders_erased), ("done", 3))
        self.assertIn("verified on the sender's orders", request.result)
        for order in delivered | still_open | work:
            self.assertTrue(order.personal_data_erased_at)
            self.assertFalse(order.customer_email or order.ship_street or order.ship_phone)
            self.assertEqual(order.sale_order_id.partner_shipping_id.name, "Anonymised customer")
        self.assertFalse(request.requester_email or request.requester_phone, "the identifiers go once done")
        entry = self.env["integration.audit.log"].search([("action", "=", "pii_erasure")], limit=1)
        self.assertIn(f"GDPR request by e-mail: {request.name}", entry.reason)
        self.assertNotIn(self.address, entry.reason + (entry.after or ""))
        self.assertIn("has been carried out", self.replies()[-1].body_html)
        self.assertEqual(self.press_confirm(token).status_code, 410, "still refused once carried out")

    def test_an_expired_link_is_refused_and_the_request_lapses(self):
        order = self.order_of("GDPR-X")
        self.close(order)
        with freeze_time("2020-03-02 09:00:00"):  # any day long past: the link's week is over whenever this runs
            request = self.deliver(self.request_email("Delete my data"))
        self.assertEqual(request.confirm_expires_at, datetime(2020, 3, 9, 9, 0), "valid 7 days")
        token = self.token_of(self.replies())
        page = self.open_link(token)
        self.assertEqual(page.status_code, 410)
        self.assertIn("This link has expired", page.text)
        self.assertNotIn('id="privacy_confirm"', page.text, "no button on an expired link")
        refused = self.press_confirm(token)
        self.assertEqual(refused.status_code, 410)
        self.assertIn("This link has expired", refused.text)
        self.assertFalse(order.personal_data_erased_at)
        self.env["integration.privacy.request"]._cron_carry_out_waiting()
        self.assertEqual(request.state, "expired")
        self.assertFalse(request.requester_email, "an unconfirmed request keeps no identifier")
        self.assertEqual(self.press_confirm(token).status_code, 410)
        self.assertFalse(order.personal_data_erased_at)

    def test_a_phone_or_buyer_id_is_used_only_when_it_is_the_senders(self):
        mine = self.order_of("GDPR-3", phone="+34 699 111 222")
        someone_else = self.order_of(
            "GDPR-4", email=f"other.{uuid.uuid4().hex[:6]}@example.net", phone="+34 677 000 111"
        )
        self.close(mine)
        self.close(someone_else)
        request = self.deliver(self.request_email(f"Phone: +34 677 000 111\nBuyer id: {someone_else.external_id}\n"))
        self.confirm(request)
        self.assertEqual((request.state, request.orders_erased), ("done", 1))
        self.assertTrue(mine.personal_data_erased_at)
        self.assertFalse(someone_else.personal_data_erased_at, "a phone that is not on the sender's orders is ignored")
        self.assertNotIn("verified", request.result)

    def test_a_sender_with_no_data_is_told_so(self):
        request = self.deliver(self.request_email("Delete my data please"))
        self.confirm(request)
        self.assertEqual((request.state, request.orders_erased), ("nothing", 0))
        self.assertIn("We hold no order", self.replies()[-1].body_html)

    def test_the_address_is_set_in_settings(self):
        settings = self.env["res.config.settings"].with_user(self.env.ref("base.user_admin")).create({})
        self.assertEqual(settings.integration_privacy_alias_name, "privacy")
        settings.integration_privacy_alias_name = "gdpr"
        settings.execute()
        alias = self.env.ref("integration_hub.mail_alias_privacy_request")
        self.assertEqual(alias.alias_full_name, "gdpr@warehouse.example.com")


@tagged("post_install", "-at_install")
class TestOldOrderContacts(OrderCase):
    def test_contacts_of_older_versions_are_linked_or_listed(self):
        _event, first = self.ingest(self.order_data("OLD-1"))
        _event, second = self.ingest(self.order_data("OLD-2"))
        _event, third = self.ingest(self.order_data("OLD-3"))
        contacts = (first | second | third)._order_contacts()
        contacts.write({"integration_order_id": False})  # as an older version left them
        # an older version reused one customer for two orders: it belongs to neither
        shared = second.sale_order_id.partner_id
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET partner_id = %s, partner_invoice_id = %s WHERE id = %s",
            [shared.id, shared.id, third.sale_order_id.id],
        )
        self.env.invalidate_all()
        result = self.env["res.partner"]._integration_link_old_order_contacts()
        self.assertEqual(
            first._order_contacts(), first.sale_order_id.partner_id | first.sale_order_id.partner_shipping_id
        )
        self.assertEqual(second._order_contacts(), second.sale_order_id.partner_shipping_id)
        self.assertEqual(third._order_contacts(), third.sale_order_id.partner_shipping_id)
        self.assertEqual(result["ambiguous"], shared.ids)
        exception = self.env["integration.sync.exception"].search(
            [("name", "=", "1 contacts are shared by several channel orders")]
        )
        self.assertIn(str(shared.id), exception.description)
        self.assertNotIn(shared.name, exception.description, "ids, never names")
        self.assertEqual(self.env["res.partner"]._integration_link_old_order_contacts()["linked"], 0, "idempotent")

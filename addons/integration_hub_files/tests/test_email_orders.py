"""Orders by email through Odoo's mail gateway, with real RFC 822 messages; replies captured by a real SMTP server."""

import os
import shutil
import subprocess
import tempfile
from email.headerregistry import Address
from email.message import EmailMessage
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import config

from .files_common import FilesCase
from .smtp_server import SmtpServer

BUYER = Address("Compras Tiendas Norte", "compras", "tiendas-norte.example.com")
TEXT_ORDER = """Buenos días,

please find our order:

Pedido: PO-7001
Fecha de entrega: 18/12/2026
Notas: Entregar en muelle 3 — sólo mañanas
MUG-001 x 4
TSHIRT-M x 2

Un saludo,
Lucía Núñez
"""


@tagged("post_install", "-at_install")
class TestEmailOrders(FilesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.env["mail.alias.domain"].create({"name": "hub.example.com"})
        cls.company.alias_domain_id = domain
        cls.mailbox = cls.make_channel(
            "Tiendas Norte (email)",
            "TN-MAIL",
            platform="email",
            email_alias_name="orders-tn",
            email_allowed_senders="@tiendas-norte.example.com",
            file_buyer_id=cls.buyer.id,
            valid_to_pick_trigger="stock_checked",
        )
        cls.list_products(cls.mailbox, cls.mug | cls.tshirt_s | cls.tshirt_m)
        cls.smtp = SmtpServer()
        cls.smtp.__enter__()
        cls.addClassCleanup(cls.smtp.__exit__, None, None, None)
        cls.env["ir.mail_server"].create(
            {"name": "test SMTP", "smtp_host": "127.0.0.1", "smtp_port": cls.smtp.port, "smtp_encryption": "none"}
        )

    def setUp(self):
        super().setUp()
        self.smtp.messages.clear()

    def message(self, subject, text=None, html=None, sender=BUYER, attachments=(), message_id=None):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "orders-tn@hub.example.com"
        message["Subject"] = subject
        message["Message-ID"] = message_id or f"<{abs(hash((subject, text, html)))}@tiendas-norte.example.com>"
        message["Date"] = "Tue, 01 Dec 2026 09:00:00 +0100"
        if text is not None:
            message.set_content(text)
        if html is not None:
            if text is None:
                message.set_content(html, subtype="html")
            else:
                message.add_alternative(html, subtype="html")
        for name, data in attachments:
            message.add_attachment(data.encode(), maintype="text", subtype="csv", filename=name)
        return message

    def deliver(self, message):
        """What the mail gateway does for an incoming message (fetchmail or the mail forwarding)."""
        return self.env["mail.thread"].message_process(None, message.as_bytes())

    def mail_events(self):
        return self.env["integration.event"].search(
            [("channel_id", "=", self.mailbox.id), ("event_type", "=", "email.received")]
        )

    def mailbox_orders(self):
        return self.env["integration.channel.order"].search([("channel_id", "=", self.mailbox.id)])

    def send_queue(self):
        # Odoo skips SMTP while a test runs (odoo.modules.module.current_test): let it talk to our server
        with patch("odoo.modules.module.current_test", None):
            self.env["mail.mail"].process_email_queue()

    def test_alias_per_email_channel(self):
        self.assertEqual(self.mailbox.email_alias_id.alias_full_name, "orders-tn@hub.example.com")
        self.assertEqual(self.mailbox.email_alias_id.alias_model_id.model, "integration.channel")

    def test_structured_text_with_non_ascii_subject(self):
        subject = "Pedido PO-7001 — entrega urgente ñandú"
        self.deliver(self.message(subject, text=TEXT_ORDER))
        event = self.mail_events()
        self.assertEqual((event.source, event.state), ("email", "done"))
        self.assertIn("Subject: Pedido PO-7001 =?utf-8?b?", event.payload, "the raw RFC 822 message is the event")
        self.assertTrue(event.payload.startswith("From: Compras Tiendas Norte <compras@tiendas-norte.example.com>"))
        order = self.mailbox_orders()
        self.assertEqual(order.external_id, "PO-7001")
        self.assertEqual((order.order_source, str(order.requested_date)), ("email", "2026-12-18"))
        self.assertEqual(order.special_handling, "Entregar en muelle 3 — sólo mañanas")
        self.assertEqual(
            sorted((line.sku, line.quantity) for line in order.line_ids), [("MUG-001", 4), ("TSHIRT-M", 2)]
        )
        self.assertEqual(order.source_event_id, event)
        self.assertIn(subject, self.mailbox.message_ids.mapped("subject"), "the email is logged on the channel")

    def test_csv_attachment_in_purchase_order_format(self):
        csv = (
            "order-id,sku,quantity,delivery-date,special-notes\r\n"
            "PO-7002,TSHIRT-S,3,2026-12-19,\r\nPO-7003,MUG-001,1,2026-12-19,\r\n"
        )
        self.deliver(self.message("Pedidos semana 49", text="Adjunto pedidos.", attachments=[("pedidos_ñ.csv", csv)]))
        self.assertEqual(sorted(self.mailbox_orders().mapped("external_id")), ["PO-7002", "PO-7003"])

    def test_html_only_body(self):
        html = (
            "<html><body><p>Order: PO-7004</p><p>Delivery date: 2026-12-20</p>"
            "<ul><li>MUG-001 x 5</li></ul></body></html>"
        )
        self.deliver(self.message("PO-7004", html=html))
        order = self.mailbox_orders()
        self.assertEqual((order.external_id, order.line_ids.quantity), ("PO-7004", 5))

    def test_unreadable_email_fails_with_an_automatic_reply(self):
        self.deliver(self.message("Hola", text="Can you send us the usual?"))
        event = self.mail_events()
        self.assertEqual(event.state, "failed")
        self.assertIn("no order lines", event.error)
        self.assertTrue(self.env["integration.sync.exception"].search([("event_id", "=", event.id)]))
        self.assertFalse(self.mailbox_orders())
        self.send_queue()
        replies = [m for _from, to, m in self.smtp.messages if to == ["compras@tiendas-norte.example.com"]]
        self.assertEqual(len(replies), 1, "the sender is told, through the real SMTP server")
        self.assertEqual(replies[0]["Subject"], "Not read: Hola")
        self.assertIn("no order lines", replies[0].get_body(("html", "plain")).get_content())

    def test_an_unreadable_email_typed_in_by_hand_is_linked_to_it(self):
        """The manual fallback: a warehouse manager enters the order from the email in the inbox; it points to it."""
        self.deliver(self.message("Pedido urgente", text="PO-7010: 3 tazas MUG-001 para el 20/12, gracias"))
        event = self.mail_events()
        self.assertEqual(event.state, "failed")
        action = event.with_user(self.user_manager).action_enter_order_by_hand()
        self.assertEqual(action["res_model"], "integration.order.manual.entry")
        wizard = Form(self.env[action["res_model"]].with_user(self.user_manager).with_context(**action["context"]))
        self.assertEqual(wizard.channel_id, self.mailbox)
        self.assertEqual(wizard.source_note, "email from compras@tiendas-norte.example.com: Pedido urgente")
        wizard.external_id = "PO-7010"
        for field, value in (("customer_name", "Tiendas Norte S.L."), ("phone", "+34 910 000 000")):
            setattr(wizard, field, value)
        wizard.street, wizard.zip, wizard.city = "Calle Mayor 12", "28013", "Madrid"
        with wizard.line_ids.new() as line:
            line.product_id, line.quantity = self.mug, 3
        result = wizard.save().action_confirm()
        order = self.mailbox_orders()
        self.assertEqual(result["res_id"], order.id)
        self.assertEqual((order.source_event_id, order.order_source, order.manual_entry), (event, "email", True))
        self.assertIn(f"inbox message {event.id}", order.message_ids.mapped("body")[0])
        self.assertTrue(self.open_exceptions(order, "manual_entry"), "reviewed once the system is back")

    def test_sender_not_allowed(self):
        stranger = Address("Someone", "someone", "example.org")
        self.deliver(self.message("Order", text=TEXT_ORDER, sender=stranger))
        event = self.mail_events()
        self.assertEqual(event.state, "failed")
        self.assertIn("not an allowed sender", event.error)
        self.assertFalse(self.mailbox_orders(), "never read")
        self.send_queue()
        self.assertFalse(self.smtp.messages, "no reply to a stranger")

    def shipment_job(self, order):
        payload = {
            "order_id": order.id,
            "order_external_id": order.external_id,
            "shipment_key": f"{order.external_id}:1",
            "lines": [{"line_id": line.external_line_id, "quantity": line.quantity} for line in order.line_ids],
            "tracking": {"number": "JJD000390007", "company": "DHL", "url": False},
            "shipped_at": "2026-12-17 10:00:00",
            "order_complete": True,
        }
        return self.env["integration.job"]._enqueue(self.mailbox, "fulfillment", f"fulfillment:{order.id}", payload)

    def test_shipment_confirmation_email_with_packing_list(self):
        self.deliver(self.message("Pedido PO-7001", text=TEXT_ORDER))
        order = self.mailbox_orders()
        job = self.shipment_job(order)
        self.assertTrue(job, "an email channel with a buyer's address takes shipment confirmations")
        with patch("odoo.modules.module.current_test", None):
            self.env["integration.job"]._cron_run_outbox()
        self.assertEqual(job.state, "done", job.last_error)
        (sent,) = [m for _from, to, m in self.smtp.messages if to == ["compras@tiendas-norte.example.com"]]
        self.assertEqual(sent["Subject"], "Shipped: order PO-7001 (tracking JJD000390007)")
        body = sent.get_body(("html", "plain")).get_content()
        for expected in ("Carrier: DHL", "Tracking: JJD000390007", "Expected delivery: 2026-12-18"):
            self.assertIn(expected, body)
        (packing,) = list(sent.iter_attachments())
        self.assertEqual(packing.get_filename(), "packing_list_PO-7001.html", "PDF with wkhtmltopdf; HTML in tests")
        html = packing.get_payload(decode=True).decode()
        self.assertIn("MUG-001", html)
        self.assertIn("JJD000390007", html)
        self.assertIn("Shipment confirmation sent to the buyer", order.message_ids.mapped("body")[0])

    def pdf_text(self, pdf):
        """The PDF's text, as poppler's pdftotext reads it (README: wkhtmltopdf and poppler-utils on the server)."""
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            done = subprocess.run(  # noqa: S603 - fixed program, a file of this test
                [shutil.which("pdftotext"), "-layout", handle.name, "-"], capture_output=True, check=True, timeout=60
            )
        return done.stdout.decode()

    def bounce_of(self, sent):
        """A real delivery status notification (RFC 3464) for ``sent``, as a receiving server writes it."""
        return (
            "From: Mail Delivery System <MAILER-DAEMON@mx.tiendas-norte.example.com>\r\n"
            "To: orders-tn@hub.example.com\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "Message-ID: <dsn-1@mx.tiendas-norte.example.com>\r\n"
            "Date: Thu, 17 Dec 2026 10:05:00 +0100\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"\r\n\r\n'
            "--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "<compras@tiendas-norte.example.com>: host mx.tiendas-norte.example.com said: 550 5.1.1 "
            "User unknown\r\n\r\n"
            "--BOUNDARY\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.tiendas-norte.example.com\r\n\r\n"
            "Final-Recipient: rfc822; compras@tiendas-norte.example.com\r\n"
            "Action: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
            "--BOUNDARY\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"From: {sent['From']}\r\nTo: {sent['To']}\r\nSubject: {sent['Subject']}\r\n"
            f"Message-Id: {sent['Message-Id']}\r\n\r\n"
            "--BOUNDARY--\r\n"
        ).encode()

    def test_packing_list_pdf_with_cartons_then_a_bounce_opens_an_exception(self):
        """A done transfer packed in two cartons: the email carries the PDF packing list (wkhtmltopdf) listing
        each carton's contents; the buyer's server bounces it and Odoo's bounce detection opens the exception."""
        self.warehouse.delivery_steps = "ship_only"
        self.deliver(self.message("Pedido PO-7001", text=TEXT_ORDER))
        order = self.mailbox_orders()
        out = self.chain(order)["out"]
        mug_line = out.move_line_ids.filtered(lambda line: line.product_id == self.mug)
        shirt_line = out.move_line_ids.filtered(lambda line: line.product_id == self.tshirt_m)
        mug_line.picked = True
        out.action_put_in_pack()  # carton 1: the mugs
        shirt_line.picked = True
        out.action_put_in_pack()  # carton 2: the T-shirts
        cartons = (mug_line | shirt_line).result_package_id
        self.assertEqual(len(cartons), 2)
        self.validate_picking(out)
        self.assertEqual(out.state, "done")
        packing = order._packing_list()
        self.assertEqual(
            packing["cartons"],
            [
                {"name": mug_line.result_package_id.name, "contents": [{"sku": "MUG-001", "quantity": 4}]},
                {"name": shirt_line.result_package_id.name, "contents": [{"sku": "TSHIRT-M", "quantity": 2}]},
            ],
        )
        # wkhtmltopdf reads the report's styles from this server (as in production: report.url)
        self.env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{config['http_port']}")
        job = self.shipment_job(order)
        with patch("odoo.modules.module.current_test", None):
            self.env["integration.job"].with_context(force_report_rendering=True)._cron_run_outbox()
        self.assertEqual(job.state, "done", job.last_error)
        (sent,) = [m for _from, to, m in self.smtp.messages if to == ["compras@tiendas-norte.example.com"]]
        self.assertIn("Cartons: 2", sent.get_body(("html", "plain")).get_content())
        (packing_pdf,) = list(sent.iter_attachments())
        self.assertEqual(packing_pdf.get_filename(), "packing_list_PO-7001.pdf")
        self.assertEqual(packing_pdf.get_content_type(), "application/pdf")
        pdf = packing_pdf.get_payload(decode=True)
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = self.pdf_text(pdf)
        if os.environ.get("HUB_SAVE_PACKING_LIST"):  # the README's screenshot: docs/packing_list.png
            with open(os.environ["HUB_SAVE_PACKING_LIST"], "wb") as handle:
                handle.write(pdf)
        for expected in ("Packing list PO-7001", "Carrier: DHL", "JJD000390007", "Cartons: 2", "delivery: 2026-12-18"):
            self.assertIn(expected, text)
        for carton, sku, quantity in ((mug_line, "MUG-001", "4"), (shirt_line, "TSHIRT-M", "2")):
            row = next(line for line in text.splitlines() if line.strip().startswith(carton.result_package_id.name))
            self.assertEqual(row.split()[-2:], [sku, quantity], row)

        self.assertFalse(self.open_exceptions(order, "other"))
        self.env["mail.thread"].message_process(None, self.bounce_of(sent))
        (bounced,) = self.open_exceptions(order, "other")
        self.assertIn("came back undelivered", bounced.description)
        self.assertNotIn("compras@", bounced.description, "the address is not quoted in the exception")
        self.assertFalse(
            self.mail_events().filtered(lambda event: "Undelivered" in event.headers),
            "a bounce is not an order email: Odoo's gateway routes it as a bounce",
        )

    def test_shipment_confirmation_retried_then_dead(self):
        self.deliver(self.message("Pedido PO-7001", text=TEXT_ORDER))
        order = self.mailbox_orders()
        self.mailbox.retry_max_attempts = 2
        job = self.shipment_job(order)
        self.env["ir.mail_server"].search([]).smtp_port = self.closed_port()
        with patch("odoo.modules.module.current_test", None):
            self.env["integration.job"]._cron_run_outbox()
            self.assertEqual(job.state, "pending", "retried")
            self.assertIn("could not be sent", job.last_error)
            job.next_attempt_at = fields.Datetime.now()
            self.env["integration.job"]._cron_run_outbox()
        self.assertEqual(job.state, "dead")
        self.assertTrue(self.env["integration.sync.exception"].search([("job_id", "=", job.id)]))

    @staticmethod
    def closed_port():
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def guide_email(self, subject, cutover, message_id):
        message = self.message(subject, text=f"Dear partner,\nplease apply from now on.\nCutover: {cutover}\n")
        del message["Message-ID"]
        message["Message-ID"] = message_id
        message.add_attachment(b"%PDF-1.4 routing guide", maintype="application", subtype="pdf", filename="guía.pdf")
        return message

    def test_routing_guide_versions_confirmation_and_the_version_on_orders(self):
        self.deliver(self.guide_email("Routing guide Tiendas Norte", "01/12/2026", "<rg1@tiendas-norte.example.com>"))
        self.deliver(
            self.guide_email("Routing guide Tiendas Norte (new)", "2027-01-15", "<rg2@tiendas-norte.example.com>")
        )
        guides = self.env["integration.routing.guide"].search([("channel_id", "=", self.mailbox.id)], order="version")
        self.assertEqual(guides.mapped("name"), ["Routing guide v1", "Routing guide v2"])
        self.assertEqual([str(d) for d in guides.mapped("cutover_date")], ["2026-12-01", "2027-01-15"])
        self.assertEqual(guides[0].attachment_id.name, "guía.pdf")
        with freeze_time("2026-12-18 09:00:00"):
            self.deliver(self.message("Pedido PO-7001", text=TEXT_ORDER))
            order = self.mailbox_orders()
            self.assertEqual(order.routing_guide_id, guides[0], "the version in force on the order's date")
            self.assertEqual(guides.mapped("state"), ["in_force", "future"])
        with freeze_time("2027-02-01 09:00:00"):
            guides.invalidate_recordset(["state"])
            self.assertEqual(guides.mapped("state"), ["superseded", "in_force"], "superseded versions are kept")
        with self.assertRaises(AccessError):
            guides[0].with_user(self.user_operations).action_confirm_loaded()
        guides[0].with_user(self.user_manager).action_confirm_loaded()
        self.assertEqual((guides[0].confirmed_by_id, bool(guides[0].confirmed_at)), (self.user_manager, True))
        self.send_queue()
        (reply,) = [m for _f, to, m in self.smtp.messages if to == ["compras@tiendas-norte.example.com"]]
        self.assertEqual(reply["Subject"], "Loaded: Routing guide v1")
        self.assertIn("Read and loaded by Mario Manager", guides[0].message_ids.mapped("body")[0])

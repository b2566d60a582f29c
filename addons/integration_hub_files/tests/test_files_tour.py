"""The screens of the files addon in Chromium, as a warehouse manager (README "Files and email")."""

from email.message import EmailMessage

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

ORDER = "Order: PO-7001\nDelivery date: 18/12/2026\nMUG-001 x 4\n"


@tagged("post_install", "-at_install")
class TestFilesTour(HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.stock(cls.mug, 10)
        domain = cls.env["mail.alias.domain"].create({"name": "hub.example.com"})
        cls.company.alias_domain_id = domain
        buyer = cls.env["res.partner"].create(
            {"name": "Tiendas Norte S.L.", "is_company": True, "email": "compras@tiendas-norte.example.com"}
        )
        cls.mailbox = cls.make_channel(
            "Tiendas Norte (email)",
            "TN-MAIL",
            platform="email",
            email_alias_name="orders-tn",
            email_allowed_senders="@tiendas-norte.example.com",
            file_buyer_id=buyer.id,
        )
        cls.list_products(cls.mailbox, cls.mug)
        cls.deliver("Pedido PO-7001", ORDER, "<po7001@tiendas-norte.example.com>")
        cls.deliver(
            "Routing guide Tiendas Norte",
            "Cutover: 01/12/2026",
            "<rg1@tiendas-norte.example.com>",
            attachment=b"%PDF-1.4 routing guide",
        )

    @classmethod
    def deliver(cls, subject, text, message_id, attachment=None):
        message = EmailMessage()
        message["From"] = "Compras Tiendas Norte <compras@tiendas-norte.example.com>"
        message["To"] = "orders-tn@hub.example.com"
        message["Subject"] = subject
        message["Message-ID"] = message_id
        message.set_content(text)
        if attachment:
            message.add_attachment(attachment, maintype="application", subtype="pdf", filename="routing.pdf")
        cls.env["mail.thread"].message_process(None, message.as_bytes())

    def test_a_manager_reads_the_tabs_confirms_a_guide_and_types_a_tracking_number(self):
        order = self.env["integration.channel.order"].search([("channel_id", "=", self.mailbox.id)])
        self.assertEqual(order.external_id, "PO-7001")
        self.start_tour(
            f"/odoo/action-integration_hub.action_integration_channel/{self.mailbox.id}",
            "integration_hub_files_manager_tour",
            login="hub_manager",
        )
        guide = self.env["integration.routing.guide"].search([("channel_id", "=", self.mailbox.id)])
        self.assertEqual((guide.confirmed_by_id, bool(guide.confirmed_at)), (self.user_manager, True))
        self.assertEqual((order.tracking_number, order.tracking_manual), ("JJD000390099", True))

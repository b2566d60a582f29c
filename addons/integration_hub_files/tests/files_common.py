import os

from odoo.addons.integration_hub.tests.order_common import OrderCase

from .sftp_server import PASSWORD, USER, SftpServer

PO_HEADER = "order-id;sku;quantity;delivery-date;special-notes\r\n"


class FilesCase(OrderCase):
    """A live CSV channel of a B2B buyer whose files are on a real SFTP server on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sftp = SftpServer()
        cls.sftp.__enter__()
        cls.addClassCleanup(cls.sftp.__exit__, None, None, None)
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Tiendas Norte S.L.",
                "is_company": True,
                "street": "Calle Mayor 12",
                "zip": "28013",
                "city": "Madrid",
                "country_id": cls.env.ref("base.es").id,
                "phone": "+34 910 000 000",
                "email": "compras@tiendas-norte.example.com",
                "vat": "ESB12345674",
            }
        )
        cls.b2b = cls.make_channel(
            "B2B buyer (files)",
            "B2B",
            platform="csv",
            file_location="sftp",
            sftp_host="127.0.0.1",
            sftp_port=cls.sftp.port,
            sftp_username=USER,
            file_settle_seconds=0,
            file_buyer_id=cls.buyer.id,
            valid_to_pick_trigger="stock_checked",
        )
        cls.b2b.sftp_password = PASSWORD
        cls.list_products(cls.b2b, cls.mug | cls.tshirt_s | cls.tshirt_m | cls.kit)

    def setUp(self):
        super().setUp()
        for folder in self.sftp.FOLDERS:  # every test starts with empty folders
            for name in self.sftp.files(folder):
                os.remove(self.sftp.path(folder, name))
        self.sftp.drop_reading.clear()
        self.sftp.deny_into.clear()

    def check_now(self, user=None):
        return self.b2b.with_user(user or self.user_manager).action_check_files_now()

    def file_events(self):
        return self.env["integration.event"].search(
            [("channel_id", "=", self.b2b.id), ("event_type", "=", "file.received")]
        )

    def b2b_orders(self):
        return self.env["integration.channel.order"].search([("channel_id", "=", self.b2b.id)])

    def run_outbox(self):
        self.env["integration.job"]._cron_run_outbox()

"""Odoo's "Send Webhook Notification" automation as a change ping, through the hub's real webhook endpoint."""

import json

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub.models.integration_channel import WEBHOOK_ROUTE

from .common import OdooErpMixin


@tagged("post_install", "-at_install")
class TestOdooErpWebhook(OdooErpMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_odoo_erp()
        cls.stock(cls.mug, 10)

    def ping(self, body):
        """What the client's automation posts: JSON, no signature, no custom header (1 s timeout there)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = self.url_open(
            WEBHOOK_ROUTE + self.clo.webhook_token, data=raw, headers={"Content-Type": "application/json"}
        )
        return response.status_code, response.json()["message"]

    @freeze_time("2026-11-20 10:00:00")
    def test_a_ping_reads_the_order_again_and_a_repeated_ping_is_one_event(self):
        odoo = self.fake_odoo()
        sale = odoo.sale_order("S00970", [("MUG-001", 1)], carrier_id=False)
        draft = odoo.sale_order("S00971", [("MUG-001", 1)], state="draft")
        ping = {"_model": "sale.order", "_id": sale["id"], "_action": "Hub ping", "write_date": sale["write_date"]}
        self.assertEqual(self.ping(ping), (200, "accepted"))
        self.assertEqual(self.ping(ping), (200, "duplicate"))
        self.assertEqual(self.ping({**ping, "_id": draft["id"]}), (200, "accepted"))
        self.assertEqual(self.ping({"_model": "res.partner", "_id": 77}), (200, "stored as failed"))
        self.env["integration.event"]._cron_process_inbox()
        order = self.clo_order(sale["id"])
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertFalse(self.clo_order(draft["id"]), "a draft order is not the warehouse's: nothing")
        self.assertEqual(odoo.calls.count(("sale.order", "search_read")), 2, "the record is read again per ping")

"""The catalog and inbound acceptance path, through the real webhook endpoint: the ERP defines a product
(product.upserted), expects it from a supplier (receipt.expected), the warehouse validates the receipt in
Inventory, the ERP gets the figures (receipt.confirmed) and the shop the new availability."""

import json

import responses

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub.tests.common import TEST_SECRET
from odoo.addons.integration_hub.tests.inbound_common import BOWL, ERP_URL, InboundMixin

ROUTE = "/integration_hub/v1/webhooks/"
SHOP_URL = "https://shop.example.com/hub"


@tagged("post_install", "-at_install")
class TestInboundAcceptance(InboundMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_inbound()
        cls.erp.webhook_secret = TEST_SECRET
        cls.channel.api_base_url = SHOP_URL

    def send(self, channel, payload):
        body, headers = self.signed_request(payload)
        response = self.url_open(ROUTE + channel.webhook_token, data=body, headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("accepted", response.text)
        self.env["integration.event"]._cron_process_inbox()

    def test_product_upserted_receipt_expected_validated_confirmed_and_published(self):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as remote:
            remote.add_passthru("http://127.0.0.1")  # our own webhook endpoint is real
            remote.post(ERP_URL, json={"ok": True})
            remote.post(SHOP_URL, json={"ok": True})

            self.send(self.erp, {"type": "product.upserted", "data": BOWL})
            item = self.env["integration.catalog.item"].search([("external_id", "=", "P-200")])
            self.assertEqual(item.state, "ready")
            bowl = item.product_tmpl_id.product_variant_id
            self.list_products(self.channel, bowl)  # the shop sells it (its listings: an import or an admin)

            self.send(
                self.erp,
                {
                    "type": "receipt.expected",
                    "data": {
                        "reference": "PO-ACC-1",
                        "supplier": {"id": "SUP-7", "name": "Cerámicas Levante"},
                        "expected_date": "2026-12-01",
                        "lines": [{"id": "1", "sku": "BOWL-1", "quantity": 24, "lot": "L2611"}],
                    },
                },
            )
            receipt = self.env["integration.receipt"].search([("external_id", "=", "PO-ACC-1")])
            self.assertEqual((receipt.state, receipt.picking_ids.state), ("expected", "assigned"))

            self.receive(receipt, {bowl: 23})  # operations, in Inventory: one short
            self.assertEqual(receipt.state, "received")
            self.assertTrue(self.exceptions_of(receipt, "receipt_discrepancy"))

            self.env["integration.job"]._cron_run_outbox()
            sent = [
                (call.request.url, json.loads(call.request.body))
                for call in remote.calls
                if not call.request.url.startswith("http://127.0.0.1")
            ]
            confirmations = [body["data"] for url, body in sent if body["type"] == "receipt.confirmed"]
            self.assertEqual(len(confirmations), 1)
            self.assertEqual(
                confirmations[0]["lines"],
                [
                    {
                        "line_id": "1",
                        "sku": "BOWL-1",
                        "product_sku": "BOWL-1",
                        "expected": 24.0,
                        "received": 23.0,
                        "damaged": 0.0,
                        "difference": -1.0,
                        "result": "short",
                    }
                ],
            )
            self.assertEqual(receipt.state, "confirmed")
            shop = [body["data"] for url, body in sent if url == SHOP_URL and body["type"] == "inventory.updated"]
            self.assertEqual(shop[-1], {"BOWL-1": 23}, "the shop sees the received stock at once")

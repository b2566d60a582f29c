"""The seed's "return flow" acceptance test, through the real webhook endpoint: a delivered order is
returned, received into quarantine, triaged sellable and restocked; the published availability rises
only after the restock."""

import json

import responses

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

ROUTE = "/integration_hub/v1/webhooks/"
SHOP_URL = "https://shop.example.com/hub"


@tagged("post_install", "-at_install")
class TestReturnFlowAcceptance(HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.list_products(cls.channel, cls.mug)  # the shop sells mugs: only what it lists is published
        cls.stock(cls.mug, 10)
        cls.channel.api_base_url = SHOP_URL

    def send(self, payload):
        body, headers = self.signed_request(payload)
        response = self.url_open(ROUTE + self.channel.webhook_token, data=body, headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()

    def published_mugs(self, shop):
        """Publish, deliver, and return what the shop was told about MUG-001 (None: not sent again)."""

        def to_shop():
            return [call for call in shop.calls if call.request.url.startswith(SHOP_URL)]

        before = len(to_shop())
        self.channel._publish_inventory(self.mug)
        self.env["integration.job"]._cron_run_outbox()
        if len(to_shop()) == before:
            return None
        return json.loads(to_shop()[-1].request.body)["data"]["MUG-001"]

    def test_return_flow(self):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as shop:
            shop.add_passthru("http://127.0.0.1")  # our own webhook endpoint is real
            shop.post(SHOP_URL, json={"ok": True})
            order_payload = self.order_payload("RF-1")
            order_payload["data"]["lines"] = [{"id": "1", "sku": "MUG-001", "quantity": 3}]
            self.send(order_payload)
            order = self.env["integration.channel.order"].search([("external_id", "=", "RF-1")])
            picking = order._first_step_pickings()
            picking.move_ids.picked = True
            picking.button_validate()
            order._record_carrier_pickup("R-1", "TRK-1", fields.Datetime.now(), "carrier scan")
            order._apply_carrier_status("delivered")
            self.assertEqual(order.state, "delivered")
            self.assertEqual(self.published_mugs(shop), 7)

            self.send(
                {
                    "type": "return.created",
                    "data": {
                        "id": "RMA-1",
                        "order_id": "RF-1",
                        "reason": "wrong colour",
                        "status": "authorized",
                        "lines": [{"sku": "MUG-001", "quantity": 3}],
                    },
                }
            )
            ret = self.env["integration.return"].search([("external_id", "=", "RMA-1")])
            self.assertEqual((ret.state, ret.order_id), ("authorized", order))
            ret.action_create_receipt()
            receipt = ret.receipt_id
            receipt.move_ids.quantity = 3
            receipt.move_ids.picked = True
            receipt.button_validate()
            self.assertEqual(ret.state, "received")
            self.assertIsNone(self.published_mugs(shop), "in quarantine: availability unchanged, nothing sent")

            self.send(
                {
                    "type": "return.updated",
                    "data": {"id": "RMA-1", "lines": [{"sku": "MUG-001", "disposition": "sellable"}]},
                }
            )
            self.assertEqual(ret.state, "triaged")
            self.assertIsNone(self.published_mugs(shop), "triaged is not restocked yet")

            ret.with_user(self.user_manager).action_complete()
            self.assertEqual(ret.state, "completed")
            self.env["integration.job"]._cron_run_outbox()
            sent = [json.loads(call.request.body) for call in shop.calls if call.request.url.startswith(SHOP_URL)]
            inventory = [m["data"]["MUG-001"] for m in sent if m["type"] == "inventory.updated"]
            self.assertEqual(inventory[-1], 10, "restocked: the shop sees the 3 mugs again")
            statuses = [m["data"] for m in sent if m["type"] == "return.status_changed"]
            self.assertEqual(statuses[-1]["status"], "completed")
            self.assertEqual(statuses[-1]["lines"][0]["outcome"], "restocked")

"""The seed's "inventory sync" acceptance test: a stock change in the warehouse reaches the
channel within one publication interval, through the outbox, signed like every hub message."""

import json

import responses
from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.lib import standard_webhooks
from odoo.addons.integration_hub.tests.common import TEST_SECRET, CatalogMixin, HubFactoryMixin

SHOP_URL = "https://shop.example.com/hub/inventory"


@tagged("post_install", "-at_install")
class TestInventorySyncAcceptance(HubFactoryMixin, CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.list_products(cls.channel, cls.mug)  # the shop sells mugs: only what it lists is published
        cls.stock(cls.mug, 12)
        cls.channel.write({"api_base_url": SHOP_URL, "publish_interval_minutes": 15})

    def tick(self, moment):
        with freeze_time(moment):
            self.env["integration.channel"]._cron_publish_inventory()
            self.env["integration.job"]._cron_run_outbox()

    def test_stock_change_is_published_within_one_interval(self):
        with responses.RequestsMock() as shop:
            shop.post(SHOP_URL, json={"ok": True})
            self.tick("2026-11-27 09:00:00")
            first = json.loads(shop.calls[0].request.body)["data"]
            self.assertEqual(first["MUG-001"], 12)

            # a receipt of 8 mugs is validated in the warehouse at 09:03
            receipt = self.env["stock.picking"].create(
                {
                    "picking_type_id": self.warehouse.in_type_id.id,
                    "location_id": self.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": self.warehouse.lot_stock_id.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "mugs",
                                "product_id": self.mug.id,
                                "product_uom_qty": 8,
                                "product_uom": self.mug.uom_id.id,
                                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                                "location_dest_id": self.warehouse.lot_stock_id.id,
                            },
                        )
                    ],
                }
            )
            receipt.action_confirm()
            receipt.move_ids.quantity = 8
            receipt.move_ids.picked = True
            receipt.button_validate()

            self.tick("2026-11-27 09:10:00")  # inside the interval: nothing yet
            self.assertEqual(len(shop.calls), 1)
            self.tick("2026-11-27 09:15:30")  # one interval later: published
            self.assertEqual(len(shop.calls), 2)
            request = shop.calls[1].request
            self.assertEqual(json.loads(request.body)["data"], {"MUG-001": 20}, "only the change is sent")
            headers = {k.lower(): v for k, v in request.headers.items()}
            with freeze_time("2026-11-27 09:15:30"):
                self.assertTrue(standard_webhooks.verify(TEST_SECRET, headers, request.body))

        level = self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.mug.id)]
        )
        self.assertEqual((level.published_qty, str(level.published_at)), (20, "2026-11-27 09:15:30"))

"""Magento stock out: the channel's MSI source only, synchronous batches with per-item errors, the legacy
stock item, and asynchronous bulk requests confirmed through the seam's sent -> confirmed step."""

from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..lib import magento as M
from .common import SOURCE, MagentoMixin

QUIET = ("odoo.addons.integration_hub.models.integration_job",)


@tagged("post_install", "-at_install")
class TestMagentoInventory(MagentoMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_magento()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)
        cls.list_products(cls.magento, cls.mug | cls.tshirt_s | cls.tshirt_m | cls.kit)

    def shop_with_products(self):
        shop = self.fake_magento()
        for sku in ("MUG-001", "TSHIRT-S", "TSHIRT-M"):  # KIT-GIFT was deleted in the shop
            shop.add_product(sku)
        shop.sources[("MUG-001", "default")] = 99  # the merchant's own warehouse: another source
        return shop

    def level(self, sku):
        return self.env["integration.inventory.level"].search([("channel_id", "=", self.magento.id), ("sku", "=", sku)])

    def test_only_the_channels_source_is_published_with_per_item_errors_named(self):
        shop = self.shop_with_products()
        with patch.object(M, "SYNC_BATCH", 2):
            job = self.magento._publish_inventory()
            self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(
            {key: qty for key, qty in shop.sources.items() if key[1] == SOURCE},
            {("MUG-001", SOURCE): 50, ("TSHIRT-M", SOURCE): 20, ("TSHIRT-S", SOURCE): 20},
        )
        self.assertEqual(shop.sources[("MUG-001", "default")], 99, "the shop's other source is never touched")
        # KIT-GIFT and MUG-001 went together and were refused as a whole: each then alone
        self.assertEqual(
            shop.source_batches, [["KIT-GIFT", "MUG-001"], ["KIT-GIFT"], ["MUG-001"], ["TSHIRT-M", "TSHIRT-S"]]
        )
        (refused,) = self.exceptions("item_refused")
        self.assertIn("KIT-GIFT", refused.name)
        self.assertIn('Product with SKU "KIT-GIFT" does not exist', refused.description)
        self.assertFalse(self.level("KIT-GIFT").published_at, "a refused item is not published")
        self.assertEqual(self.level("MUG-001").published_qty, 50)
        shop.calls.clear()
        self.env["integration.job"]._enqueue(self.magento, "inventory", "again", {"MUG-001": 50})
        self.run_jobs()
        self.assertEqual(shop.calls, [], "the shop holds 50 already")

    def test_legacy_stock_item_is_looked_up_once(self):
        shop = self.shop_with_products()
        self.magento.magento_inventory_mode = "legacy"
        self.magento._publish_inventory()
        self.run_jobs()
        self.assertEqual((shop.legacy["MUG-001"]["qty"], shop.legacy["TSHIRT-S"]["qty"]), (50, 20))
        mug = self.env["integration.external.id"].search(
            [("channel_id", "=", self.magento.id), ("sku", "=", "MUG-001")]
        )
        self.assertEqual(mug.external_ref, str(shop.legacy["MUG-001"]["item_id"]), "the stock item id is kept")
        self.assertIn("no Magento product has this SKU", self.exceptions("item_refused").description)
        shop.calls.clear()
        self.env["integration.job"]._enqueue(self.magento, "inventory", "legacy-2", {"MUG-001": 44})
        self.run_jobs()
        self.assertEqual(shop.calls, [("PUT", f"/rest/all/V1/products/MUG-001/stockItems/{mug.external_ref}")])
        self.assertEqual(shop.legacy["MUG-001"]["qty"], 44)

    @mute_logger(*QUIET)
    def test_bulk_request_is_sent_then_confirmed_from_its_status(self):
        shop = self.shop_with_products()
        self.magento.magento_async_inventory = True
        job = self.magento._publish_inventory()
        with patch.object(M, "ASYNC_BATCH", 3):  # 5,000 operations per bulk at most
            self.run_jobs()
        self.assertEqual(sorted(len(operations) for operations in shop.bulks.values()), [1, 3])
        self.assertEqual(job.state, "sent", "accepted by the shop: not published yet")
        self.assertFalse(self.level("MUG-001").published_at)
        self.assertNotIn(("MUG-001", SOURCE), shop.sources, "the consumers have not run yet")
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(job.state, "sent", "operations still open: asked again later")
        shop.run_consumers()
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(job.state, "confirmed", job.last_error)
        self.assertEqual((shop.sources[("MUG-001", SOURCE)], shop.sources[("MUG-001", "default")]), (50, 99))
        self.assertEqual(self.level("MUG-001").published_qty, 50)
        self.assertFalse(self.level("KIT-GIFT").published_at)
        self.assertIn("KIT-GIFT", self.exceptions("item_refused").name)

    @mute_logger(*QUIET)
    def test_rate_limits_server_errors_and_timeouts_are_retried(self):
        shop = self.shop_with_products()
        shop.fail_next((429, {"Retry-After": "120"}))
        job = self.env["integration.job"]._enqueue(self.magento, "inventory", "inv-1", {"MUG-001": 7})
        self.run_jobs()
        self.assertEqual((job.state, job.attempts), ("pending", 1))
        self.assertAlmostEqual((job.next_attempt_at - fields.Datetime.now()).total_seconds(), 120, delta=2)
        for failure in (503, "timeout"):
            shop.fail_next(failure)
            job.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
            self.assertEqual(job.state, "pending", failure)
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual((job.state, shop.sources[("MUG-001", SOURCE)]), ("done", 7))

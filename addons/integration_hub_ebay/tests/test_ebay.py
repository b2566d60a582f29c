"""eBay's authentication, paging, throttling and stock updates, against the fake eBay."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.tests.common import clear_for_golive

from .common import CERT_ID, REFRESH, EbayMixin

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)


@tagged("post_install", "-at_install")
class TestEbay(EbayMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ebay()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    def inventory_job(self, quantities, key="inv-1"):
        return self.env["integration.job"]._enqueue(self.ebay, "inventory", key, quantities)

    def token_calls(self, fake):
        return [c for c in fake.calls if c[1] == "/identity/v1/oauth2/token"]

    # --- authentication and paging -----------------------------------------------------------
    @mute_logger(*QUIET)
    def test_token_refresh_during_a_poll_of_several_pages(self):
        fake = self.fake_ebay()
        with freeze_time("2026-11-20 10:00:00"):
            for number in range(250):  # 200 a page: two pages
                stamp = f"2026-11-20T09:{number // 60:02d}:{number % 60:02d}.000Z"
                fake.add_order(f"05-{number:05d}-00000", lastModifiedDate=stamp)
            fake.expire_before_next_page = True  # the 2-hour token runs out between the two pages
            self.assertEqual(self.poll(), 250)
        pages = [c for c in fake.calls if c[1] == "/sell/fulfillment/v1/order"]
        self.assertEqual(len(pages), 3, "page 1, page 2 refused (401), page 2 again with the new token")
        self.assertEqual(len(self.token_calls(fake)), 2, "one refresh for the first token, one after the 401")
        self.assertNotEqual(pages[0][2]["Authorization"], pages[2][2]["Authorization"])
        self.assertIn("filter=lastmodifieddate%3A%5B2026-11-17T10%3A00%3A00.000Z..%5D", pages[0][3], "3 days back")
        self.assertIn("limit=200", pages[0][3])
        row = self.ebay._poll_cursor("orders")
        self.assertEqual(row.cursor, "2026-11-20T09:04:09", "the newest lastModifiedDate seen")
        self.assertFalse(self.ebay.outbound_paused)
        self.assertNotIn("v^1.1#", str(self.ebay.sudo().read()), "the tokens are never readable on the channel")
        self.assertFalse(self.ebay_exceptions("channel_access"))
        # a month before the 18-month consent ends, an administrator is told (once)
        self.ebay.sudo().ebay_consent_date = fields.Date.to_date("2025-06-15")
        with freeze_time("2026-11-20 12:00:00"):
            self.ebay._channel_access_token(renew=True)
            self.ebay._channel_access_token(renew=True)
        (consent,) = self.ebay_exceptions("channel_access")
        self.assertIn("2026-12-14", consent.name)
        self.assertFalse(self.ebay.outbound_paused, "a warning, not a refusal")

    @mute_logger(*QUIET)
    def test_a_refused_refresh_token_parks_the_channel_until_a_new_consent(self):
        fake = self.fake_ebay()
        fake.refresh_token = "v^1.1#after-new-consent"
        job = self.inventory_job({"MUG-001": 3})
        self.run_jobs()
        self.assertTrue(self.ebay.outbound_paused)
        self.assertEqual((job.state, job.next_attempt_at), ("pending", False), "parked, not retried in a loop")
        (access,) = self.ebay_exceptions("channel_access")
        self.assertIn("invalid_grant", access.description)
        for secret in (REFRESH, CERT_ID, "v^1.1#after-new-consent"):
            self.assertNotIn(secret, access.description, "no credential in an exception")
        self.assertEqual(self.poll(), 0, "polling stops too")
        self.ebay.with_user(self.user_admin).write({"ebay_refresh_token": "v^1.1#after-new-consent"})
        self.ebay.with_user(self.user_admin).action_resume_outbound()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(fake.inventory["MUG-001"], 3)

    @mute_logger(*QUIET)
    def test_429_5xx_and_timeouts_are_retried_400_is_not(self):
        fake = self.fake_ebay()
        self.inventory_job({"MUG-001": 2}, key="inv-0")
        self.run_jobs()  # the user token is fetched
        job = self.inventory_job({"MUG-001": 3})
        fake.fail_next(500)  # a 5xx is tried once more in-process
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        job2 = self.inventory_job({"MUG-001": 4}, key="inv-2")
        fake.fail_next((429, 120))
        self.run_jobs()
        self.assertEqual((job2.state, job2.attempts), ("pending", 1))
        self.assertAlmostEqual((job2.next_attempt_at - fields.Datetime.now()).total_seconds(), 120, delta=3)
        for failures in ((503, 503), ("timeout",)):
            fake.fail_next(*failures)
            job2.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
            self.assertEqual(job2.state, "pending", failures)
        job2.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(job2.state, "done", job2.last_error)
        fake.add_order("05-00001-00001")
        fake.fail_next(503, 503)
        self.assertEqual(self.poll(), 0)
        row = self.ebay._poll_cursor("orders")
        self.assertIn("503", row.last_error)
        self.assertFalse(row.cursor, "the cursor does not move past what was not read")
        self.assertEqual(self.poll(), 1, "the next run reads it")

    # --- inventory -----------------------------------------------------------------------------
    def test_a_bulk_update_with_one_failing_item_refuses_only_that_sku(self):
        fake = self.fake_ebay()
        del fake.inventory["TSHIRT-M"]  # eBay has no inventory item with this SKU
        fake.offers["MUG-001"] = ["9000001"]
        job = self.inventory_job({"MUG-001": 7, "TSHIRT-S": 5, "TSHIRT-M": 4})
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        (call,) = fake.bulk_calls
        mug = next(r for r in call if r["sku"] == "MUG-001")
        self.assertEqual(mug["offers"], [{"offerId": "9000001", "availableQuantity": 7}], "offer and item together")
        self.assertEqual((fake.inventory["MUG-001"], fake.inventory["TSHIRT-S"]), (7, 5))
        (refused,) = self.ebay_exceptions("item_refused")
        self.assertIn("TSHIRT-M", refused.name + refused.description)
        self.assertIn("25702", refused.description)
        listings = self.env["integration.external.id"]._listings_by_sku(self.ebay, ["MUG-001", "TSHIRT-M"])
        self.assertEqual(listings["MUG-001"].pushed_qty, 7)
        self.assertFalse(listings["TSHIRT-M"].pushed_at, "a refused SKU is not counted as published")
        self.assertEqual(listings["MUG-001"].data, {"ebay_offers": ["9000001"]}, "the offers are asked once")

    def test_bulk_updates_go_25_skus_a_call_and_trading_4_items_a_call(self):
        fake = self.fake_ebay()
        quantities = {f"SKU-{n:02d}": n for n in range(30)}
        for sku in quantities:
            fake.inventory[sku] = 0
        Listing = self.env["integration.external.id"].sudo()
        Listing.create([{"channel_id": self.ebay.id, "sku": sku, "external_id": sku} for sku in quantities])
        self.inventory_job(quantities)
        self.run_jobs()
        self.assertEqual([len(call) for call in fake.bulk_calls], [25, 5])
        self.assertEqual(fake.inventory["SKU-29"], 29)
        asked = [call for call in fake.calls if call[1] == "/sell/inventory/v1/offer"]
        self.assertEqual(len(asked), 30, "each SKU's offers asked once")
        listings = Listing.search([("channel_id", "=", self.ebay.id), ("sku", "in", ["SKU-00", "SKU-29"])])
        self.assertEqual(listings.mapped("data"), [{"ebay_offers": []}] * 2, "kept for both chunks")
        self.inventory_job({"SKU-00": 3, "SKU-29": 4}, key="inv-again")
        self.run_jobs()
        self.assertEqual(len([call for call in fake.calls if call[1] == "/sell/inventory/v1/offer"]), 30, "not again")
        self.assertEqual(fake.inventory["SKU-29"], 4)
        # listings made outside the Inventory API: the item id (learned from the order lines) and a variation's SKU
        self.ebay.ebay_inventory_method = "trading"
        Listing.create(
            [
                {"channel_id": self.ebay.id, "sku": f"T-{n}", "external_id": f"4000{n}", "external_ref": "110123456789"}
                for n in range(5)
            ]
            + [{"channel_id": self.ebay.id, "sku": "SOLO", "external_id": "110999"}]
            + [{"channel_id": self.ebay.id, "sku": "GONE", "external_id": "110666"}]
        )
        fake.items = {"110123456789": {f"T-{n}": 0 for n in range(5)}, "110999": {"": 0}}
        self.inventory_job({**{f"T-{n}": n + 1 for n in range(5)}, "SOLO": 9, "GONE": 1}, key="inv-trading")
        self.run_jobs()
        self.assertEqual([len(call) for call in fake.trading_calls], [4, 3])
        self.assertEqual(fake.items["110123456789"]["T-4"], 5)
        self.assertEqual(fake.items["110999"][""], 9, "an item without variations is named by its id alone")
        (refused,) = self.ebay_exceptions("item_refused")
        self.assertIn("GONE", refused.name + refused.description)
        self.assertIn("21916750", refused.description)

    # --- settings ------------------------------------------------------------------------------
    def test_going_live_needs_the_keyset_the_consent_and_the_verification_token(self):
        channel = self.env["integration.channel"].create({"name": "eBay.de", "code": "EBAY-DE", "platform": "ebay"})
        self.assertEqual((channel.ebay_marketplace, channel.ebay_inventory_method), ("EBAY_ES", "inventory_api"))
        admin = channel.with_user(self.user_admin)
        with self.assertRaises(UserError) as refused:
            admin.action_go_live()
        for missing in ("App ID", "refresh token", "verification token"):
            self.assertIn(missing, str(refused.exception))
        admin.write(
            {
                "ebay_client_id": "Other-App",
                "ebay_client_secret": "cert",
                "ebay_refresh_token": "v^1.1#r",
                "ebay_verification_token": "short",
            }
        )
        with self.assertRaises(UserError):
            admin.action_go_live()
        admin.write({"ebay_verification_token": "x" * 32})
        clear_for_golive(channel, self.user_manager)
        admin.action_go_live()
        self.assertEqual(channel.state, "live")
        self.assertEqual(channel.ebay_consent_date, fields.Date.context_today(channel), "the consent's 18 months")
        self.assertEqual(channel.paid_statuses, "paid, partially_refunded")

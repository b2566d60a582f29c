"""Etsy on the hub's seam, against a fake Open API v3 built from ../shared/platforms/etsy.md."""

import json
import time
from unittest.mock import patch
from urllib.parse import urlencode

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.tests.common import TEST_SECRET
from odoo.addons.integration_hub.tests.order_common import validate_picking

from ..lib import etsy as E
from .common import REFRESH, EtsyMixin
from .etsy_fake import SHOP_ID, USER_ID, money, tee_inventory

QUIET = (
    "odoo.addons.integration_hub.controllers.webhook",
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
    "odoo.addons.integration_hub_etsy.controllers.oauth",
)
CALLBACK = "/integration_hub/etsy/oauth"


@tagged("post_install", "-at_install")
class TestEtsy(EtsyMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_etsy()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)
        Carrier = cls.env["delivery.carrier"]
        cls.shipping = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.correos = Carrier.create({"name": "Correos", "product_id": cls.shipping.id})

    def recent(self, minutes=60):
        return int(time.time()) - minutes * 60

    def ship(self, order, tracking, quantities=None, carrier=None):
        picking = order._first_step_pickings()
        picking.carrier_id = carrier or self.correos
        validate_picking(picking, quantities)
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        return picking

    # --- OAuth 2.0 with PKCE, once, from the channel form ------------------------------------------
    @mute_logger(*QUIET)
    def test_authorise_with_pkce_through_the_redirect_and_refresh_rotates_the_token(self):
        etsy = self.fake_etsy()
        self.etsy.sudo()._set_secret("etsy_refresh_token", False)
        action = self.etsy.with_user(self.user_admin).action_etsy_authorize()
        code, state, query = etsy.consent(action["url"])
        self.assertEqual(query["scope"], "transactions_r transactions_w listings_r listings_w")
        self.assertEqual(query["redirect_uri"], self.etsy.etsy_redirect_uri)
        self.assertTrue(query["redirect_uri"].endswith(CALLBACK))
        for login in ("hub_ops", "hub_manager", "hub_finance"):  # only an administrator finishes the consent
            self.authenticate(login, login)
            refused = self.url_open(f"{CALLBACK}?{urlencode({'code': code, 'state': state})}", allow_redirects=False)
            self.assertEqual(refused.status_code, 403, login)
        self.authenticate(None, None)
        anonymous = self.url_open(f"{CALLBACK}?{urlencode({'code': code, 'state': state})}", allow_redirects=False)
        self.assertIn("/web/login", anonymous.headers.get("Location", ""), "a visitor is sent to log in")
        self.authenticate("hub_admin", "hub_admin")
        forged = self.url_open(f"{CALLBACK}?{urlencode({'code': code, 'state': state + 'x'})}", allow_redirects=False)
        self.assertEqual(forged.status_code, 400)
        self.assertIn("does not match", forged.text)
        answer = self.url_open(f"{CALLBACK}?{urlencode({'code': code, 'state': state})}", allow_redirects=False)
        self.assertEqual(answer.status_code, 303, answer.text)
        self.assertTrue(answer.headers["Location"].endswith(f"/odoo/integration.channel/{self.etsy.id}"))
        channel = self.etsy.sudo()
        self.assertEqual(channel.etsy_user_id, USER_ID)
        self.assertTrue(channel.etsy_authorized_at)
        first_refresh = channel._get_secret("etsy_refresh_token")
        self.assertIn(first_refresh, etsy.refresh_tokens, "the refresh token Etsy gave is kept (encrypted)")
        self.assertFalse(channel._get_secret("etsy_code_verifier"), "the verifier is spent")
        replay = self.url_open(f"{CALLBACK}?{urlencode({'code': code, 'state': state})}", allow_redirects=False)
        self.assertEqual(replay.status_code, 400, "a state is good once")
        # the access token expires: the next call refreshes it, and the rotated refresh token replaces the old one
        etsy.expire_tokens()
        self.assertIn(
            "CeramicaLucia", self.etsy.with_user(self.user_admin).action_test_connection()["params"]["message"]
        )
        etsy.add_receipt(1001, self.recent())
        self.poll()
        self.assertEqual(len(self.etsy_events()), 1)
        second_refresh = channel._get_secret("etsy_refresh_token")
        self.assertNotEqual(second_refresh, first_refresh)
        self.assertNotIn(first_refresh, etsy.refresh_tokens, "Etsy refuses the old one now")
        self.assertIn(second_refresh, etsy.refresh_tokens)
        # the seller revokes the app: the refresh is refused, the channel parks with one exception
        etsy.expire_tokens()
        etsy.refresh_tokens.clear()
        self.poll()
        self.assertTrue(self.etsy.outbound_paused)
        access = self.etsy_exceptions("channel_access")
        self.assertEqual(len(access), 1)
        self.assertIn("Authorise on Etsy", access.description)

    # --- the acceptance scenarios -------------------------------------------------------------------
    def test_receipt_flows_in_with_notes_for_the_picker_and_ships_back_with_tracking(self):
        etsy = self.fake_etsy("102574536.at-valid")
        etsy.add_receipt(2001, self.recent(), is_gift=True, gift_message="Happy birthday")
        self.poll()
        self.process()
        order = self.etsy_order(2001)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.line_ids.sku, order.line_ids.product_id), ("TSHIRT-S", self.tshirt_s))
        self.assertEqual((order.line_ids.price_unit, order.currency_id.name, order.amount_total), (12.5, "EUR", 29.9))
        self.assertIn("Size: S", order.line_ids.name)
        self.assertEqual(
            order.special_handling,
            "Buyer's note: Gift, no invoice please\nGift: Happy birthday\nPersonalisation of TSHIRT-S: ANA",
        )
        self.assertIn("Personalisation of TSHIRT-S: ANA", order.sale_order_id.note, "the picker's instructions")
        self.assertIn("Personalisation of TSHIRT-S: ANA", order._first_step_pickings().note, "shown to the picker")
        self.assertEqual(order.ship_by, fields.Datetime.to_datetime("2026-11-25 09:02:01"), "expected_ship_date")
        self.assertEqual(order.sudo().phone_e164, "+34960123456", "the shop's number, never an empty phone")
        etsy.fail_next("lost")  # Etsy records the shipment and e-mails the buyer; its answer times out
        with mute_logger(*QUIET):
            self.ship(order, "PQ123456789ES")
        ((receipt_id, form),) = etsy.trackings
        self.assertEqual((receipt_id, form["tracking_code"], form["carrier_name"]), (2001, "PQ123456789ES", "correos"))
        self.assertNotIn("note_to_buyer", form)
        job = self.env["integration.job"].search([("channel_id", "=", self.etsy.id), ("job_type", "=", "fulfillment")])
        self.assertEqual(job.state, "pending", "the timeout is retried by the outbox")
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertIn("already on the Etsy receipt", job.response_summary or "")
        posts = [
            call for call in etsy.calls if call == ("POST", f"/application/shops/{SHOP_ID}/receipts/2001/tracking")
        ]
        self.assertEqual((len(posts), len(etsy.trackings)), (1, 1), "the receipt's shipments are read: no second post")
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual(len(etsy.trackings), 1, "the buyer is e-mailed once per shipment")

    def test_kit_variant_and_partial_order_the_second_parcel_is_noted_not_sent(self):
        self.etsy.partial_policy = "backorder"
        etsy = self.fake_etsy("102574536.at-valid")
        kit = dict(E_TRANSACTION, sku="KIT-GIFT", title="Gift box", quantity=1, product_id=555, variations=[])
        mugs = dict(E_TRANSACTION, sku="MUG-001", title="Mug", quantity=12, product_id=556, variations=[])
        tee_m = dict(E_TRANSACTION, sku="TSHIRT-M", product_id=9876543220, quantity=1)
        tee_m["variations"] = [{"property_id": 100, "value_id": 1002, "formatted_name": "Size", "formatted_value": "M"}]
        digital = dict(E_TRANSACTION, sku="PATTERN-PDF", title="Pattern", quantity=1, is_digital=True, variations=[])
        etsy.add_receipt(2101, self.recent(), transactions=[kit, mugs, tee_m, digital])
        self.poll()
        self.process()
        order = self.etsy_order(2101)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        skus = {line.sku: line.product_id for line in order.line_ids}
        self.assertEqual((skus["KIT-GIFT"], skus["TSHIRT-M"]), (self.kit, self.tshirt_m), "a kit and a variant")
        picking = order._first_step_pickings()
        self.assertNotIn("PATTERN-PDF", picking.move_ids.product_id.mapped("default_code"), "digital: nothing to ship")
        # 10 mugs on the shelf for 12 and the kit's one: the first parcel leaves short, the rest follows
        self.ship(order, "PQ1")
        ((_receipt, form),) = etsy.trackings
        self.assertEqual(form["note_to_buyer"], "The rest of your order follows in another parcel.")
        self.stock(self.mug, 5)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.action_assign()
        backorder.carrier_id = self.correos
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-2", "PQ2", fields.Datetime.now())
        self.run_jobs()
        self.assertEqual(len(etsy.trackings), 1, "Etsy takes one tracking per receipt")
        job = self.env["integration.job"].search(
            [("channel_id", "=", self.etsy.id), ("job_type", "=", "fulfillment")], order="id desc", limit=1
        )
        self.assertEqual(job.state, "done", job.last_error)
        self.assertIn("PQ2", order.message_ids[:5].mapped("body").__str__(), "the second tracking is noted")

    # --- Etsy's gotcha: no phone on receipts ---------------------------------------------------------
    def test_a_receipt_without_phone_is_held_or_gets_the_shop_number_for_a_carrier_that_needs_it(self):
        if "hub_correos" not in dict(self.env["delivery.carrier"]._fields["delivery_type"].selection):
            self.skipTest("integration_hub_carriers is not installed")
        correos = self.env["delivery.carrier"].create(
            {"name": "Correos Paq", "delivery_type": "hub_correos", "product_id": self.shipping.id}
        )
        self.mug.weight = 0.5
        self.tshirt_s.weight = 0.2
        etsy = self.fake_etsy("102574536.at-valid")
        self.etsy.etsy_missing_phone = "hold"
        etsy.add_receipt(2201, self.recent())
        self.poll()
        self.process()
        held = self.etsy_order(2201)
        self.assertEqual(held.state, "on_hold")
        self.assertFalse(held.sale_order_id, "never allocated with an empty phone")
        self.assertIn("Etsy receipts carry none", held.validation_problems)
        self.assertIn("press 'Re-read held orders'", held.validation_problems)
        (exception,) = self.etsy_exceptions("invalid_order")
        self.assertIn("Etsy receipts carry none", exception.description)
        # the channel switches to the shop's number: the next receipt is accepted and Correos gets that number
        self.etsy.etsy_missing_phone = "shop_phone"
        etsy.add_receipt(2202, self.recent(30))
        self.poll()
        self.process()
        order = self.etsy_order(2202)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        result = self.etsy.with_user(self.user_admin).action_etsy_reread_held_orders()  # the held one follows
        self.assertIn("1 held orders", result["params"]["message"])
        self.process()
        self.assertFalse(held.withheld_data, "the receipt read again carries the shop's number")
        if held.state == "on_hold":
            held.with_user(self.user_manager).action_release()
        self.assertEqual(held.state, "accepted", held.validation_problems)
        picking = order._first_step_pickings()
        picking.carrier_id = correos
        shipment = correos._hub_shipment_from_picking(picking)
        self.assertEqual(shipment.recipient.phone, "+34960123456")
        problems = correos._hub_validation_problems(shipment)
        self.assertNotIn("recipient phone", problems, "Correos needs the recipient's phone: it has one")
        shipment.recipient.phone = ""  # what an empty Etsy phone would have been: Correos refuses it
        self.assertIn("recipient phone", correos._hub_validation_problems(shipment))
        self.etsy.etsy_shop_phone = False  # a policy without its number holds, saying so
        etsy.add_receipt(2203, self.recent(20))
        self.poll()
        self.process()
        self.assertIn("no shop contact number", self.etsy_order(2203).validation_problems)

    # --- polling and the order.paid webhook ----------------------------------------------------------
    def test_poll_pages_by_min_last_modified_payment_processing_waits_and_cancellation_cancels(self):
        etsy = self.fake_etsy("102574536.at-valid")
        mug = [dict(E_TRANSACTION, sku="MUG-001", title="Mug", product_id=556, variations=[])]
        for n in range(5):
            etsy.add_receipt(2300 + n, self.recent(90 - n), transactions=mug)
        etsy.add_receipt(2299, self.recent(60 * 24 * 9), transactions=mug)  # older than the first poll reads
        etsy.add_receipt(2310, self.recent(10), transactions=mug, status="Payment Processing", is_paid=False)
        etsy.add_receipt(2311, self.recent(11), transactions=mug, status="Completed", is_shipped=True)
        with patch.object(E, "PAGE_SIZE", 2):
            self.env["integration.channel"]._cron_poll_channels()
        reads = [path for method, path in etsy.calls if path.endswith("/receipts")]
        self.assertEqual(len(reads), 4, "four pages of two (limit/offset) until offset reaches count")
        polled = self.etsy_events()
        self.assertEqual(len(polled), 7, "not the old receipt")
        cursor = self.etsy._poll_cursor("orders")
        self.assertEqual(cursor.cursor, E.iso(etsy.receipts[2310]["updated_timestamp"])[:19])
        self.process()
        self.assertEqual(self.etsy_order(2302).state, "accepted")
        self.assertFalse(self.etsy_order(2311), "shipped on Etsy before the hub saw it: nothing to ship")
        self.assertEqual(polled.filtered(lambda e: e.idempotency_key.startswith("receipt:2311:")).state, "done")
        waiting = self.etsy_order(2310)
        self.assertEqual((waiting.state, waiting.financial_status), ("validated", "pending"))
        etsy.receipts[2310].update(status="Paid", is_paid=True, updated_timestamp=self.recent(5))
        etsy.receipts[2303].update(status="Canceled", updated_timestamp=self.recent(4))
        self.poll()
        self.process()
        self.assertEqual(waiting.state, "accepted")
        self.assertEqual(self.etsy_order(2303).state, "cancelled")
        self.poll()  # the overlap re-reads the newest: it collapses in the inbox
        self.assertEqual(len(self.etsy_events()), 9)

    def test_a_receipt_edited_between_two_page_reads_is_never_lost(self):
        etsy = self.fake_etsy("102574536.at-valid")
        for n in range(5):  # 2404 the newest, an hour apart
            etsy.add_receipt(2400 + n, self.recent(600 - 60 * n))
        adapter, cursor, read = self.etsy._adapter(), None, []
        with patch.object(E, "PAGE_SIZE", 2):
            for window in range(2):
                while True:
                    page = adapter._poll(self.etsy, "orders", cursor)
                    read += [(r["receipt_id"], r["updated_timestamp"]) for _key, _type, r in page.messages]
                    if len(read) == 2 and not window:  # one receipt already read and one not yet are edited
                        etsy.receipts[2404]["updated_timestamp"] = self.recent(2)
                        etsy.receipts[2401]["updated_timestamp"] = self.recent(1)
                    cursor = page.cursor
                    if not page.more:
                        break
        reads = [call for call in etsy.calls if call[1].endswith("/receipts")]
        self.assertEqual(len(reads), 4, "three pages in the first window, one in the next")
        self.assertEqual({receipt_id for receipt_id, _updated in read}, set(range(2400, 2405)), "none skipped")
        for receipt_id in (2401, 2404):
            self.assertIn((receipt_id, etsy.receipts[receipt_id]["updated_timestamp"]), read, "its new version")
        self.assertEqual(len(read), 7, "2403 read twice (the rows shifted), then 2401 and 2404 in the next window")

    @mute_logger(*QUIET)
    def test_order_paid_webhook_is_a_signed_ping_that_fetches_the_receipt(self):
        etsy = self.fake_etsy("102574536.at-valid")
        etsy.add_receipt(2401, self.recent())
        ping = {
            "event_type": "order.paid",
            "resource_url": f"https://api.etsy.com/v3/application/shops/{SHOP_ID}/receipts/2401",
            "shop_id": int(SHOP_ID),
        }
        url = "/integration_hub/v1/webhooks/" + self.etsy.webhook_token
        body, headers = self.signed_request(ping, secret=TEST_SECRET, msg_id="msg_2401")
        self.assertEqual(self.url_open(url, data=body, headers=headers).json()["message"], "accepted")
        self.assertEqual(self.url_open(url, data=body, headers=headers).json()["message"], "duplicate")
        forged, headers = self.signed_request(ping, secret="whsec_" + "b3RoZXItc2VjcmV0LW9mLTMyLWJ5dGVzLXh4eHh4eHg=")
        self.assertEqual(self.url_open(url, data=forged, headers=headers).status_code, 401)
        self.process()
        order = self.etsy_order(2401)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertIn(("GET", f"/application/shops/{SHOP_ID}/receipts/2401"), etsy.calls, "the receipt is re-read")
        other_shop = dict(ping, shop_id=999)
        body, headers = self.signed_request(other_shop, secret=TEST_SECRET)
        self.url_open(url, data=body, headers=headers)
        self.process()
        failed = self.etsy_events().filtered(lambda e: e.state == "failed")
        self.assertEqual(len(failed), 1, "a ping about another shop is kept, failed, with the reason")

    # --- inventory: the whole listing is written back --------------------------------------------------
    def test_stock_update_keeps_variations_and_prices_and_a_409_is_read_again(self):
        etsy = self.fake_etsy("102574536.at-valid")
        etsy.add_listing(1234567890, "Tee", tee_inventory())
        shared = {
            "products": [
                {
                    "product_id": 701,
                    "sku": "MUG-001",
                    "property_values": [
                        {"property_id": 200, "property_name": "Colour", "value_ids": [1], "values": ["Blue"]}
                    ],
                    "offerings": [{"offering_id": 7011, "price": money(900), "quantity": 3, "is_enabled": True}],
                },
                {
                    "product_id": 702,
                    "sku": "MUG-RED",
                    "property_values": [
                        {"property_id": 200, "property_name": "Colour", "value_ids": [2], "values": ["Red"]}
                    ],
                    "offerings": [{"offering_id": 7021, "price": money(900), "quantity": 3, "is_enabled": True}],
                },
            ],
            "price_on_property": [],
            "quantity_on_property": [],
            "sku_on_property": [200],
        }
        etsy.add_listing(777, "Mug", shared)
        self.list_products(self.etsy, self.tshirt_s | self.tshirt_m | self.mug)
        before = json.loads(json.dumps(etsy.listings[1234567890]["inventory"]))
        etsy.conflicts = 1  # the first write meets a change made on Etsy meanwhile
        job = self.etsy._publish_inventory()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        tee = etsy.listings[1234567890]["inventory"]
        self.assertEqual([p["sku"] for p in tee["products"]], ["TSHIRT-S", "TSHIRT-M"], "no variation dropped")
        self.assertEqual(
            [p["property_values"] for p in tee["products"]],
            [
                [{k: v for k, v in pv.items() if k != "scale_name"} for pv in p["property_values"]]
                for p in before["products"]
            ],
        )
        self.assertEqual(etsy.product(1234567890, "TSHIRT-S")["offerings"][0]["price"], money(1250), "price kept")
        self.assertEqual(
            etsy.product(1234567890, "TSHIRT-M")["offerings"][0]["price"],
            money(1490),
            "the price set meanwhile on Etsy",
        )
        self.assertEqual([p["offerings"][0]["quantity"] for p in tee["products"]], [5, 5])
        self.assertEqual(tee["price_on_property"], [100])
        self.assertEqual(len([call for call in etsy.calls if call[0] == "PUT"]), 2, "409, re-read, written again")
        refused = self.etsy_exceptions().filtered(lambda e: "MUG-001" in e.name)
        self.assertEqual(len(refused), 1, "a listing sharing one quantity between colours: named, not half-written")
        self.assertIn("quantities vary", refused.description)
        self.assertEqual(etsy.product(777, "MUG-001")["offerings"][0]["quantity"], 3)
        # a sale in the warehouse: only the S quantity changes, within the same run of the outbox
        self.stock(self.tshirt_s, -2)
        self.etsy._publish_inventory()
        self.run_jobs()
        self.assertEqual(
            [p["offerings"][0]["quantity"] for p in etsy.listings[1234567890]["inventory"]["products"]], [3, 5]
        )
        self.assertEqual(etsy.product(1234567890, "TSHIRT-M")["offerings"][0]["price"], money(1490))

    # --- throttling, server errors, timeouts ---------------------------------------------------------
    @mute_logger(*QUIET)
    def test_rate_limit_server_errors_and_timeouts_are_retried_by_the_outbox(self):
        etsy = self.fake_etsy("102574536.at-valid")
        etsy.add_listing(1234567890, "Tee", tee_inventory())
        self.list_products(self.etsy, self.tshirt_s)
        limited = {"retry-after": "30", "x-limit-per-second": "10", "x-remaining-this-second": "0"}
        etsy.fail_next((429, {**limited, "x-limit-per-day": "10000", "x-remaining-today": "0"}))
        job = self.env["integration.job"]._enqueue(self.etsy, "inventory", "inv-1", {"TSHIRT-S": 4})
        self.run_jobs()
        self.assertEqual((job.state, job.attempts), ("pending", 1))
        self.assertAlmostEqual((job.next_attempt_at - fields.Datetime.now()).total_seconds(), 30, delta=2)
        sleep = "odoo.addons.integration_hub.lib.http_client.time.sleep"
        with patch(sleep) as slept:  # one short wait is spent in-process: a single 5xx costs nothing
            etsy.fail_next(503)
            job.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
        self.assertEqual((job.state, etsy.product(1234567890, "TSHIRT-S")["offerings"][0]["quantity"]), ("done", 4))
        slept.assert_called_once_with(1.0)
        backoff = "odoo.addons.integration_hub.models.integration_job.full_jitter_delay"
        with patch(sleep), patch(backoff, return_value=60):  # a timeout: the outbox's backoff (jitter pinned)
            etsy.fail_next("timeout")
            second = self.env["integration.job"]._enqueue(self.etsy, "inventory", "inv-2", {"TSHIRT-S": 2})
            self.run_jobs()
        self.assertEqual(second.state, "pending")
        self.assertIn("timed out", second.last_error)
        second.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual((second.state, etsy.product(1234567890, "TSHIRT-S")["offerings"][0]["quantity"]), ("done", 2))
        etsy.fail_next(500, 500)
        with patch(sleep):
            self.poll()
        self.assertFalse(self.etsy_events(), "a failed poll stores nothing; the cursor stays")
        self.assertFalse(self.etsy._poll_cursor("orders").cursor)
        self.assertEqual(self.etsy.sudo()._get_secret("etsy_refresh_token"), REFRESH, "no refresh was needed")


E_TRANSACTION = {
    "transaction_id": 0,
    "listing_id": 1234567890,
    "product_id": 9876543210,
    "sku": "TSHIRT-S",
    "title": "Tee",
    "quantity": 1,
    "price": money(1250),
    "variations": [],
    "shipping_method": "Standard",
    "expected_ship_date": 1795597321,
    "is_digital": False,
}

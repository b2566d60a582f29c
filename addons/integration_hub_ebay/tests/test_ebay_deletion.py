"""Marketplace account deletion through real HTTP: eBay's challenge and signed notices, end to end."""

import hashlib
import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ROUTE, VERIFICATION, EbayMixin

QUIET = ("odoo.addons.integration_hub.controllers.webhook", "odoo.addons.integration_hub.models.integration_event")


def notice(notification_id, username, user_id="1234567890"):
    return {
        "metadata": {"topic": "MARKETPLACE_ACCOUNT_DELETION", "schemaVersion": "1.0", "deprecated": False},
        "notification": {
            "notificationId": notification_id,
            "eventDate": "2026-11-28T20:43:59.354Z",
            "publishDate": "2026-11-28T20:43:59.679Z",
            "publishAttemptCount": 1,
            "data": {
                "username": username,
                "userId": user_id,
                "eiasToken": "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wFk4GlDpaDpAudj6x9nY+seQ==",
            },
        },
    }


@tagged("post_install", "-at_install")
class TestEbayAccountDeletion(EbayMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ebay()
        cls.stock(cls.tshirt_s, 10)

    def post(self, body, signature):
        return self.url_open(
            ROUTE + self.ebay.webhook_token,
            data=body,
            headers={"Content-Type": "application/json", "X-EBAY-SIGNATURE": signature},
        )

    def test_the_challenge_is_answered_with_the_hash_of_code_token_and_endpoint(self):
        response = self.url_open(
            f"{ROUTE}{self.ebay.webhook_token}?challenge_code=a8628072-3d33-45ee-9004-bee86830a22d"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "application/json")
        expected = hashlib.sha256(
            f"a8628072-3d33-45ee-9004-bee86830a22d{VERIFICATION}{self.ebay.sudo().webhook_url}".encode()
        ).hexdigest()
        self.assertEqual(response.json(), {"challengeResponse": expected})
        # behind a proxy the registered URL is another one: it is the one hashed
        self.ebay.ebay_deletion_endpoint = "https://hub.example.com/integration_hub/v1/webhooks/x"
        answer = self.url_open(f"{ROUTE}{self.ebay.webhook_token}?challenge_code=abc").json()["challengeResponse"]
        self.assertEqual(
            answer, hashlib.sha256(f"abc{VERIFICATION}{self.ebay.ebay_deletion_endpoint}".encode()).hexdigest()
        )
        self.assertEqual(self.url_open(f"{ROUTE}not-a-token?challenge_code=abc").status_code, 404)
        self.assertEqual(self.url_open(f"{ROUTE}{self.channel.webhook_token}?challenge_code=abc").status_code, 404)

    @mute_logger(*QUIET)
    def test_a_signed_deletion_notice_erases_the_buyer_once_the_orders_are_closed(self):
        fake = self.fake_ebay()
        fake.add_order("05-00000-00010")  # lucia_f: cancelled, closed
        fake.add_order("05-00000-00011", buyer={"username": "pedro_m"})  # open
        self.poll()
        self.process()
        closed, open_ = self.ebay_order("05-00000-00010"), self.ebay_order("05-00000-00011")
        fake.update_order("05-00000-00010", cancelStatus={"cancelState": "CANCELED", "cancelRequests": []})
        self.poll()
        self.process()
        self.assertEqual((closed.state, open_.state), ("cancelled", "accepted"))
        Event = self.env["integration.event"]

        # a notice signed by eBay's key (fetched once from the Notification API with an app token)
        body = json.dumps(notice("d2ba4f5e-0001", "lucia_f")).encode()
        response = self.post(body, fake.sign(body))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["message"], "accepted")
        (event,) = Event.search(
            [("channel_id", "=", self.ebay.id), ("event_type", "=", "MARKETPLACE_ACCOUNT_DELETION")]
        )
        self.assertEqual(event.idempotency_key, "deletion:d2ba4f5e-0001")
        key_calls = [c for c in fake.calls if c[1].startswith("/commerce/notification/v1/public_key/")]
        self.assertEqual(len(key_calls), 1)
        self.assertTrue(key_calls[0][2]["Authorization"].startswith("Bearer v^1.1#app-"), "an application token")
        self.assertEqual(self.post(body, fake.sign(body)).json()["message"], "duplicate", "a redelivery")
        self.process()
        self.assertEqual(event.state, "done", event.error)
        self.assertTrue(closed.personal_data_erased_at)
        self.assertNotEqual(closed.ship_name, "Lucía Ferrer")
        self.assertEqual(open_.ship_name, "Lucía Ferrer", "another buyer's order is untouched")
        audit = self.env["integration.audit.log"].search([("action", "=", "pii_erasure")])
        self.assertTrue(audit)
        self.assertNotIn("lucia_f", str(audit.read()), "never the identifiers in the audit log")

        # eBay's SDK checks the signature over JSON.stringify(message): a body sent with other spacing
        pretty = json.dumps(notice("d2ba4f5e-0002", "pedro_m"), indent=2).encode()
        compact = json.dumps(json.loads(pretty), separators=(",", ":"), ensure_ascii=False).encode()
        self.assertEqual(self.post(pretty, fake.sign(compact)).status_code, 200)
        self.process()
        self.assertFalse(open_.personal_data_erased_at, "an open order blocks the erasure")
        (waiting,) = self.ebay_exceptions("personal_data_erasure")
        self.assertIn(open_.name, waiting.name)
        self.assertNotIn("pedro_m", waiting.description)

        # someone the warehouse never served: settled without looking through the orders
        stranger = json.dumps(notice("d2ba4f5e-0003", "someone_else")).encode()
        self.assertEqual(self.post(stranger, fake.sign(stranger)).status_code, 200)
        self.process()
        settled = Event.search([("idempotency_key", "=", "deletion:d2ba4f5e-0003")])
        self.assertEqual(settled.state, "done", settled.error)
        self.assertEqual(len([c for c in fake.calls if "public_key" in c[1]]), 1, "the key is cached")

        # forged or missing signatures are refused and nothing is stored
        forged = json.dumps(notice("d2ba4f5e-0004", "lucia_f")).encode()
        self.assertEqual(self.post(forged, fake.sign(body)).status_code, 401)
        self.assertEqual(self.post(forged, "bm90LWpzb24=").status_code, 401)
        self.assertFalse(Event.search([("idempotency_key", "=", "deletion:d2ba4f5e-0004")]))

        # the kid is read before anything is authenticated: one that is no key id makes no call to eBay, an
        # unknown one is asked once, then not again for a minute
        def key_calls():
            return [c[1] for c in fake.calls if c[1].startswith("/commerce/notification/v1/public_key/")]

        before = len(key_calls())
        for kid in ("../../../sell/account/v1/privilege", "abc", "0f1e2d3c?limit=1", "0f1e2d3c/..", 12345678):
            self.assertEqual(self.post(forged, fake.sign(forged, kid=kid)).status_code, 401, kid)
        self.assertEqual(len(key_calls()), before, "a forged kid makes no call to eBay")
        unknown = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        for _attempt in range(3):
            self.assertEqual(self.post(forged, fake.sign(forged, kid=unknown)).status_code, 401)
        self.assertEqual(key_calls()[before:], [f"/commerce/notification/v1/public_key/{unknown}"], "asked once")
        self.assertFalse(Event.search([("idempotency_key", "=", "deletion:d2ba4f5e-0004")]))

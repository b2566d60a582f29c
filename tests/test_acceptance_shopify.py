"""Shopify end to end, through the real webhook endpoint.

A signed Shopify orders/create webhook -> inbox -> an accepted order with its
delivery reserved -> picking and packing in Odoo -> carrier proof of pickup ->
one fulfillment with tracking in Shopify, sent exactly once.
"""

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub_shopify.lib import shopify_mapping as M
from odoo.addons.integration_hub_shopify.tests.common import ShopifyMixin


@tagged("post_install", "-at_install")
class TestShopifyAcceptance(ShopifyMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    def test_shopify_order_to_fulfillment_with_tracking_exactly_once(self):
        shop = self.fake_shopify()
        node = shop.add_order("7001", "2026-11-20T10:00:00Z", lines=(("MUG-001", 2), ("TSHIRT-M", 1)))
        payload = M.rest_order_from_graphql(node)
        for _delivery in range(2):  # Shopify retries the same event
            response = self.post_webhook("orders/create", payload, event_id="evt-7001")
            self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()
        order = self.shop_order("7001")
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "accepted")
        picking = order._first_step_pickings()
        self.assertEqual(picking.state, "assigned", "the delivery is reserved")

        for move in picking.move_ids:
            move.picked = True
        picking.button_validate()
        self.assertEqual(order.state, "packed")
        self.env["integration.job"]._cron_run_outbox()
        self.assertNotIn("7001", shop.fulfillments, "nothing is fulfilled before the carrier has it")

        order._record_carrier_pickup("PICKUP-7001", "1Z999AA10123456784", fields.Datetime.now(), "carrier scan")
        self.assertEqual(order.state, "dispatched")
        self.env["integration.job"]._cron_run_outbox()
        self.env["integration.job"]._cron_run_outbox()
        (fulfillment,) = shop.fulfillments["7001"]
        self.assertEqual(fulfillment["trackingInfo"][0]["number"], "1Z999AA10123456784")
        self.assertEqual(sorted(item["quantity"] for item in fulfillment["lines"]), [1, 2])
        self.assertEqual(shop.operations().count("HubFulfillmentCreate"), 1)

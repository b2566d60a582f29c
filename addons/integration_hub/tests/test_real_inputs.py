"""Orders and returns shaped like the ones real shops send, through the signed generic webhook."""

from odoo.tests import HttpCase, tagged

from .order_common import OrderCase

ROUTE = "/integration_hub/v1/webhooks/"


@tagged("post_install", "-at_install")
class TestRealOrderInputs(OrderCase, HttpCase):
    def send(self, event_type, data):
        body, headers = self.signed_request({"type": event_type, "data": data})
        response = self.url_open(ROUTE + self.channel.webhook_token, data=body, headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()
        return self.env["integration.event"].search([("idempotency_key", "=", headers["webhook-id"])])

    def channel_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", external_id)]
        )

    # --- 1. lines that are not goods, and lines fulfilled elsewhere -------------------------------------
    def test_lines_that_do_not_ship_here_are_kept_and_never_hold(self):
        poster = self.env["product.product"].create({"name": "Poster", "default_code": "POSTER-A2"})
        lines = [
            {"id": "1", "sku": "MUG-001", "quantity": 2, "price": 9.95},
            {"id": "2", "name": "Gift wrapping", "sku": "", "quantity": 1, "price": 2.5, "ships": False},
            {"id": "3", "name": "Poster", "sku": "POSTER-A2", "quantity": 1, "price": 30, "fulfilled_by": "Printful"},
            {"id": "4", "name": "E-gift card", "sku": "GC-UNKNOWN", "quantity": 1, "price": 25, "ships": "false"},
        ]
        self.send("order.created", self.order_data("G-1", lines=lines))
        order = self.channel_order("G-1")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(
            [(line.line_kind, line.price_unit) for line in order.line_ids],
            [("goods", 9.95), ("no_shipping", 2.5), ("elsewhere", 30.0), ("no_shipping", 25.0)],
        )
        self.assertEqual(order.line_ids[2].product_id, poster, "resolved when it can be, to show the product")
        self.assertFalse(order.line_ids[3].resolution_note, "an unknown SKU on a line that does not ship is no problem")
        self.assertEqual(order.sale_order_id.order_line.product_id, self.mug)
        self.assertEqual(order.sale_order_id.order_line.product_uom_qty, 2)

    def test_an_order_with_nothing_to_ship_here_says_so(self):
        lines = [{"id": "1", "name": "E-gift card", "sku": "", "quantity": 1, "price": 25, "ships": False}]
        self.send("order.created", self.order_data("G-2", lines=lines))
        order = self.channel_order("G-2")
        self.assertEqual(order.state, "on_hold")
        self.assertIn("nothing for this warehouse to ship", order.validation_problems)
        self.assertIn("E-gift card", order.validation_problems)
        self.assertFalse(order.sale_order_id)

    # --- 2. lines without SKU ---------------------------------------------------------------------------
    def test_return_line_without_sku_resolves_through_the_channel_product_id(self):
        lines = [
            {"id": "1", "sku": "MUG-001", "variant_id": "V-100", "quantity": 1},
            {"id": "2", "sku": "TSHIRT-S", "variant_id": "V-200", "quantity": 1},
        ]
        self.send("order.created", self.order_data("G-3", lines=lines))
        learned = self.env["integration.external.id"].search(
            [("channel_id", "=", self.channel.id), ("source", "=", "order_line")]
        )
        self.assertEqual(
            sorted((row.external_id, row.product_id.default_code, row.listed) for row in learned),
            [("V-100", "MUG-001", True), ("V-200", "TSHIRT-S", True)],
        )
        event = self.send(
            "return.created",
            {
                "id": "R-G-3",
                "order_id": "G-3",
                "status": "authorized",
                "lines": [
                    {"sku": "MUG-001", "quantity": 1, "disposition": "sellable"},
                    {"sku": "", "variant_id": "V-200", "quantity": 1, "disposition": "rework"},
                ],
            },
        )
        self.assertEqual(event.state, "done", event.error)
        ret = self.env["integration.return"].search([("external_id", "=", "R-G-3")])
        self.assertEqual(
            [(line.product_id, line.instructed_grade) for line in ret.line_ids],
            [(self.mug, "sellable"), (self.tshirt_s, "rework")],
        )

    def test_order_line_without_sku_resolves_through_a_mapped_channel_product_id(self):
        self.env["integration.external.id"].with_user(self.user_admin).create(
            {"channel_id": self.channel.id, "external_id": "V-300", "product_id": self.tshirt_m.id}
        )
        lines = [{"id": "1", "sku": "", "variant_id": "V-300", "quantity": 1}]
        self.send("order.created", self.order_data("G-4", lines=lines))
        order = self.channel_order("G-4")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.line_ids.product_id, order.line_ids.resolution), (self.tshirt_m, "channel_product"))

    def test_return_with_no_resolvable_line_fails_naming_it_and_is_kept(self):
        self.send("order.created", self.order_data("G-5"))
        event = self.send(
            "return.created",
            {"id": "R-G-5", "order_id": "G-5", "lines": [{"sku": None, "variant_id": "V-999", "quantity": 1}]},
        )
        self.assertEqual(event.state, "failed")
        self.assertIn("V-999", event.error)
        self.assertNotIn("KeyError", event.error)
        self.assertNotIn("Unexpected error", event.error)

    # --- 6. kits competing with their own components ------------------------------------------------------
    def test_kits_and_loose_lines_add_up_per_component(self):
        self.stock(self.mug, 650)  # 700 with the 50 of the class
        self.stock(self.tshirt_s, 680)  # 700 with the 20 of the class
        lines = [
            {"id": "1", "sku": "KIT-GIFT", "quantity": 500},
            {"id": "2", "sku": "MUG-001", "quantity": 500},
            {"id": "3", "sku": "TSHIRT-S", "quantity": 500},
        ]
        self.send("order.created", self.order_data("G-6", lines=lines))
        order = self.channel_order("G-6")
        self.assertEqual(order.state, "on_hold")
        self.assertEqual(
            order.validation_problems.splitlines(),
            [
                "not enough stock of MUG-001: 1000 needed (500 loose, 500 in 500 × KIT-GIFT), 700 free",
                "not enough stock of TSHIRT-S: 1000 needed (500 loose, 500 in 500 × KIT-GIFT), 700 free",
            ],
        )
        self.assertFalse(
            self.env["sale.order"].search([("integration_order_id", "=", order.id)]),
            "no sale order is created to be cancelled",
        )

    def test_kits_and_loose_lines_that_fit_are_accepted(self):
        self.stock(self.mug, 650)
        self.stock(self.tshirt_s, 680)
        lines = [{"id": "1", "sku": "KIT-GIFT", "quantity": 300}, {"id": "2", "sku": "MUG-001", "quantity": 400}]
        self.send("order.created", self.order_data("G-7", lines=lines))
        order = self.channel_order("G-7")
        self.assertEqual(order.state, "accepted", order.validation_problems)

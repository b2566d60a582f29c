"""Clients of the warehouse: two merchants sharing a SKU code are kept apart end to end, and the books
follow each client's accounting mode (README "Clients and accounting")."""

import json

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import TEST_SECRET, HubFactoryMixin

ROUTE = "/integration_hub/v1/webhooks/"


class ClientsMixin(HubFactoryMixin):
    @classmethod
    def setup_clients(cls):
        env = cls.env
        cls.setup_hub()
        Partner = env["res.partner"]
        cls.client_a = Partner.create(
            {"name": "Alfa Tienda S.L.", "is_company": True, "hub_client": True, "hub_accounting_mode": "fulfilment"}
        )
        cls.client_b = Partner.create(
            {"name": "Beta Hogar S.L.", "is_company": True, "hub_client": True, "hub_accounting_mode": "fulfilment"}
        )
        cls.channel_a = cls.make_channel("Alfa shop", "ALFA", client_id=cls.client_a.id)
        cls.channel_b = cls.make_channel("Beta shop", "BETA", client_id=cls.client_b.id)
        for channel in cls.channel_a | cls.channel_b:
            channel.webhook_secret = TEST_SECRET
        # valued automatically, so that a journal entry would show up if the client's goods were valued
        cls.category = env["product.category"].create(
            {"name": "Valued goods", "property_cost_method": "standard", "property_valuation": "real_time"}
        )
        Product = env["product.product"]
        values = {"default_code": "CUP-1", "is_storable": True, "categ_id": cls.category.id, "standard_price": 4.0}
        cls.cup_a = Product.create({**values, "name": "Cup (Alfa)", "hub_client_id": cls.client_a.id})
        cls.cup_b = Product.create({**values, "name": "Cup (Beta)", "hub_client_id": cls.client_b.id})
        cls.list_products(cls.channel_a, cls.cup_a)
        cls.list_products(cls.channel_b, cls.cup_b)
        Quant, shelf = env["stock.quant"], cls.warehouse.lot_stock_id
        Quant._update_available_quantity(cls.cup_a, shelf, 10, owner_id=cls.client_a)
        Quant._update_available_quantity(cls.cup_b, shelf, 3, owner_id=cls.client_b)
        # goods of Alfa received by mistake under Beta's product: still Alfa's, never Beta's to sell
        Quant._update_available_quantity(cls.cup_b, shelf, 5, owner_id=cls.client_a)

    def send(self, channel, payload):
        body, headers = self.signed_request(payload)
        response = self.url_open(ROUTE + channel.webhook_token, data=body, headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", payload["data"]["id"])]
        )

    def cup_order(self, external_id, quantity, **overrides):
        return self.order_payload(external_id, lines=[{"id": "1", "sku": "CUP-1", "quantity": quantity}], **overrides)

    def deliver(self, order):
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking._action_done()
        return picking


@tagged("post_install", "-at_install")
class TestTwoClients(ClientsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_clients()

    def test_two_clients_sharing_a_sku_are_kept_apart_from_webhook_to_publication(self):
        order_a = self.send(self.channel_a, self.cup_order("A-1", 4))
        self.assertEqual(order_a.line_ids.product_id, self.cup_a, "Alfa's channel resolves CUP-1 in Alfa's catalog")
        self.assertEqual(order_a.state, "accepted")
        moves = order_a._first_step_pickings().move_ids
        self.assertEqual(moves.restrict_partner_id, self.client_a)
        self.assertEqual(moves.move_line_ids.owner_id, self.client_a, "only Alfa's goods are reserved")

        job_a, job_b = self.channel_a._publish_inventory(), self.channel_b._publish_inventory()
        self.assertEqual(job_a._payload(), {"CUP-1": 6}, "Alfa: 10 owned - 4 reserved")
        self.assertEqual(job_b._payload(), {"CUP-1": 3}, "Beta: its own 3 only, never Alfa's goods nor order")
        # nothing of either client reaches the company's own channel
        self.assertFalse(self.channel._publish_inventory())

        order_b = self.send(self.channel_b, self.cup_order("B-1", 4))
        self.assertEqual(order_b.line_ids.product_id, self.cup_b)
        self.assertEqual(order_b.state, "on_hold", "Beta owns 3: Alfa's 5 units on the same shelf are not Beta's")
        self.assertIn("3 free", order_b.hold_reasons)
        self.assertFalse(order_b.sale_order_id)
        # Beta's held order keeps Beta's stock back; Alfa's figure does not move
        self.assertEqual(self.channel_b._publish_inventory()._payload(), {"CUP-1": 0})
        self.assertFalse(self.channel_a._publish_inventory(), "Alfa's level is unchanged by Beta's order")

        self.deliver(order_a)
        self.assertEqual(self.cup_a.with_context(owner_id=self.client_a.id).qty_available, 6)
        self.assertEqual(self.cup_b.with_context(owner_id=self.client_b.id).qty_available, 3)
        self.assertEqual(self.cup_b.with_context(owner_id=self.client_a.id).qty_available, 5)

    def test_equivalences_are_per_client(self):
        Equivalence = self.env["integration.sku.equivalence"]
        Equivalence.create({"old_code": "CUP-OLD", "product_id": self.cup_a.id})
        # the same old code for another client is no clash, and another client's live code is none either
        Equivalence.create({"old_code": "CUP-OLD", "product_id": self.cup_b.id})
        with self.assertRaises(ValidationError):
            other = self.env["product.product"].create(
                {"name": "Jug (Alfa)", "default_code": "JUG-1", "hub_client_id": self.client_a.id}
            )
            Equivalence.create({"old_code": "CUP-OLD", "product_id": other.id})
        self.assertEqual(
            Equivalence._resolve_codes(self.channel_a, ["CUP-OLD"])["CUP-OLD"]["product_id"], self.cup_a.id
        )
        self.assertEqual(
            Equivalence._resolve_codes(self.channel_b, ["CUP-OLD"])["CUP-OLD"]["product_id"], self.cup_b.id
        )
        # the company's own channel knows neither client's product
        self.assertIn("problem", Equivalence._resolve_codes(self.channel, ["CUP-1"])["CUP-1"])

    def test_a_channel_belongs_to_exactly_one_client_by_default_the_company(self):
        self.assertEqual(self.channel.client_id, self.env.company.partner_id)
        self.assertTrue(self.env.company.partner_id.hub_client)
        self.assertTrue(self.env.company.partner_id._hub_is_own_sales())
        self.assertEqual(self.channel_a.client_id, self.client_a)
        product = self.env["product.product"].create({"name": "Plain", "default_code": "PLAIN-1"})
        self.assertEqual(product.hub_client_id, self.env.company.partner_id, "a new product is the company's own")

    def test_upgrade_gives_what_existed_to_the_company_itself(self):
        # a database from before clients: no flag on the company, products and equivalences without client
        mug = self.env["product.product"].create({"name": "Old mug", "default_code": "OLD-MUG-1"})
        equivalence = self.env["integration.sku.equivalence"].create({"old_code": "OLD-MUG-0", "product_id": mug.id})
        partner = self.env.company.partner_id
        self.env.flush_all()
        self.env.cr.execute("UPDATE product_template SET hub_client_id = NULL WHERE id = %s", [mug.product_tmpl_id.id])
        self.env.cr.execute("UPDATE integration_sku_equivalence SET client_id = NULL WHERE id = %s", [equivalence.id])
        self.env.cr.execute(
            "UPDATE res_partner SET hub_client = false, hub_accounting_mode = 'fulfilment' WHERE id = %s",
            [partner.id],
        )
        self.env.cr.execute(
            "UPDATE integration_channel SET client_id = %s WHERE id = %s", [partner.id, self.channel_a.id]
        )
        self.env.invalidate_all()
        self.env["res.partner"]._hub_assign_existing_to_companies()
        self.assertEqual((partner.hub_client, partner.hub_accounting_mode), (True, "own_sales"))
        self.assertEqual(mug.hub_client_id, partner)
        self.assertEqual(equivalence.client_id, partner)
        self.assertEqual(self.channel.client_id, partner)
        self.assertEqual(self.channel_a.client_id, partner, "a channel of the company's partner stays the company's")
        self.assertEqual(self.channel_b.client_id, self.client_b, "a channel of another client is left alone")

    def test_fulfilment_books_no_revenue_and_no_valuation_of_the_clients_goods(self):
        order = self.send(
            self.channel_a,
            self.cup_order("A-2", 2, currency="EUR", total="30.00", shipping_price="5.00", shipping_tax="1.05"),
        )
        sale = order.sale_order_id
        self.assertEqual(sale.partner_id, self.client_a, "the client is the invoicing partner")
        self.assertEqual(sale.partner_invoice_id, self.client_a)
        self.assertEqual(sale.partner_shipping_id.name, "Lucía Pérez", "the consumer is only the delivery address")
        self.assertNotEqual(sale.partner_shipping_id.commercial_partner_id, self.client_a)
        self.assertEqual(sale.amount_total, 0.0, "no revenue: the goods are the client's")
        self.assertEqual(order.amount_total, 30.0, "the consumer's amounts stay on the channel order for reference")
        picking = self.deliver(order)
        self.assertEqual(picking.move_ids.move_line_ids.owner_id, self.client_a)
        sale.invalidate_recordset()
        self.assertEqual(sale.order_line.qty_delivered, 2.0)
        self.assertEqual(sale.invoice_status, "no", "nothing to invoice")
        layers = self.env["stock.valuation.layer"].search([("product_id", "=", self.cup_a.id)])
        self.assertFalse(layers, "the client's goods are not the warehouse's asset: no valuation layer")
        entries = self.env["account.move"].search([("stock_move_id", "in", picking.move_ids.ids)])
        self.assertFalse(entries, "and no journal entry")
        self.assertEqual(self.cup_a.value_svl, 0.0)
        quants = self.env["stock.quant"].search([("product_id", "=", self.cup_a.id)])
        self.assertEqual(sum(quants.mapped("value")), 0.0, "owned stock carries no value in the warehouse's books")

    def test_receipts_for_a_client_set_the_owner(self):
        # the inbound transfer of an expected receipt of Alfa's channel: the goods arrive as Alfa's
        receipt = self.env["integration.receipt"]._hub_create(
            {"channel_id": self.channel_a.id, "external_id": "PO-ALFA-1", "partner_id": self.client_a.id}
        )
        self.assertEqual(receipt._create_transfer(self.env["integration.receipt.line"]).owner_id, self.client_a)


@tagged("post_install", "-at_install")
class TestOwnSalesAmounts(ClientsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_clients()
        env = cls.env
        cls.mug = env["product.product"].create(
            {"name": "Mug", "default_code": "MUG-001", "is_storable": True, "categ_id": cls.category.id}
        )
        cls.mug.standard_price = 3.0
        cls.stock(cls.mug, 10)
        cls.list_products(cls.channel, cls.mug)
        cls.vat21 = env["account.tax"].create(
            {"name": "IVA 21% (test)", "amount": 21.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.vat21_included = env["account.tax"].create(
            {
                "name": "IVA 21% incl. (test)",
                "amount": 21.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )

    @classmethod
    def stock(cls, product, quantity):
        cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, quantity)

    def amounts_order(self, external_id, **overrides):
        payload = self.order_payload(
            external_id,
            currency="EUR",
            prices_include_tax=False,
            shipping_price="5.00",
            shipping_tax="1.05",
            total="27.83",
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 2, "price": "10.00", "discount": "2.00", "tax": "3.78"}],
        )
        payload["data"].update(overrides)
        return payload

    def test_the_channel_order_keeps_the_amounts_as_sent(self):
        order = self.send(self.channel, self.amounts_order("O-1"))
        self.assertEqual(order.currency_id.name, "EUR")
        self.assertEqual(
            (order.amount_total, order.amount_shipping, order.amount_shipping_tax, order.amount_tax),
            (27.83, 5.0, 1.05, 4.83),
        )
        line = order.line_ids
        self.assertEqual(
            (line.price_unit, line.discount_amount, line.tax_amount, line.price_subtotal), (10, 2, 3.78, 18)
        )
        self.assertEqual(order.placed_month.isoformat(), "2026-11-01")

    def test_own_sales_invoice_the_consumer_at_the_channels_prices(self):
        self.mug.list_price = 99.0  # Odoo's list price is never used
        order = self.send(self.channel, self.amounts_order("O-2"))
        sale = order.sale_order_id
        self.assertEqual(sale.partner_id.name, "Lucía Pérez", "own sales: the end customer is invoiced")
        self.assertFalse(sale.hub_fulfilment)
        self.assertEqual(sale.currency_id.name, "EUR")
        goods = sale.order_line.filtered(lambda line: line.product_id == self.mug)
        self.assertEqual((goods.price_unit, goods.discount, goods.tax_id), (10.0, 10.0, self.vat21))
        shipping = sale.order_line - goods
        self.assertEqual((shipping.price_unit, shipping.tax_id), (5.0, self.vat21))
        self.assertAlmostEqual(sale.amount_total, 27.83, places=2, msg="the Odoo total is the channel's total")
        picking = self.deliver(order)
        sale.invalidate_recordset()
        self.assertEqual(sale.invoice_status, "to invoice")
        layers = self.env["stock.valuation.layer"].search([("stock_move_id", "in", picking.move_ids.ids)])
        self.assertEqual(layers.value, -6.0, "the company's own stock is valued: 2 x 3.00 leave the books")
        self.assertTrue(layers.account_move_id, "and the automated valuation posts its journal entry")

    def test_prices_including_tax_and_another_currency(self):
        payload = self.amounts_order(
            "O-3",
            currency="USD",
            prices_include_tax=True,
            shipping_price="6.05",
            shipping_tax="1.05",
            total="30.25",
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 2, "price": "12.10", "tax": "4.20"}],
        )
        order = self.send(self.channel, payload)
        sale = order.sale_order_id
        self.assertEqual(sale.currency_id.name, "USD")
        self.assertEqual(sale.order_line.tax_id, self.vat21_included)
        self.assertAlmostEqual(sale.amount_total, 30.25, places=2)

    def test_an_unknown_tax_rate_is_said_not_guessed(self):
        payload = self.amounts_order(
            "O-4", lines=[{"id": "1", "sku": "MUG-001", "quantity": 1, "price": "10.00", "tax": "0.70"}]
        )
        order = self.send(self.channel, payload)
        self.assertFalse(order.sale_order_id.order_line.filtered(lambda line: line.product_id == self.mug).tax_id)
        self.assertIn("No sale tax of the company matches", " ".join(order.message_ids.mapped("body")))

    def test_generic_document_without_amounts_still_works(self):
        order = self.send(self.channel, self.order_payload("O-5"))
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.currency_id, self.env.company.currency_id)
        self.assertEqual(order.amount_total, 0.0)
        self.assertEqual(json.loads(json.dumps(order.sale_order_id.amount_total)), 0.0)


@tagged("post_install", "-at_install")
class TestCreditNoteAndCorrections(ClientsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_clients()
        env = cls.env
        cls.mug = env["product.product"].create(
            {"name": "Mug", "default_code": "MUG-001", "is_storable": True, "categ_id": cls.category.id}
        )
        cls.mug.standard_price = 3.0
        env["stock.quant"]._update_available_quantity(cls.mug, cls.warehouse.lot_stock_id, 10)
        cls.list_products(cls.channel, cls.mug)
        cls.vat21 = env["account.tax"].create(
            {"name": "IVA 21% (test)", "amount": 21.0, "amount_type": "percent", "type_tax_use": "sale"}
        )

    def receive(self, channel, kind, data):
        Event = self.env["integration.event"]
        event_id, _created = Event._receive(channel, f"m-{kind}-{json.dumps(data)}", kind, data)
        Event.browse(event_id)._process()

    def complete_return(self, channel, order, sku, rma):
        self.receive(
            channel,
            "return.created",
            {
                "id": rma,
                "order_id": order.external_id,
                "reason": "damaged",
                "status": "authorized",
                "lines": [{"sku": sku, "quantity": 1, "disposition": "sellable"}],
            },
        )
        ret = self.env["integration.return"].search([("channel_id", "=", channel.id), ("external_id", "=", rma)])
        ret.with_user(self.user_operations).action_create_receipt()
        receipt = ret.receipt_id
        receipt.move_ids.quantity = 1
        receipt.move_ids.picked = True
        receipt._action_done()
        self.assertEqual(ret.state, "triaged")
        ret.with_user(self.user_manager).action_complete()
        return ret

    def test_own_sales_return_ending_in_a_credit_creates_a_draft_credit_note(self):
        payload = self.order_payload(
            "C-1",
            currency="EUR",
            total="24.20",
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 2, "price": "10.00", "tax": "4.20"}],
        )
        order = self.send(self.channel, payload)
        self.deliver(order)
        ret = self.complete_return(self.channel, order, "MUG-001", "RMA-C1")
        credit = ret.credit_note_id
        self.assertEqual((credit.move_type, credit.state), ("out_refund", "draft"), "a draft for Finance to review")
        self.assertEqual(credit.partner_id, order.sale_order_id.partner_invoice_id)
        self.assertEqual(
            (credit.invoice_line_ids.product_id, credit.invoice_line_ids.quantity), (self.mug, 1.0), "returned lines"
        )
        self.assertEqual(credit.invoice_line_ids.price_unit, 10.0, "at the channel's price, not the list price")
        self.assertEqual(credit.invoice_line_ids.tax_ids, self.vat21)
        self.assertAlmostEqual(credit.amount_total, 12.10, places=2)
        # Finance reads it and cannot post it
        self.assertEqual(credit.with_user(self.user_finance).read(["amount_total"])[0]["amount_total"], 12.10)

    def test_fulfilment_return_creates_no_credit_note_and_restocks_the_clients_goods(self):
        order = self.send(self.channel_a, self.cup_order("A-R1", 1))
        self.deliver(order)
        ret = self.complete_return(self.channel_a, order, "CUP-1", "RMA-A1")
        self.assertFalse(ret.credit_note_id, "the consumer's refund is the client's business")
        self.assertTrue(ret.credit_to_review)
        self.assertEqual(ret.receipt_id.move_ids.move_line_ids.owner_id, self.client_a, "back as Alfa's goods")
        self.assertEqual(self.cup_a.with_context(owner_id=self.client_a.id).qty_available, 10)
        report = self.env["integration.inventory.correction"].search([("product_id", "=", self.cup_a.id)])
        self.assertEqual((report.kind, report.variance, report.value), ("return_disposition", 1.0, 0.0))
        self.assertIn(f"{ret.name}: sellable", report.reason)

    def test_corrections_are_valued_with_their_reason_and_reported_by_client(self):
        Reconcile = self.env["integration.inventory.reconcile"].with_user(self.user_manager)
        shelf = self.warehouse.lot_stock_id
        Reconcile._apply_count(self.mug, shelf, 8, "damage", note="two broken in A-12")
        Reconcile._apply_count(self.cup_a, shelf, 9, "miscount")
        layer = self.env["stock.valuation.layer"].search([("product_id", "=", self.mug.id)])
        self.assertEqual(layer.hub_correction_kind, "reconciliation")
        self.assertEqual(layer.hub_correction_reason, "Damage: two broken in A-12")
        self.assertEqual(layer.value, -6.0, "2 x 3.00 of the company's own valued stock")
        self.assertFalse(
            self.env["stock.valuation.layer"].search([("product_id", "=", self.cup_a.id)]),
            "Alfa's goods are not valued in the warehouse's books",
        )
        self.assertEqual(self.cup_a.with_context(owner_id=self.client_a.id).qty_available, 9, "still Alfa's")
        Report = self.env["integration.inventory.correction"].with_user(self.user_finance)
        rows = Report.read_group([], ["variance:sum", "value:sum"], ["client_id", "kind"], lazy=False)
        figures = {(row["client_id"][0], row["kind"]): (row["variance"], row["value"]) for row in rows}
        self.assertEqual(figures[(self.env.company.partner_id.id, "reconciliation")], (-2.0, -6.0))
        self.assertEqual(figures[(self.client_a.id, "reconciliation")], (-1.0, 0.0))
        # Finance reads the valuation view's new columns, and writes nothing
        self.assertEqual(
            layer.with_user(self.user_finance).read(["hub_correction_reason"])[0]["hub_correction_reason"],
            "Damage: two broken in A-12",
        )

    def test_count_import_reads_the_skus_of_the_chosen_client(self):
        import base64

        Import = self.env["integration.inventory.import"].with_user(self.user_manager)
        wizard = Import.create(
            {
                "file": base64.b64encode(
                    f"sku,location,counted\nCUP-1,{self.warehouse.lot_stock_id.complete_name},2\n".encode()
                ),
                "filename": "counts.csv",
                "client_id": self.client_b.id,
            }
        )
        wizard.action_import()
        self.assertIn("1 row(s) applied", wizard.result)
        self.assertEqual(self.cup_b.with_context(owner_id=self.client_b.id).qty_available, 2, "Beta's CUP-1 counted")
        self.assertEqual(self.cup_a.qty_available, 10, "Alfa's CUP-1 untouched")
        row = self.env["integration.inventory.correction"].search([("product_id", "=", self.cup_b.id)])
        self.assertEqual((row.kind, row.client_id), ("count_import", self.client_b))
        self.assertIn("counts.csv", row.reason)

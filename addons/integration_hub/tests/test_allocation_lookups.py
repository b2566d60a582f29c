"""The allocation lookups (issue 23) give Odoo's own answers: a differential test.

``stock_allocation_lookups.py`` answers some of Odoo's look-ups (kit BoMs, quants, reordering rules, procurement
rules, analytic distribution models) from what one allocation read once, and creates the move lines of one
``_action_assign`` together. The claim is that every answer is the one Odoo itself would give. Each test below
builds one situation, then confirms the same sale order twice from that very state (a savepoint rolled back in
between): once with plain Odoo (no lookups in the context) and once inside an open ``AllocationLookups`` exactly
as ``_allocate`` does it (open, read BoM existence, confirm, flush, close). The moves, the move lines (in order),
the package levels, the sale lines and every quant of the products involved must be the same.
"""

from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models import stock_allocation_lookups as lookups_module
from ..models.stock_allocation_lookups import CONTEXT_KEY, AllocationLookups, HubQuantsCache, open_lookups
from .common import HubFactoryMixin

WHAT_DIFFERS = {
    "pickings": "the transfers (type, state, package levels) differ: a procurement rule or the entire-package check "
    "answered differently",
    "moves": "the moves (product, quantities, state, rule, owner restriction) differ: a kit BoM, a procurement rule "
    "or the reservation answered differently",
    "move_lines": "the move lines (product, location, lot, package, owner, quantity, in order) differ: the quants were "
    "gathered in another order or set, or a deferred line reserved what another move had already taken",
    "quants": "the quants (quantity, reserved quantity, in date) differ: another quant was reserved",
    "productions": "the manufacturing orders (made to order or by an automatic reordering rule) differ: a "
    "procurement rule or a reordering rule answered differently",
    "sale_lines": "the sale lines (delivered / to deliver quantities, analytic distribution) differ",
}


@tagged("post_install", "-at_install")
class TestAllocationLookupsAreOdoos(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.channel = cls.make_channel("Lookups shop", "LKUP")
        cls.stock_location = cls.warehouse.lot_stock_id
        Location = env["stock.location"]
        # "Shelf B" is older stock in most cases below; "Shelf A" comes first by name (closest removal)
        cls.shelf_a = Location.create({"name": "Shelf A", "location_id": cls.stock_location.id, "usage": "internal"})
        cls.shelf_b = Location.create({"name": "Shelf B", "location_id": cls.stock_location.id, "usage": "internal"})
        cls.customer = env["res.partner"].create({"name": "Lookups customer"})
        cls.consignor = env["res.partner"].create({"name": "Consignor (stock owner)"})
        Category = env["product.category"]
        cls.categ_fifo = Category.create({"name": "FIFO", "removal_strategy_id": env.ref("stock.removal_fifo").id})
        cls.categ_lifo = Category.create({"name": "LIFO", "removal_strategy_id": env.ref("stock.removal_lifo").id})
        cls.categ_closest = Category.create(
            {"name": "Closest", "removal_strategy_id": env.ref("stock.removal_closest").id}
        )
        cls.categ_least_packages = Category.create(
            {"name": "Least packages", "removal_strategy_id": env.ref("stock.removal_least_packages").id}
        )
        cls.now = fields.Datetime.now().replace(microsecond=0)

    # --- building the situation ------------------------------------------------------------------------------
    @classmethod
    def product(cls, name, categ=None, **values):
        return cls.env["product.product"].create(
            {
                "name": name,
                "default_code": name.upper().replace(" ", "-"),
                "is_storable": True,
                "categ_id": (categ or cls.categ_fifo).id,
                **values,
            }
        )

    @classmethod
    def put(cls, product, quantity, location=None, days_ago=0, lot=None, package=None, owner=None):
        """Stock received ``days_ago`` days ago (the quant's in_date)."""
        cls.env["stock.quant"]._update_available_quantity(
            product,
            location or cls.stock_location,
            quantity,
            lot_id=lot,
            package_id=package,
            owner_id=owner,
            in_date=cls.now - timedelta(days=days_ago),
        )

    @classmethod
    def kit_bom(cls, kit, components, variant=True):
        """A kit (phantom BoM) of ``kit``: on the variant, or on its template (``variant=False``)."""
        return cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": kit.product_tmpl_id.id,
                "product_id": kit.id if variant else False,
                "type": "phantom",
                "bom_line_ids": [(0, 0, {"product_id": c.id, "product_qty": qty}) for c, qty in components],
            }
        )

    @classmethod
    def template_with_sizes(cls, name):
        size = cls.env["product.attribute"].create(
            {"name": f"{name} size", "value_ids": [(0, 0, {"name": "S"}), (0, 0, {"name": "M"})]}
        )
        template = cls.env["product.template"].create(
            {
                "name": name,
                "is_storable": True,
                "attribute_line_ids": [(0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})],
            }
        )
        by_size = {v.product_template_attribute_value_ids.name: v for v in template.product_variant_ids}
        return by_size["S"], by_size["M"]

    # --- confirming the same order twice -----------------------------------------------------------------------
    def order_values(self, lines, order_line_uoms=None, **values):
        """``lines``: [(product, quantity)]; ``order_line_uoms``: {line index: unit of measure} (else the product's)."""
        uoms = order_line_uoms or {}
        return {
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "warehouse_id": self.warehouse.id,
            "order_line": [
                (
                    0,
                    0,
                    {"product_id": p.id, "product_uom_qty": qty, **({"product_uom": uoms[i].id} if i in uoms else {})},
                )
                for i, (p, qty) in enumerate(lines)
            ],
            **values,
        }

    def confirm_plain(self, lines, **values):
        order = self.env["sale.order"].sudo().create(self.order_values(lines, **values))
        order.action_confirm()
        order.env.flush_all()
        return order

    def confirm_with_lookups(self, lines, **values):
        """Exactly what ``_allocate`` does around the sale order (integration_channel_order_allocation.py)."""
        lookups = AllocationLookups()
        products = self.env["product.product"].concat(*(p for p, _qty in lines))
        per_kit = self.channel.sudo()._kit_components(products)
        lookups.read_bom_existence(self.env, products | products.browse({c for kit in per_kit.values() for c in kit}))
        try:
            order = (
                self.env["sale.order"]
                .sudo()
                .with_context({CONTEXT_KEY: lookups})
                .create(self.order_values(lines, **values))
            )
            order.action_confirm()
            order.env.flush_all()
        finally:
            lookups.close()
        return order

    def snapshot(self, order):
        """What the confirmation left, as plain values (records of the savepoint do not survive it)."""
        moves = order.order_line.move_ids.sorted("id")
        productions = self.env["mrp.production"].search(
            [("product_id", "in", (order.order_line.product_id | moves.product_id).ids)], order="id"
        )
        products = order.order_line.product_id | moves.product_id | productions.move_raw_ids.product_id
        quants = self.env["stock.quant"].sudo().search([("product_id", "in", products.ids)], order="id")
        return {
            "pickings": [
                (
                    picking.picking_type_id.name,
                    picking.state,
                    sorted(picking.package_level_ids.mapped(lambda level: (level.package_id.name, level.state))),
                )
                for picking in order.picking_ids.sorted("id")
            ],
            "moves": [
                (
                    move.product_id.display_name,
                    move.product_uom_qty,
                    move.quantity,
                    move.state,
                    move.location_id.complete_name,
                    move.rule_id.name,
                    move.restrict_partner_id.name,
                    move.sale_line_id.product_id.display_name,
                )
                for move in moves
            ],
            "move_lines": [
                (
                    moves.ids.index(line.move_id.id),
                    line.product_id.display_name,
                    line.location_id.complete_name,
                    line.lot_id.name,
                    line.package_id.name,
                    line.owner_id.name,
                    line.quantity,
                )
                for line in moves.move_line_ids.sorted("id")
            ],
            "quants": [
                (
                    quant.id,
                    quant.product_id.display_name,
                    quant.location_id.complete_name,
                    quant.lot_id.name,
                    quant.package_id.name,
                    quant.owner_id.name,
                    quant.quantity,
                    quant.reserved_quantity,
                    quant.in_date,
                )
                for quant in quants
            ],
            "productions": [
                (
                    production.product_id.display_name,
                    production.product_qty,
                    production.state,
                    production.reservation_state,
                    (production.origin or "").replace(order.name, "<sale order>"),
                    [
                        (raw.product_id.display_name, raw.product_uom_qty, raw.quantity)
                        for raw in production.move_raw_ids
                    ],
                )
                for production in productions
            ],
            "sale_lines": [
                (line.product_id.display_name, line.qty_delivered, line.qty_to_deliver, line.analytic_distribution)
                for line in order.order_line.sorted("id")
            ],
        }

    def in_savepoint(self, confirm, lines, **values):
        savepoint = self.env.cr.savepoint()
        try:
            return self.snapshot(confirm(lines, **values))
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)
            self.env.registry.clear_cache()

    def assert_same_as_odoo(self, lines, **values):
        """Confirm ``lines`` with plain Odoo and with the lookups, from the same state; returns Odoo's snapshot
        and how often the lookups answered quants from their cache (so a case is known to reach the overrides).

        Two levels: each answer the lookups give is compared, at that moment, with the one Odoo's own method gives
        (``odoo_answers_checked``), and what the confirmation leaves is compared with what plain Odoo leaves."""
        odoo = self.in_savepoint(self.confirm_plain, lines, **values)
        gather = HubQuantsCache.gather
        mismatches = []
        with (
            patch.object(HubQuantsCache, "gather", autospec=True, side_effect=gather) as gathered,
            self.odoo_answers_checked(mismatches),
        ):
            hub = self.in_savepoint(self.confirm_with_lookups, lines, **values)
        self.assertFalse(
            mismatches,
            "during the allocation, these lookups answered otherwise than Odoo's own method would have "
            f"(method, arguments, lookups' answer, Odoo's answer): {mismatches[:5]}",
        )
        for key, what in WHAT_DIFFERS.items():
            self.assertEqual(hub[key], odoo[key], f"with the allocation lookups, {what}")
        return odoo, gathered.call_count

    @contextmanager
    def odoo_answers_checked(self, mismatches):
        """While open, each override of the lookups also asks Odoo's own method (the lookups set aside) and
        records in ``mismatches`` any answer that differs."""
        module = lookups_module
        bom_find = module.MrpBom._bom_find
        gather = module.StockQuant._gather
        rules = module.ProcurementGroup._search_rule_for_warehouses
        models_ = module.AccountAnalyticDistributionModel._get_applicable_models
        plain = {CONTEXT_KEY: None}

        def checked_bom_find(model, products, picking_type=None, company_id=False, bom_type=False):
            answer = bom_find(model, products, picking_type=picking_type, company_id=company_id, bom_type=bom_type)
            if open_lookups(model.env):
                odoo = bom_find(
                    model.with_context(plain),
                    products,
                    picking_type=picking_type,
                    company_id=company_id,
                    bom_type=bom_type,
                )
                got, want = ({p.id: b.id for p, b in found.items() if b} for found in (answer, odoo))
                if got != want:
                    mismatches.append(("_bom_find", products.ids, bom_type, got, want))
            return answer

        def checked_gather(
            quants, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0
        ):
            args = (product_id, location_id, lot_id, package_id, owner_id, strict, qty)
            answer = gather(quants, *args)
            if isinstance(quants.env.context.get("quants_cache"), HubQuantsCache):
                odoo = gather(quants.with_context(quants_cache=None), *args)
                # strict: Odoo's own quants_cache rule gives the set (the caller picks in SQL); else the order counts
                got, want = (sorted(answer.ids), sorted(odoo.ids)) if strict else (answer.ids, odoo.ids)
                if got != want:
                    mismatches.append(
                        ("_gather", product_id.display_name, location_id.complete_name, strict, got, want)
                    )
            return answer

        def checked_rules(group, route_ids, packaging_id, product_id, warehouse_ids, domain):
            answer = rules(group, route_ids, packaging_id, product_id, warehouse_ids, domain)
            if open_lookups(group.env):
                odoo = rules(group.with_context(plain), route_ids, packaging_id, product_id, warehouse_ids, domain)
                got, want = (
                    {key: [(wh, rule.id) for wh, rule in by_wh.items()] for key, by_wh in found.items()}
                    for found in (answer, odoo)
                )
                if got != want:
                    mismatches.append(("_search_rule_for_warehouses", product_id.display_name, got, want))
            return answer

        def checked_models(distribution_models, vals):
            answer = models_(distribution_models, vals)
            if open_lookups(distribution_models.env):
                odoo = models_(distribution_models.with_context(plain), vals)
                if answer.ids != odoo.ids:
                    mismatches.append(("_get_applicable_models", vals, answer.ids, odoo.ids))
            return answer

        with (
            patch.object(module.MrpBom, "_bom_find", checked_bom_find),
            patch.object(module.StockQuant, "_gather", checked_gather),
            patch.object(module.ProcurementGroup, "_search_rule_for_warehouses", checked_rules),
            patch.object(module.AccountAnalyticDistributionModel, "_get_applicable_models", checked_models),
        ):
            yield

    def lines_of(self, snapshot, product):
        return [line for line in snapshot["move_lines"] if line[1] == product.display_name]

    # --- removal strategies ------------------------------------------------------------------------------------
    def test_fifo_over_two_shelves(self):
        product = self.product("Fifo widget")
        other = self.product("Fifo other")
        self.put(product, 3, self.shelf_a, days_ago=2)
        self.put(product, 4, self.shelf_b, days_ago=9)
        self.put(product, 5, self.stock_location, days_ago=5)
        self.put(other, 10, self.shelf_a, days_ago=1)
        odoo, gathered = self.assert_same_as_odoo([(product, 10), (other, 2)])
        self.assertTrue(gathered, "the fifo case never reached HubQuantsCache.gather: it proves nothing")
        self.assertEqual(
            [(line[2], line[6]) for line in self.lines_of(odoo, product)],
            [("WH/Stock/Shelf B", 4.0), ("WH/Stock", 5.0), ("WH/Stock/Shelf A", 1.0)],
            "the situation is not the fifo one this test means (oldest first)",
        )

    def test_lifo_from_the_category(self):
        product = self.product("Lifo widget", self.categ_lifo)
        other = self.product("Lifo other", self.categ_lifo)
        self.put(product, 3, self.shelf_a, days_ago=2)
        self.put(product, 4, self.shelf_b, days_ago=9)
        self.put(product, 5, self.stock_location, days_ago=5)
        self.put(other, 2, self.shelf_b, days_ago=3)
        self.put(other, 2, self.shelf_a, days_ago=3)  # same in_date: the id decides (DESC)
        odoo, gathered = self.assert_same_as_odoo([(product, 6), (other, 3)])
        self.assertTrue(gathered, "the lifo case never reached HubQuantsCache.gather: it proves nothing")
        self.assertEqual(
            [(line[2], line[6]) for line in self.lines_of(odoo, product)],
            [("WH/Stock/Shelf A", 3.0), ("WH/Stock", 3.0)],
            "the situation is not the lifo one this test means (newest first)",
        )

    def test_closest_falls_back_to_odoos_search(self):
        product = self.product("Closest widget", self.categ_closest)
        other = self.product("Closest other", self.categ_closest)
        self.put(product, 3, self.shelf_b, days_ago=9)
        self.put(product, 3, self.shelf_a, days_ago=1)
        self.put(other, 5, self.shelf_b, days_ago=9)
        odoo, gathered = self.assert_same_as_odoo([(product, 4), (other, 1)])
        self.assertFalse(gathered, "a 'closest' removal was answered by HubQuantsCache.gather (fifo/lifo only)")
        self.assertEqual(
            [(line[2], line[6]) for line in self.lines_of(odoo, product)],
            [("WH/Stock/Shelf A", 3.0), ("WH/Stock/Shelf B", 1.0)],
            "the situation is not the 'closest' one this test means (Shelf A by name first)",
        )

    # --- owners, packages, lots ---------------------------------------------------------------------------------
    def test_consignment_next_to_own_stock(self):
        product = self.product("Owned widget")
        other = self.product("Owned other")
        self.put(product, 4, self.shelf_b, days_ago=9, owner=self.consignor)
        self.put(product, 5, self.shelf_a, days_ago=3)
        self.put(other, 5, self.shelf_a, days_ago=3, owner=self.consignor)
        odoo, gathered = self.assert_same_as_odoo([(product, 6), (other, 2)])
        self.assertTrue(gathered, "the owner case never reached HubQuantsCache.gather: it proves nothing")
        self.assertIn(
            self.consignor.name,
            [line[5] for line in self.lines_of(odoo, product)],
            "Odoo reserves consigned stock for an order without owner: the situation is not the one meant",
        )

    def test_owner_restricted_order(self):
        # fulfilment for a client: the sale order's hub_stock_owner_id restricts the moves to that owner's stock
        product = self.product("Client widget")
        other = self.product("Client other")
        self.put(product, 4, self.shelf_b, days_ago=9)
        self.put(product, 3, self.shelf_a, days_ago=5, owner=self.consignor)
        self.put(product, 3, self.stock_location, days_ago=2, owner=self.consignor)
        self.put(other, 5, self.shelf_a, days_ago=3)
        self.put(other, 1, self.shelf_b, days_ago=3, owner=self.consignor)
        odoo, gathered = self.assert_same_as_odoo(
            [(product, 5), (other, 2)], hub_stock_owner_id=self.consignor.id, hub_fulfilment=True
        )
        self.assertTrue(gathered, "the owner-restricted case never reached HubQuantsCache.gather")
        self.assertEqual(
            {line[5] for line in odoo["move_lines"]},
            {self.consignor.name},
            "the owner-restricted order took stock of another owner even in plain Odoo: not the situation meant",
        )

    def test_stock_in_packages(self):
        product = self.product("Packed widget")
        other = self.product("Packed other")
        Package = self.env["stock.quant.package"]
        box, crate = Package.create({"name": "BOX-1"}), Package.create({"name": "CRATE-1"})
        self.put(product, 5, self.shelf_a, days_ago=9, package=box)
        self.put(other, 3, self.shelf_a, days_ago=9, package=box)
        self.put(product, 2, self.shelf_b, days_ago=1)
        self.put(product, 4, self.shelf_b, days_ago=4, package=crate)
        odoo, gathered = self.assert_same_as_odoo([(product, 7), (other, 3)])
        self.assertTrue(gathered, "the package case never reached HubQuantsCache.gather")
        self.assertEqual(
            {line[4] for line in self.lines_of(odoo, product)},
            {"BOX-1", "CRATE-1"},
            "the package case does not reserve from packages: not the situation meant",
        )

    def test_lot_tracked_product(self):
        product = self.product("Lot widget", tracking="lot")
        lifo = self.product("Lot lifo", self.categ_lifo, tracking="lot")
        loose = self.product("Lot neighbour")
        Lot = self.env["stock.lot"]
        old, new = (
            Lot.create({"name": "LOT-OLD", "product_id": product.id}),
            Lot.create({"name": "LOT-NEW", "product_id": product.id}),
        )
        self.put(product, 3, self.shelf_a, days_ago=1, lot=new)
        self.put(product, 4, self.shelf_b, days_ago=8, lot=old)
        self.put(product, 2, self.shelf_a, days_ago=6, lot=old)
        for name, days in (("LIFO-1", 9), ("LIFO-2", 2)):
            self.put(lifo, 2, self.shelf_a, days_ago=days, lot=Lot.create({"name": name, "product_id": lifo.id}))
        self.put(loose, 5, self.shelf_b, days_ago=3)
        # stock from before the product was tracked: quants with a lot come first all the same
        mixed = self.product("Lot mixed")
        self.put(mixed, 2, self.shelf_b, days_ago=9)
        mixed.tracking = "lot"
        self.put(mixed, 2, self.shelf_a, days_ago=1, lot=Lot.create({"name": "MIXED-LOT", "product_id": mixed.id}))
        odoo, gathered = self.assert_same_as_odoo([(product, 8), (loose, 2), (lifo, 3), (mixed, 3)])
        self.assertEqual(
            [line[3] for line in self.lines_of(odoo, mixed)], ["MIXED-LOT", False], "lots first, as Odoo sorts"
        )
        self.assertTrue(gathered, "the lot case never reached HubQuantsCache.gather")
        self.assertEqual(
            [line[3] for line in self.lines_of(odoo, product)],
            ["LOT-OLD", "LOT-OLD", "LOT-NEW"],
            "the lot case is not the fifo-by-lot one meant",
        )

    # --- quantities ---------------------------------------------------------------------------------------------
    def test_partial_availability_and_no_stock(self):
        short = self.product("Short widget")
        absent = self.product("Absent widget")
        full = self.product("Full widget")
        self.put(short, 2, self.shelf_a, days_ago=2)
        self.put(short, 2, self.shelf_b, days_ago=3)
        self.put(full, 9, self.shelf_a, days_ago=3)
        odoo, _gathered = self.assert_same_as_odoo([(short, 10), (absent, 5), (full, 4)])
        self.assertEqual(
            [move[3] for move in odoo["moves"]],
            ["partially_available", "confirmed", "assigned"],
            "the quantities case is not partial / none / full as meant",
        )

    def test_same_product_on_two_lines(self):
        product = self.product("Twice widget")
        other = self.product("Twice other")
        self.put(product, 4, self.shelf_a, days_ago=2)
        self.put(product, 3, self.shelf_b, days_ago=5)
        self.put(other, 3, self.shelf_b, days_ago=5)
        odoo, _gathered = self.assert_same_as_odoo([(product, 5), (other, 1), (product, 5)])
        self.assertEqual(
            [move[3] for move in odoo["moves"]],
            ["assigned", "assigned", "partially_available"],
            "the second line of the same product should get only what the first left",
        )

    def test_kit_whose_component_is_also_a_loose_line(self):
        mug, saucer, spoon = self.product("Kit mug"), self.product("Kit saucer"), self.product("Kit spoon")
        kit = self.product("Breakfast kit", is_storable=False)
        self.kit_bom(kit, [(mug, 1), (saucer, 2)])
        self.put(mug, 3, self.shelf_a, days_ago=5)
        self.put(mug, 2, self.shelf_b, days_ago=1)
        self.put(saucer, 10, self.shelf_b, days_ago=5)
        self.put(spoon, 1, self.shelf_a, days_ago=5)
        odoo, gathered = self.assert_same_as_odoo([(mug, 2), (kit, 3), (spoon, 1)])
        self.assertTrue(gathered, "the kit case never reached HubQuantsCache.gather")
        self.assertEqual(
            sorted(move[0] for move in odoo["moves"]),
            sorted(p.display_name for p in (mug, mug, saucer, spoon)),
            "the kit did not explode into its components: not the situation meant",
        )

    def test_template_kit_and_variant_kit(self):
        small, medium = self.template_with_sizes("Gift set")
        plain_small, kit_medium = self.template_with_sizes("Bundle")  # only the M variant is a kit
        candle, soap, towel = self.product("Set candle"), self.product("Set soap"), self.product("Set towel")
        self.kit_bom(small, [(candle, 1)], variant=False)  # the template's kit: S and M
        self.kit_bom(medium, [(soap, 2)])  # M's own kit wins over the template's
        self.kit_bom(kit_medium, [(towel, 1)])
        for component in (candle, soap, towel, plain_small):
            self.put(component, 5, self.shelf_a, days_ago=3)
        odoo, _gathered = self.assert_same_as_odoo([(small, 2), (medium, 2), (plain_small, 1), (kit_medium, 1)])
        self.assertEqual(
            [move[0] for move in odoo["moves"]],
            [p.display_name for p in (candle, soap, plain_small, towel)],
            "the variants did not explode as meant (template kit, variant kit, no kit, variant kit)",
        )
        # alone on an order, a kit's procurement looks its BoM up by itself (one product: the lookups answer)
        for kit, component in ((small, candle), (medium, soap), (kit_medium, towel)):
            odoo, _gathered = self.assert_same_as_odoo([(kit, 1)])
            self.assertEqual([move[0] for move in odoo["moves"]], [component.display_name], f"{kit.display_name} alone")

    def test_everything_in_one_order(self):
        lifo = self.product("All lifo", self.categ_lifo)
        closest = self.product("All closest", self.categ_closest)
        lot_product = self.product("All lot", tracking="lot")
        component = self.product("All component")
        kit = self.product("All kit", is_storable=False)
        self.kit_bom(kit, [(component, 2)])
        absent = self.product("All absent")
        box = self.env["stock.quant.package"].create({"name": "ALL-BOX"})
        self.put(lifo, 2, self.shelf_a, days_ago=5)
        self.put(lifo, 2, self.shelf_b, days_ago=1, owner=self.consignor)
        self.put(closest, 3, self.shelf_b, days_ago=8)
        self.put(closest, 1, self.shelf_a, days_ago=1, package=box)
        lot = self.env["stock.lot"].create({"name": "ALL-LOT", "product_id": lot_product.id})
        self.put(lot_product, 3, self.shelf_b, days_ago=2, lot=lot)
        self.put(component, 3, self.shelf_a, days_ago=4)
        self.put(component, 4, self.shelf_b, days_ago=6, package=box)
        self.assert_same_as_odoo(
            [(lifo, 3), (component, 2), (closest, 3), (kit, 2), (lot_product, 2), (absent, 1), (lifo, 2)]
        )

    def test_pick_and_ship_warehouse(self):
        self.warehouse.delivery_steps = "pick_ship"
        product = self.product("Two-step widget")
        other = self.product("Two-step other", self.categ_lifo)
        self.put(product, 3, self.shelf_a, days_ago=2)
        self.put(product, 4, self.shelf_b, days_ago=9)
        self.put(other, 4, self.shelf_b, days_ago=9)
        self.put(other, 4, self.shelf_a, days_ago=1)
        odoo, gathered = self.assert_same_as_odoo([(product, 5), (other, 5)])
        self.assertTrue(gathered, "the two-step case never reached HubQuantsCache.gather")
        # Odoo 18 creates the first step only (the next ones are pushed when it is done)
        self.assertEqual(
            [picking[0] for picking in odoo["pickings"]], ["Pick"], "a pick transfer was expected, nothing else"
        )

    def test_duplicate_quants_of_one_key(self):
        # Odoo merges them later (a cron); meanwhile two quants share product, location, lot, package and owner
        product = self.product("Duplicate widget")
        other = self.product("Duplicate other")
        Quant = self.env["stock.quant"].sudo()
        for days in (1, 7, 4):
            Quant.create(
                {
                    "product_id": product.id,
                    "location_id": self.shelf_a.id,
                    "quantity": 2,
                    "in_date": self.now - timedelta(days=days),
                }
            )
        self.put(other, 2, self.shelf_b, days_ago=3)
        odoo, gathered = self.assert_same_as_odoo([(product, 3), (other, 1)])
        self.assertTrue(gathered, "the duplicate quants case never reached HubQuantsCache.gather")

    def test_procurement_rules_and_reordering(self):
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        self.warehouse.mto_pull_id.active = True
        manufacture = self.env.ref("mrp.route_warehouse0_manufacture")
        made = self.product("Made to order", route_ids=[(6, 0, (mto | manufacture).ids)])
        replenished = self.product("Replenished", route_ids=[(6, 0, manufacture.ids)])
        raw = self.product("Raw material")
        neighbour = self.product("Procurement neighbour")
        for finished, units in ((made, 2), (replenished, 1)):
            self.env["mrp.bom"].create(
                {
                    "product_tmpl_id": finished.product_tmpl_id.id,
                    "type": "normal",
                    "bom_line_ids": [(0, 0, {"product_id": raw.id, "product_qty": units})],
                }
            )
        self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": replenished.id,
                "warehouse_id": self.warehouse.id,
                "location_id": self.stock_location.id,
                "product_min_qty": 5,
                "product_max_qty": 10,
                "trigger": "auto",
            }
        )
        self.put(raw, 5, self.shelf_a, days_ago=3)
        self.put(raw, 20, self.shelf_b, days_ago=9)
        self.put(replenished, 6, self.shelf_b, days_ago=2)
        self.put(neighbour, 3, self.shelf_a, days_ago=2)
        # the neighbour first: its procurement rules must not be reused for the made-to-order product
        odoo, _gathered = self.assert_same_as_odoo([(neighbour, 1), (made, 2), (replenished, 4), (made, 1)])
        self.assertEqual(
            sorted(production[0] for production in odoo["productions"]),
            sorted(p.display_name for p in (made, made, replenished)),
            "two manufacturing orders made to order and one from the reordering rule were expected",
        )

    def test_analytic_distribution_model(self):
        plan = self.env["account.analytic.plan"].create({"name": "Lookups plan"})
        account = self.env["account.analytic.account"].create({"name": "Lookups account", "plan_id": plan.id})
        product = self.product("Analytic widget")
        other = self.product("Analytic other")
        self.env["account.analytic.distribution.model"].create(
            {"product_id": product.id, "analytic_distribution": {str(account.id): 100}}
        )
        self.put(product, 3, self.shelf_a, days_ago=2)
        self.put(other, 3, self.shelf_a, days_ago=2)
        odoo, _gathered = self.assert_same_as_odoo([(product, 1), (other, 1)])
        self.assertEqual(
            odoo["sale_lines"][0][3], {str(account.id): 100}, "the distribution model did not apply in plain Odoo"
        )

    def test_odd_shapes(self):
        # a consumable (no reservation: its line comes with the loop's last create), an order in dozens, a
        # negative quant, a 'least packages' removal (falls back to Odoo's search) and a serial-tracked product
        consumable = self.product("Odd consumable", is_storable=False)
        dozens = self.product("Odd by the dozen")
        negative = self.product("Odd negative")
        least = self.product("Odd least packages", self.categ_least_packages)
        serial = self.product("Odd serial", tracking="serial")
        self.put(dozens, 30, self.shelf_a, days_ago=2)
        self.put(dozens, 8, self.shelf_b, days_ago=6)
        self.put(negative, -2, self.shelf_a, days_ago=1)
        self.put(negative, 5, self.shelf_b, days_ago=4)
        self.put(negative, 1, self.stock_location, days_ago=6)
        Package = self.env["stock.quant.package"]
        self.put(least, 4, self.shelf_a, days_ago=5, package=Package.create({"name": "LEAST-4"}))
        self.put(least, 1, self.shelf_b, days_ago=9, package=Package.create({"name": "LEAST-1"}))
        self.put(least, 2, self.shelf_b, days_ago=1)
        Lot = self.env["stock.lot"]
        for name, days in (("SN-3", 1), ("SN-1", 8), ("SN-2", 4)):
            self.put(serial, 1, self.shelf_a, days_ago=days, lot=Lot.create({"name": name, "product_id": serial.id}))
        dozen = self.env.ref("uom.product_uom_dozen")
        # the serial first (its lines are made at once), then lines kept for the loop's last create: the
        # consumables' lines come in that create, after the kept ones as in Odoo
        lines = [(serial, 2), (consumable, 3), (dozens, 3), (negative, 5), (least, 4), (consumable, 1)]
        odoo, gathered = self.assert_same_as_odoo(lines, order_line_uoms={2: dozen})
        self.assertTrue(gathered, "the odd shapes never reached HubQuantsCache.gather")
        self.assertEqual(
            [line[3] for line in self.lines_of(odoo, serial)], ["SN-1", "SN-2"], "serials not taken oldest first"
        )

    def test_nested_kits_and_an_archived_bom(self):
        cup, lid, straw = self.product("Nest cup"), self.product("Nest lid"), self.product("Nest straw")
        inner = self.product("Nest inner kit", is_storable=False)
        outer = self.product("Nest outer kit", is_storable=False)
        self.kit_bom(inner, [(cup, 1), (lid, 1)])
        self.kit_bom(outer, [(inner, 2), (straw, 3)])
        was_kit = self.product("Nest former kit")  # its only BoM is archived: a plain product again
        self.kit_bom(was_kit, [(cup, 1)]).active = False
        for component, days in ((cup, 3), (lid, 5), (straw, 2), (was_kit, 4)):
            self.put(component, 5, self.shelf_a, days_ago=days)
            self.put(component, 2, self.shelf_b, days_ago=days + 1)
        odoo, _gathered = self.assert_same_as_odoo([(outer, 2), (inner, 1), (was_kit, 2), (cup, 1)])
        self.assertEqual(
            sorted(move[0] for move in odoo["moves"]),
            sorted(p.display_name for p in (cup, lid, straw, cup, lid, was_kit, cup)),
            "the nested kits did not explode as meant (or the archived BoM still made a kit)",
        )

    # --- once the allocation returned ---------------------------------------------------------------------------
    def test_nothing_changes_once_the_allocation_returned(self):
        loose = self.product("After loose")
        component = self.product("After component")
        kit = self.product("After kit", is_storable=False)
        kit_bom = self.kit_bom(kit, [(component, 1)])
        self.put(loose, 1, self.shelf_a, days_ago=3)
        self.put(component, 1, self.shelf_a, days_ago=3)
        order = self.confirm_with_lookups([(loose, 2), (kit, 2)])
        lookups = order.env.context.get(CONTEXT_KEY)
        self.assertIsInstance(lookups, AllocationLookups, "the sale order should keep the allocation's context")
        self.assertIn(loose.id, lookups.without_bom, "the allocation did not read that the loose product has no BoM")
        self.assertIsNone(open_lookups(order.env), "the lookups are still open once the allocation returned")

        # a BoM made afterwards is found through the record that kept the context (no stale "has no BoM")
        Bom = order.env["mrp.bom"]
        loose_bom = self.kit_bom(loose, [(component, 1)])
        self.assertEqual(
            Bom._bom_find(loose, bom_type="phantom")[loose],
            loose_bom,
            "after the allocation, _bom_find still answered 'no BoM' from the closed lookups",
        )
        # and a kit's BoM replaced afterwards: Odoo's new answer, not the one the allocation read
        kit_bom.active = False
        new_kit_bom = self.kit_bom(kit, [(loose, 1)])
        self.assertEqual(
            Bom._bom_find(kit, bom_type="phantom")[kit],
            new_kit_bom,
            "after the allocation, _bom_find answered the kit BoM the closed lookups had read",
        )

        # quants: a look-up through the kept context searches as Odoo, and a new reservation builds no cache
        self.put(loose, 3, self.shelf_b, days_ago=1)
        Quant = order.env["stock.quant"].sudo()
        for strict, location in ((False, self.stock_location), (True, self.shelf_b)):
            self.assertEqual(
                Quant._gather(loose, location, strict=strict).ids,
                self.env["stock.quant"].sudo()._gather(loose, location, strict=strict).ids,
                "after the allocation, _gather through the kept context answered other quants than Odoo",
            )
        moves = order.order_line.move_ids.filtered(lambda m: m.state != "assigned")
        self.assertGreaterEqual(len(moves), 2, "two moves waiting for stock were expected")
        self.assertEqual(moves.env.context.get(CONTEXT_KEY), lookups, "the moves should keep the context too")
        with patch.object(
            lookups_module.PendingMoveLines, "__init__", side_effect=AssertionError("lookups used after close")
        ):
            moves._action_assign()
        self.assertEqual(
            moves.filtered(lambda m: m.product_id == loose).quantity,
            2.0,
            "after the allocation, a reservation through the kept context did not see the new stock",
        )

        # analytic distribution models: the closed lookups' "there are none" is not used any more
        plan = self.env["account.analytic.plan"].create({"name": "Lookups plan"})
        account = self.env["account.analytic.account"].create({"name": "Lookups account", "plan_id": plan.id})
        model = self.env["account.analytic.distribution.model"].create(
            {"product_id": loose.id, "analytic_distribution": {str(account.id): 100}}
        )
        where = {"product_id": loose.id, "company_id": self.company.id}
        self.assertEqual(
            self.env["account.analytic.distribution.model"]._get_applicable_models(where), model, "Odoo's own answer"
        )
        self.assertEqual(
            order.env["account.analytic.distribution.model"]._get_applicable_models(where),
            model,
            "after the allocation, _get_applicable_models still answered 'none' from the closed lookups",
        )
        self.assertFalse(lookups.boms, "the closed lookups still hold BoMs and rules")

"""Lookups read once while the hub confirms a channel order's sale order (issue 23, a 1,500-line order).

Confirming a sale order makes Odoo look the same things up per line and per move: the kit BoM of every product
(``mrp.bom._bom_find``, about four times per line: quantity to procure, explosion, delivered quantity) and the
quants of every reserved move (``stock.quant._gather``, four searches per move). On a large order those
single-record searches are a large share of the time. While ``_allocate`` runs, the context carries an
``AllocationLookups`` (key ``hub_allocation_lookups``) and the overrides below answer from it; each answer is the
one Odoo's own search would give (see each override). Outside ``_allocate`` (and once it has returned, even
through a record that kept the context) nothing changes: the object is closed.
"""

from collections import OrderedDict, defaultdict

from odoo import api, models

CONTEXT_KEY = "hub_allocation_lookups"


class AllocationLookups:
    """What one allocation has read: products known to have no BoM at all, BoMs already found."""

    def __init__(self):
        self.open = True
        self.without_bom = set()  # product ids with no active BoM of any type (variant or template level)
        self.checked = set()  # product ids whose BoM existence was read
        self.no_distribution_model = None  # no analytic distribution model at all (read once)
        self.boms = {}  # lookup key -> mrp.bom id or False (kits), rules by location and route (procurement)

    def close(self):
        self.open = False
        self.boms.clear()

    def read_bom_existence(self, env, products):
        """One query: which of ``products`` no active BoM can match (neither the variant nor its template)."""
        todo = [pid for pid in products.ids if pid not in self.checked]
        if not todo:
            return
        env["mrp.bom"].flush_model(["product_id", "product_tmpl_id", "active"])
        env["product.product"].flush_model(["product_tmpl_id"])
        env.cr.execute(
            """SELECT p.id FROM product_product p
                WHERE p.id = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM mrp_bom b WHERE b.active AND b.product_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM mrp_bom b WHERE b.active AND b.product_id IS NULL
                                                               AND b.product_tmpl_id = p.product_tmpl_id)""",
            [todo],
        )
        self.without_bom.update(row[0] for row in env.cr.fetchall())
        self.checked.update(todo)


def open_lookups(env):
    """The allocation's lookups in this context, if any and still open."""
    lookups = env.context.get(CONTEXT_KEY)
    return lookups if isinstance(lookups, AllocationLookups) and lookups.open else None


class HubQuantsCache(defaultdict):
    """Odoo's own ``quants_cache`` ({(product, location, lot, package, owner) ids: quants}, read by
    ``stock.quant._gather`` for strict look-ups and kept up to date by ``stock.quant.create``), filled with one
    read for the moves being reserved, plus what it covers: a look-up outside it searches as usual."""

    __hash__ = object.__hash__  # a context value: hashable like Odoo's own (by identity)

    def __init__(self, quants, products, locations):
        super().__init__(quants.browse)
        self.product_ids = set(products.ids)
        self.location_paths = tuple(locations.mapped("parent_path"))
        self.open = True
        self.keys_by_product = defaultdict(set)
        self.location_path = {}
        self.update(quants._get_quants_by_products_locations(products, locations))
        # what _gather orders and filters on, read once for every quant
        read = quants.browse(list({qid for found in self.values() for qid in found.ids}))
        read.fetch(["in_date", "lot_id", "package_id", "owner_id", "location_id", "quantity", "reserved_quantity"])
        read.mapped("product_uom_id.rounding")  # related, not stored: computed once for all
        Location = quants.env["stock.location"]
        for location in Location.browse({key[1] for key in self}):
            self.location_path[location.id] = location.parent_path

    def __setitem__(self, key, value):  # also what stock.quant.create adds: indexed by product
        super().__setitem__(key, value)
        self.keys_by_product[key[0]].add(key)

    def update(self, other):
        for key, value in other.items():
            self[key] = value

    def serves(self, product, location, context):
        return (
            self.open
            and not context.get("with_expiration")  # product_expiry filters quants on dates: search as usual
            and product.id in self.product_ids
            and bool(location.parent_path)
            and location.parent_path.startswith(self.location_paths)
        )

    def gather(self, product, location, lot, package, owner, descending):
        """What a non-strict _gather searches: ``product`` anywhere under ``location`` (lot: that lot or none;
        package, owner: that one when given), in the order of fifo ("in_date ASC, id") or lifo ("in_date DESC,
        id DESC"), then quants with a lot first, as _gather sorts them."""
        path = location.parent_path
        found = self.default_factory()
        for key in self.keys_by_product.get(product.id, ()):
            _product_id, location_id, lot_id, package_id, owner_id = key
            if lot and lot_id not in (lot.id, False):
                continue
            if package and package_id != package.id:
                continue
            if owner and owner_id != owner.id:
                continue
            if location_id not in self.location_path:  # a quant made meanwhile in a new sub-location
                self.location_path[location_id] = found.env["stock.location"].browse(location_id).parent_path
            if not (self.location_path[location_id] or "").startswith(path):
                continue
            found |= self[key]
        found = found.sorted(lambda q: (q.in_date, q.id), reverse=descending)
        return found.sorted(lambda q: not q.lot_id)


class PendingMoveLines:
    """The move lines of one ``_action_assign`` loop, created together by its final ``stock.move.line.create``.

    Odoo creates each reserved move's line at once (a create, a quant update and a state recompute per move);
    created together, they are the same lines with the same reservations: a move is deferred only when no line of
    its product (so no quant it could read) and none of its own are pending; otherwise what is pending is created
    first and the move reserves exactly as Odoo does.
    """

    def __init__(self):
        self.open = True
        self.vals = []
        self.move_ids = set()
        self.product_ids = set()
        self.deferring = False

    def may_defer(self, move):
        return move.id not in self.move_ids and move.product_id.id not in self.product_ids

    def take(self):
        vals, self.vals = self.vals, []
        self.move_ids.clear()
        self.product_ids.clear()
        return vals

    def flush(self, env):
        if self.vals:
            env["stock.move.line"].create(self.take())


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_assign(self, force_qty=False):
        # During the hub's allocation: Odoo's quants_cache (the one it builds for chained moves) for every move,
        # read in one query (see StockQuant._gather), and the new move lines created together (PendingMoveLines).
        if not open_lookups(self.env) or "quants_cache" in self.env.context or len(self) < 2:
            return super()._action_assign(force_qty=force_qty)
        Quant = self.env["stock.quant"].sudo()  # _gather searches as superuser
        cache = HubQuantsCache(Quant, self.product_id, self.location_id)
        pending = PendingMoveLines()
        moves = self.with_context(quants_cache=cache, hub_pending_move_lines=pending)
        try:
            result = super(StockMove, moves)._action_assign(force_qty=force_qty)
            pending.flush(moves.env)  # Odoo's last create took them already: nothing is left in practice
            return result
        finally:
            cache.open = pending.open = False

    def _trigger_scheduler(self):
        # Odoo searches an automatic reordering rule per move (one search per move of a large order): during the
        # hub's allocation, only the moves whose product has any (one search, a superset of Odoo's per-move
        # domain) go through it; the others would find none and do nothing.
        if not open_lookups(self.env) or len(self) < 2:
            return super()._trigger_scheduler()
        with_rule = set(
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            .search([("product_id", "in", self.product_id.ids), ("trigger", "=", "auto")])
            .product_id.ids
        )
        return super(StockMove, self.filtered(lambda move: move.product_id.id in with_rule))._trigger_scheduler()

    def _update_reserved_quantity(self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True):
        pending = self.env.context.get("hub_pending_move_lines")
        if not isinstance(pending, PendingMoveLines) or not pending.open:
            return super()._update_reserved_quantity(need, location_id, lot_id, package_id, owner_id, strict)
        if strict or self.product_id.tracking != "none" or not pending.may_defer(self):
            pending.flush(self.env)
            return super()._update_reserved_quantity(need, location_id, lot_id, package_id, owner_id, strict)
        pending.deferring = True
        try:
            taken = super()._update_reserved_quantity(need, location_id, lot_id, package_id, owner_id, strict)
        finally:
            pending.deferring = False
        return taken


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        pending = self.env.context.get("hub_pending_move_lines")
        if isinstance(pending, PendingMoveLines) and pending.open:
            if pending.deferring:  # the line Odoo's _update_reserved_quantity makes: kept for the loop's end
                pending.vals.extend(vals_list)
                pending.move_ids.update(vals["move_id"] for vals in vals_list)
                pending.product_ids.update(vals["product_id"] for vals in vals_list)
                return self.browse()
            if pending.vals:  # any other create (the loop's last one): the pending lines first, in their order
                vals_list = pending.take() + list(vals_list)
        return super().create(vals_list)


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _gather(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0):
        # During the hub's allocation the quants of the moves being reserved are read once (HubQuantsCache):
        # - strict look-ups (the exact product / location / lot / package / owner): Odoo's own quants_cache rule;
        # - the others (product under a location) as superuser with fifo or lifo removal: the same quants in the
        #   same order as Odoo's search (HubQuantsCache.gather);
        # anything else (another removal strategy, expiry dates, a product or location not read) searches as Odoo.
        quants = self
        cache = self.env.context.get("quants_cache")
        if isinstance(cache, HubQuantsCache):
            if not cache.serves(product_id, location_id, self.env.context):
                quants = self.with_context({k: v for k, v in self.env.context.items() if k != "quants_cache"})
            elif not strict and self.env.su:
                strategy = self._get_removal_strategy(product_id, location_id)
                order = self._get_removal_strategy_order(strategy) if strategy in ("fifo", "lifo") else None
                if order in ("in_date ASC, id", "in_date DESC, id DESC"):
                    found = cache.gather(
                        product_id, location_id, lot_id, package_id, owner_id, order != "in_date ASC, id"
                    )
                    return self.browse(found.ids)
        return super(StockQuant, quants)._gather(
            product_id, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict, qty=qty
        )


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    @api.model
    def _bom_find(self, products, picking_type=None, company_id=False, bom_type=False):
        # During the hub's allocation, a single product's BoM (what Odoo asks per line and per move) is read once:
        # a product no active BoM can match gets Odoo's empty answer without a search; any other is searched by
        # Odoo once per lookup key (user, superuser, companies, picking type, company, type) and then reused.
        lookups = open_lookups(self.env)
        if not lookups or len(products) != 1:
            return super()._bom_find(products, picking_type=picking_type, company_id=company_id, bom_type=bom_type)
        if products.id not in lookups.checked:
            lookups.read_bom_existence(self.env, products)
        if products.id in lookups.without_bom:
            return defaultdict(lambda: self.env["mrp.bom"])
        key = (
            self.env.uid,
            self.env.su,
            tuple(self.env.companies.ids),
            self.env.context.get("company_id"),
            self.env.context.get("active_test", True),
            picking_type.id if picking_type else None,
            company_id,
            bom_type,
            products.id,
        )
        if key not in lookups.boms:
            found = super()._bom_find(products, picking_type=picking_type, company_id=company_id, bom_type=bom_type)
            lookups.boms[key] = found[products].id if products in found else False
        result = defaultdict(lambda: self.env["mrp.bom"])
        if lookups.boms[key]:
            result[products] = self.env["mrp.bom"].browse(lookups.boms[key])
        return result


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    def _search_rule_for_warehouses(self, route_ids, packaging_id, product_id, warehouse_ids, domain):
        # Odoo reads the rules per procurement (a read_group per sale line); the product counts only through its
        # routes (its own and its category's). During the hub's allocation the answer is read once per lookup key
        # (user, superuser, companies, routes, packaging, product routes, warehouses, domain) and reused; the
        # rules do not change while a sale order is confirmed.
        lookups = open_lookups(self.env)
        if not lookups:
            return super()._search_rule_for_warehouses(route_ids, packaging_id, product_id, warehouse_ids, domain)
        key = (
            "rules",
            self.env.uid,
            self.env.su,
            self.env.company.id,
            tuple(self.env.companies.ids),
            self.env.context.get("active_test", True),
            tuple(route_ids.ids) if route_ids else (),
            packaging_id.id if packaging_id else None,
            tuple(sorted((product_id.route_ids | product_id.categ_id.total_route_ids).ids)),
            tuple(warehouse_ids.ids) if warehouse_ids else (),
            repr(domain),
        )
        if key not in lookups.boms:
            lookups.boms[key] = super()._search_rule_for_warehouses(
                route_ids, packaging_id, product_id, warehouse_ids, domain
            )
        # the same {(location, route): {warehouse: rule}}, a new one with the rules in this environment
        rules = defaultdict(OrderedDict)
        for location_route, by_warehouse in lookups.boms[key].items():
            rules[location_route] = OrderedDict((wh, rule.with_env(self.env)) for wh, rule in by_warehouse.items())
        return rules


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    def _get_applicable_models(self, vals):
        # A sale line's default analytic distribution searches the distribution models per line. During the hub's
        # allocation, when the database has none at all (one count, as superuser: a superset), the search per line
        # would find none: Odoo's empty answer without it.
        lookups = open_lookups(self.env)
        if lookups:
            if lookups.no_distribution_model is None:
                lookups.no_distribution_model = not self.sudo().with_context(active_test=False).search_count([])
            if lookups.no_distribution_model:
                return self.browse()
        return super()._get_applicable_models(vals)

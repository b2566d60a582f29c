import hashlib
import json
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import availability as A
from ..lib import order_states as S

# Orders promised to a customer but not yet allocated: their demand is held back.
HOLDING_STATES = (S.VALIDATED, S.ON_HOLD)


class IntegrationChannelInventory(models.Model):
    """Inventory truth for a channel: computed from the warehouse in a few queries, published as deltas."""

    _inherit = "integration.channel"

    inventory_share_pct = fields.Float(
        string="Share of free stock (%)", default=100.0, help="When stock is split between channels (D2C vs B2B)."
    )
    inventory_share_ids = fields.One2many(
        "integration.inventory.share", "channel_id", string="Reserved for this channel"
    )
    last_inventory_publish_at = fields.Datetime(readonly=True)
    inventory_level_ids = fields.One2many("integration.inventory.level", "channel_id", readonly=True)

    # --- availability ----------------------------------------------------------------
    def _publishable_products(self):
        """The products the channel lists (integration.external.id) that have stock to publish: never the
        rest of the catalog."""
        self.ensure_one()
        listed = self.env["integration.external.id"]._listed_products(self)
        # one SQL search, not a filter in Python: a channel may list 100,000 products
        return (
            self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [
                    ("id", "in", listed.ids),
                    ("default_code", "!=", False),
                    ("company_id", "in", [self.company_id.id, False]),
                    *self._client_product_domain(),  # a channel publishes its client's products only
                    "|",
                    ("is_storable", "=", True),
                    ("product_tmpl_id.bom_ids.type", "=", "phantom"),
                ]
            )
        )

    def _compute_availability(self, products=None):
        """{product id: whole units to publish} for this channel, in a constant number of queries."""
        self.ensure_one()
        products = products if products is not None else self._publishable_products()
        on_hand_basis = self.inventory_basis == "on_hand"
        free = self._free_stock(products, include_reserved=not on_hand_basis, held_demand=not on_hand_basis)
        for_channel, for_others = self._shares(products.ids)
        result = {}
        for product_id in products.ids:
            base = max(0.0, free[product_id] - self.safety_buffer)
            shared = A.apply_share(
                base, self.inventory_share_pct, for_channel.get(product_id), for_others.get(product_id, 0.0)
            )
            result[product_id] = A.publishable(shared)
        return result

    def _free_stock(self, products, include_reserved=True, held_demand=False, per_kit=None):
        """{product id: free units} in the warehouse's stock location (quarantine never counts).

        A kit has no stock of its own: it is the MIN over its components. ``held_demand`` also keeps
        back what validated or held orders will need. Also used by order allocation (stock check).
        ``per_kit``: ``_kit_components`` already read for a set of products that includes ``products``.
        """
        if per_kit is None:
            per_kit = self._kit_components(products)
        else:
            wanted = set(products.ids)
            per_kit = {kit: components for kit, components in per_kit.items() if kit in wanted}
        component_ids = {component for lines in per_kit.values() for component in lines}
        all_ids = list(set(products.ids) | component_ids)
        on_hand, reserved = self._stock_totals(all_ids)
        reserved = reserved if include_reserved else {}
        held = self._held_demand(all_ids, per_kit) if held_demand else {}

        def free(product_id):
            return A.sellable(
                on_hand.get(product_id, 0.0), reserved.get(product_id, 0.0), held.get(product_id, 0.0), 0.0
            )

        return {
            product_id: A.kit_quantity({c: free(c) for c in per_kit[product_id]}, per_kit[product_id])
            if product_id in per_kit
            else free(product_id)
            for product_id in products.ids
        }

    def _kit_components(self, products):
        """{kit product id: {component product id: units per kit}} for the kits among ``products`` (one BoM query)."""
        # Odoo's BoM lookup reads every product it is given: give it only those with a kit BoM (one query)
        self.env["mrp.bom"].flush_model(["product_id", "product_tmpl_id", "type", "active"])
        self.env.cr.execute(
            """SELECT p.id FROM product_product p
                WHERE p.id = ANY(%s)
                  AND (p.id IN (SELECT product_id FROM mrp_bom WHERE type = 'phantom' AND active)
                       OR p.product_tmpl_id IN (SELECT product_tmpl_id FROM mrp_bom
                                                 WHERE type = 'phantom' AND active AND product_id IS NULL))""",
            [products.ids],
        )
        candidates = products.browse([row[0] for row in self.env.cr.fetchall()])
        kits = self.env["mrp.bom"].sudo()._bom_find(candidates, bom_type="phantom", company_id=self.company_id.id)
        return {
            kit.id: {line.product_id.id: line.product_qty / (bom.product_qty or 1.0) for line in bom.bom_line_ids}
            for kit, bom in kits.items()
            if bom
        }

    def _stock_totals(self, product_ids):
        """On hand and reserved in the warehouse's stock, quarantine excluded (one query).

        Only the stock of the channel's client counts (its owner on stock; README "Clients and accounting").
        """
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", product_ids),
                    ("location_id", "child_of", self.warehouse_id.lot_stock_id.id),
                    ("location_id.hub_quarantine", "=", False),
                    *self._client_quant_domain(),
                ],
                ["product_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
        )
        on_hand = {product.id: quantity for product, quantity, _reserved in groups}
        reserved = {product.id: reserved_qty for product, _quantity, reserved_qty in groups}
        return on_hand, reserved

    def _held_demand(self, product_ids, per_kit):
        """Units promised to validated or held orders of this warehouse, kits expanded (one query)."""
        groups = (
            self.env["integration.channel.order.line"]
            .sudo()
            ._read_group(
                [
                    ("order_id.channel_id.warehouse_id", "=", self.warehouse_id.id),
                    ("order_id.channel_id.client_id", "=", self.client_id.id),
                    ("order_id.state", "in", HOLDING_STATES),
                    ("for_warehouse", "=", True),
                    ("product_id", "!=", False),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        )
        held = defaultdict(float)
        # a held kit line holds its components, whichever products were asked about (one BoM query)
        per_kit = {**per_kit, **self._kit_components(self.env["product.product"].concat(*(p for p, _q in groups)))}
        for product, quantity in groups:
            for component, per_unit in per_kit.get(product.id, {product.id: 1.0}).items():
                held[component] += quantity * per_unit
        return held

    def _shares(self, product_ids):
        rows = (
            self.env["integration.inventory.share"]
            .sudo()
            .search_read(
                [
                    ("product_id", "in", product_ids),
                    ("channel_id.warehouse_id", "=", self.warehouse_id.id),
                    ("channel_id.client_id", "=", self.client_id.id),
                    ("channel_id.state", "!=", "paused"),
                ],
                ["channel_id", "product_id", "reserved_qty"],
            )
        )
        for_channel, for_others = {}, defaultdict(float)
        for row in rows:
            if row["channel_id"][0] == self.id:
                for_channel[row["product_id"][0]] = row["reserved_qty"]
            else:
                for_others[row["product_id"][0]] += row["reserved_qty"]
        return for_channel, for_others

    # --- publishing ------------------------------------------------------------------
    def _publish_inventory(self, products=None, force=False, reason=None):
        """Compute, compare with what the channel last got, and queue only the changes.

        Only listed products are ever sent (``products`` is narrowed to them), and nothing is computed
        for a channel that does not take inventory (see ``_takes``).
        """
        self.ensure_one()
        if not self._takes("inventory"):
            return self.env["integration.job"]
        now = fields.Datetime.now()
        listed = self._publishable_products()
        quantities = self._compute_availability(listed if products is None else products & listed)
        Level = self.env["integration.inventory.level"].sudo()
        levels = Level._for_products(self, list(quantities))
        changed = {}
        for product_id, quantity in quantities.items():
            level = levels[product_id]
            if level.job_id.state in ("pending", "running"):
                last = level.pending_qty
            else:
                last = level.published_qty if level.published_at else None  # None: never published
            if force or quantity != last:
                changed[product_id] = quantity
        self.sudo().last_inventory_publish_at = now
        if not changed:
            return self.env["integration.job"]
        skus = {pid: levels[pid].product_id.default_code for pid in changed}
        payload = {skus[pid]: quantity for pid, quantity in sorted(changed.items(), key=lambda item: skus[item[0]])}
        digest = hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]
        job = (
            self.env["integration.job"]
            .sudo()
            ._enqueue(
                self,
                "inventory",
                f"inventory:{self.code}:{fields.Datetime.to_string(now)}:{digest}",
                payload,
                record=self,
            )
        )
        by_quantity = defaultdict(list)
        for product_id, quantity in changed.items():
            by_quantity[quantity].append(levels[product_id].id)
        for quantity, level_ids in by_quantity.items():  # one UPDATE per distinct quantity
            Level.browse(level_ids).write(
                {"computed_qty": quantity, "computed_at": now, "pending_qty": quantity, "job_id": job.id}
            )
        # the published code is the product's current one (the new code during a transition)
        self.env.cr.execute(
            """UPDATE integration_inventory_level l SET sku = p.default_code
                 FROM product_product p WHERE p.id = l.product_id AND l.job_id = %s""",
            [job.id],
        )
        Level.invalidate_model(["sku"])
        if reason:
            self._hub_note(_("Inventory republished: %s", reason))
        return job

    @api.model
    def _cron_publish_inventory(self):
        """Every live channel at its own interval (15-60 min)."""
        now = fields.Datetime.now()
        # a channel that owns inventory is the source of truth: the warehouse never overwrites it
        for channel in self.search([("state", "=", "live"), ("inventory_owner", "=", "warehouse")]):
            if not channel._takes("inventory"):
                continue
            due = channel.last_inventory_publish_at
            if due and due + timedelta(minutes=channel.publish_interval_minutes) > now:
                continue
            channel._publish_inventory()

    def _republish_products(self, products, reason):
        """After a reconciliation: push the counted truth at once to every live channel of the warehouse."""
        channels = self.sudo().search(
            [
                ("state", "=", "live"),
                ("warehouse_id", "in", self.warehouse_id.ids),
                ("inventory_owner", "=", "warehouse"),
            ]
        )
        for channel in channels.filtered(lambda c: c._takes("inventory")):
            channel._publish_inventory(products, force=True, reason=reason)

    def action_publish_inventory_now(self):
        """A manager's 'Publish now': every changed level of these channels, queued at once."""
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can publish inventory by hand."))
        self._check_hub_reachable()
        jobs = self.env["integration.job"]
        silent = self.filtered(lambda c: not c._takes("inventory"))
        if silent:
            raise UserError(
                _(
                    "Channel %(channel)s takes no inventory: %(why)s",
                    channel=silent[0].name,
                    why="; ".join(silent[0]._configuration_problems())
                    or _("its platform publishes none, or 'Publish inventory' is switched off"),
                )
            )
        for channel in self:
            jobs |= channel._publish_inventory(reason=_("published by hand by %s", self.env.user.name))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Inventory"),
                "type": "success",
                "message": _("%s publication(s) queued; unchanged levels are not sent again.", len(jobs)),
            },
        }

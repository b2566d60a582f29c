from collections import defaultdict

from odoo import _, fields, models
from odoo.tools import float_compare, plaintext2html
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from .stock_allocation_lookups import CONTEXT_KEY as LOOKUPS
from .stock_allocation_lookups import AllocationLookups

_lt = LazyTranslate(__name__)


class IntegrationChannelOrderAllocation(models.Model):
    """Stock allocation through Odoo's own sale orders, and the warehouse's evidence."""

    _inherit = "integration.channel.order"

    def _warehouse_lines(self):
        """The open lines of goods this warehouse ships (not tips, gift cards or lines fulfilled elsewhere)."""
        return self.line_ids.filtered(lambda line: line._is_warehouse_line())

    # --- valid to pick ------------------------------------------------------
    def _valid_to_pick_missing(self):
        """ "Paid" is not "ready to pick": the channel's trigger must be met, and stock must exist.

        Paid means one of the channel's paid statuses, in the hub's vocabulary (each adapter maps its
        platform's statuses onto it; lib/payment_status.py).
        """
        channel = self.channel_id
        if channel.valid_to_pick_trigger == "paid" and self.financial_status not in channel._paid_statuses():
            return [_("payment (financial status is '%s')", self.financial_status or _("unknown"))]
        return []

    def _needed_quantities(self):
        """{product: units} of the lines this warehouse ships (a kit counts as itself here)."""
        needed = defaultdict(float)
        for line in self._warehouse_lines().filtered("product_id"):
            needed[line.product_id] += line._quantity_value() or 0.0
        return needed

    def _free_quantities(self, products):
        """Free (unreserved) stock in the warehouse's stock location; kits are MIN over components.

        Quarantine, rework and nonconforming stock sit beside the stock location and never count.
        """
        return self.channel_id.sudo()._free_stock(products)

    def _component_demand(self, per_kit=None):
        """What the order takes from stock per stored product: {product id: [(line, units)]}.

        A kit line is exploded into its components (units per kit x kits) and added to the loose
        lines of the same components: kits and loose lines compete for one stock (seed: "components
        are allocated from their respective inventory locations, not from a phantom bundle inventory").
        ``per_kit``: the channel's kit components when already read for many orders (see _stock_figures).
        """
        lines = self._warehouse_lines().filtered("product_id")
        if per_kit is None:
            per_kit = self.channel_id.sudo()._kit_components(lines.product_id)
        demand = defaultdict(list)
        for line in lines:
            quantity = line._quantity_value() or 0.0
            for product_id, per_unit in per_kit.get(line.product_id.id, {line.product_id.id: 1.0}).items():
                demand[product_id].append((line, quantity * per_unit))
        return demand

    def _stock_figures(self):
        """{channel id: (kit components, free stock)} for the products of many orders, read once per channel.

        For screens and filters over many orders (hold reasons): one stock query per channel, not per order.
        """
        figures = {}
        for channel in self.channel_id:
            lines = self.filtered(lambda order, c=channel: order.channel_id == c)._warehouse_lines()
            products = lines.product_id
            per_kit = channel.sudo()._kit_components(products)
            components = {pid for product in products for pid in per_kit.get(product.id, {product.id: 1.0})}
            free = channel.sudo()._free_stock(self.env["product.product"].browse(components))
            figures[channel.id] = (per_kit, free)
        return figures

    def _shortages(self, figures=None):
        """{product: (units needed, units free, [(line, units)])} for each stocked product that is short.

        ``figures``: (kit components, free stock) from _stock_figures, when already read for many orders.
        """
        per_kit, free = figures or (None, None)
        line_products = self._warehouse_lines().filtered("product_id").product_id
        if per_kit is None:
            per_kit = self.channel_id.sudo()._kit_components(line_products)
        demand = self._component_demand(per_kit)
        if not demand:
            return {}
        products = self.env["product.product"].browse(list(demand))
        if free is None:
            # every product in demand was among the lines' products: which of them are kits is known
            known = per_kit if set(demand) <= set(line_products.ids) else None
            free = self.channel_id.sudo()._free_stock(products, per_kit=known)
        short = {}
        for product in products:
            needed = sum(units for _line, units in demand[product.id])
            if float_compare(free[product.id], needed, precision_rounding=product.uom_id.rounding) < 0:
                short[product] = (needed, free[product.id], demand[product.id])
        return short

    def _stock_problems(self, figures=None):
        """Each stocked product the warehouse cannot serve in full right now, with the figures.

        e.g. "not enough stock of MUG-001: 1000 needed (500 loose, 500 in 500 x KIT-GIFT), 700 free".
        """
        problems = []
        for product, (needed, free, parts) in self._shortages(figures).items():
            kits = [(line, units) for line, units in parts if line.product_id != product]
            detail = ""
            if kits:
                loose = sum(units for line, units in parts if line.product_id == product)
                pieces = [_("%g loose", loose)] if loose else []
                pieces += [
                    _("%(units)g in %(kits)g × %(kit)s", units=units, kits=line.quantity, kit=line.sku)
                    for line, units in kits
                ]
                detail = f" ({', '.join(pieces)})"
            problems.append(
                _(
                    "not enough stock of %(sku)s: %(need)g needed%(detail)s, %(free)g free",
                    sku=product.default_code or product.display_name,
                    need=needed,
                    detail=detail,
                    free=free,
                )
            )
        return problems

    def _try_accept(self):
        """validated -> accepted once the trigger is met and the stock is allocated."""
        self.ensure_one()
        waiting = self._valid_to_pick_missing()
        if waiting:
            self.message_post(
                body=_("Validated; waiting for %s before release to pick.", "; ".join(waiting)),
                subtype_xmlid="mail.mt_note",
            )
            return
        shortages = self._stock_problems()
        policy = self.channel_id.partial_policy
        if shortages and policy == "hold":
            self._hold(
                shortages, _lt("Order %s is on hold: not enough stock", self.name), problems_in="_stock_problems"
            )
            return
        if shortages and policy == "cancel_lines":
            self._cancel_unavailable_lines()
            if not self._warehouse_lines():
                self._cancel(_("no line could be served"))
                return
        if shortages and policy == "backorder" and not self._any_stock():
            self._hold(
                shortages,
                _lt("Order %s is on hold: nothing in stock to ship", self.name),
                problems_in="_stock_problems",
            )
            return
        self._allocate()
        if not self._delivery_reserved():
            # Odoo could not reserve what the check saw as free (e.g. taken meanwhile): stop, do not guess
            self._release_allocation()
            self._hold(
                self._stock_problems() or [_("the delivery could not be reserved")],
                _lt("Order %s is on hold: stock could not be reserved", self.name),
            )
            return
        self.accepted_at = fields.Datetime.now()
        note = _("stock allocated on %s", self.sale_order_id.name)
        if shortages and policy == "backorder":
            note += _(" — partial: the rest is backordered (%s)", "; ".join(shortages))
        self._transition(S.ACCEPTED, note)

    def _any_stock(self):
        needed = self._needed_quantities()
        free = self._free_quantities(self.env["product.product"].concat(*needed))
        return any(free[product.id] > 0 for product in needed)

    def _cancel_unavailable_lines(self):
        """Every line that takes a short product (itself or, for a kit, one of its components)."""
        lines = self.env["integration.channel.order.line"]
        for _product, (_needed, _free, parts) in self._shortages().items():
            for line, _units in parts:
                lines |= line
        lines.write({"state": "cancelled"})
        self.message_post(
            body=_("Cancelled for lack of stock: %s", ", ".join(lines.mapped("sku"))), subtype_xmlid="mail.mt_note"
        )
        self.env["integration.job"]._enqueue(
            self.channel_id,
            "order_status",
            f"lines-cancelled:{self.channel_id.code}:{self.external_id}:"
            + ",".join(sorted(lines.mapped("external_line_id"))),
            {
                "order_id": self.external_id,
                "status": "lines_cancelled",
                "lines": [{"id": line.external_line_id, "sku": line.sku, "reason": "out_of_stock"} for line in lines],
            },
            record=self,
        )

    # --- allocation through a sale order --------------------------------------
    def _partners(self):
        """The order's own customer contact and its delivery address, exactly as sent.

        Created per order and never merged into a customer master (README "Personal data"): each
        contact points to its order (``integration_order_id``) and is anonymised with it. An edit
        after release reuses the order's customer and adds a delivery contact only for a new address.
        Personal data: the contacts' own chatter keeps no tracked copy of old and new phones or addresses.
        """
        # tracking_disable: a contact made for one order gets no creation log, followers or tracking
        Partner = self.env["res.partner"].sudo().with_context(mail_notrack=True, tracking_disable=True)
        customer = self.sale_order_id.sudo().partner_id.with_context(mail_notrack=True)
        created = not customer
        if created:
            customer = Partner.create(
                {
                    "name": self.customer_name or self.ship_name or self.customer_email or self.name,
                    "email": self.customer_email,
                    "phone": self.phone_e164 or self.customer_phone,
                    "vat": self.vat or False,
                    "company_id": self.company_id.id,
                    "integration_order_id": self.id,
                }
            )
        address = {
            "name": self.ship_name,
            "company_name": self.ship_company or False,
            "street": self.ship_street,
            "street2": self.ship_street2 or False,
            "zip": self.ship_zip,
            "city": self.ship_city,
            "country_id": self._country().id,
        }

        def same_address(partner):
            current = partner.read(list(address), load=None)[0]
            return partner.type == "delivery" and all((current[k] or False) == (v or False) for k, v in address.items())

        # a customer contact created just now has no delivery contact yet: nothing to look up
        shipping = Partner.browse() if created else customer.child_ids.filtered(same_address)[:1]
        if not shipping:
            company_name = address.pop("company_name")
            shipping = Partner.create(
                {
                    **address,
                    "type": "delivery",
                    "parent_id": customer.id,
                    "phone": self.phone_e164,
                    "integration_order_id": self.id,
                }
            )
            # Odoo clears company_name on a contact created under a parent; written after, it stays: the
            # company at this delivery address ("Cerámica García S.L.") travels to every label
            if company_name:
                shipping.company_name = company_name
        elif self.phone_e164 and shipping.phone != self.phone_e164:
            shipping.phone = self.phone_e164
        return customer, shipping

    def _allocate(self):
        """Create and confirm the sale order: Odoo reserves the delivery (kits explode into components)."""
        customer, shipping = self._partners()
        # Odoo looks BoMs and quants up per line and per move: read once for the whole order (1,500 lines:
        # issue 23); the answers are Odoo's own (stock_allocation_lookups.py)
        lookups = AllocationLookups()
        products = self._warehouse_lines().product_id
        per_kit = self.channel_id.sudo()._kit_components(products)
        lookups.read_bom_existence(self.env, products | products.browse({c for kit in per_kit.values() for c in kit}))
        try:
            order = (
                self.env["sale.order"]
                .sudo()
                .with_context({LOOKUPS: lookups})
                .create(self._sale_order_values(customer, shipping))
            )
            order.action_confirm()
            # what is left to compute (delivered quantities look kits up) is computed now, with the lookups
            order.env.flush_all()
        finally:
            lookups.close()
        self.sale_order_id = order.id
        self._first_step_pickings().action_assign()

    def _sale_order_values(self, customer, shipping):
        """The sale order behind the allocation; the client's accounting mode adds its prices or its owner
        (integration_channel_order_accounting.py)."""
        return {
            "partner_id": customer.id,
            "partner_shipping_id": shipping.id,
            "company_id": self.company_id.id,
            "warehouse_id": self.channel_id.warehouse_id.id,
            "client_order_ref": self.name,
            "origin": f"{self.channel_id.code}/{self.name}",
            "integration_order_id": self.id,
            # text from the channel, never markup: escaped into the HTML note
            "note": plaintext2html(self.special_handling) if self.special_handling else False,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "product_uom_qty": line._quantity_value(),
                        "integration_line_id": line.id,
                    },
                )
                for line in self._warehouse_lines()
            ],
        }

    def _release_allocation(self):
        """Cancel the sale order and its open transfers: the reservation goes back to free stock."""
        for order in self.filtered("sale_order_id"):
            sale = order.sale_order_id.sudo()
            sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
            sale.with_context(disable_cancel_warning=True)._action_cancel()
            order.sale_order_id = False

    def _sync_released_sale_order(self):
        """Forced edit after release: carry address and quantities over to the running sale order."""
        sale = self.sale_order_id.sudo().with_context(mail_notrack=True)
        if not sale:
            return
        customer, shipping = self._partners()
        if sale.partner_shipping_id != shipping:
            sale.partner_shipping_id = shipping
            sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).write({"partner_id": shipping.id})
        by_line = {sale_line.integration_line_id: sale_line for sale_line in sale.order_line}
        for line in self.line_ids:
            sale_line = by_line.get(line)
            quantity = line._quantity_value() if line._is_warehouse_line() else 0.0
            if sale_line and sale_line.product_uom_qty != quantity:
                sale_line.product_uom_qty = quantity
            elif not sale_line and line._is_warehouse_line() and line.product_id:
                sale.order_line = [
                    (
                        0,
                        0,
                        {"product_id": line.product_id.id, "product_uom_qty": quantity, "integration_line_id": line.id},
                    )
                ]

    # --- the warehouse's evidence ------------------------------------------------
    def _chain(self):
        """The order's transfers by step, ignoring backorders (they follow the first shipment)."""
        warehouse = self.channel_id.warehouse_id
        pickings = self.sale_order_id.picking_ids.filtered(lambda p: p.state != "cancel" and not p.backorder_id)
        return {
            "pick": pickings.filtered(lambda p: p.picking_type_id == warehouse.pick_type_id)
            if warehouse.delivery_steps != "ship_only"
            else pickings.browse(),
            "pack": pickings.filtered(lambda p: p.picking_type_id == warehouse.pack_type_id)
            if warehouse.delivery_steps == "pick_pack_ship"
            else pickings.browse(),
            "out": pickings.filtered(lambda p: p.picking_type_id == warehouse.out_type_id),
        }

    def _first_step_pickings(self):
        chain = self._chain()
        return chain["pick"] or chain["out"]

    def _delivery_reserved(self):
        """Every move of the first step has its quantity reserved (backorder policy: something reserved)."""
        moves = self._first_step_pickings().move_ids.filtered(lambda m: m.state != "cancel")
        if not moves:
            return False
        if self.channel_id.partial_policy == "backorder":
            return any(move.quantity > 0 for move in moves)
        return all(
            float_compare(move.quantity, move.product_uom_qty, precision_rounding=move.product_uom.rounding) >= 0
            for move in moves
        )

    def _warehouse_evidence(self):
        chain = self._chain()
        first = chain["pick"] or chain["out"]
        first_lines = first.move_line_ids
        started = any(line.picked for line in first_lines) or any(p.state == "done" for p in first)
        if chain["pick"]:
            picked = bool(first) and all(p.state == "done" for p in first)
        else:
            picked = (bool(first_lines) and all(line.picked for line in first_lines)) or (
                bool(first) and all(p.state == "done" for p in first)
            )
        if chain["pack"]:
            packed = all(p.state == "done" for p in chain["pack"])
        else:
            out_lines = chain["out"].move_line_ids
            packed = bool(chain["out"]) and (
                all(p.state == "done" for p in chain["out"])
                or (bool(out_lines) and all(line.result_package_id and line.picked for line in out_lines))
            )
        return {"started": started, "picked": picked and started, "packed": packed and picked and started}

    def _sync_warehouse_progress(self):
        """accepted -> picking -> picked -> packed, one guarded step at a time, from Odoo's transfers."""
        steps = [(S.ACCEPTED, S.PICKING, "started"), (S.PICKING, S.PICKED, "picked"), (S.PICKED, S.PACKED, "packed")]
        for order in self:
            evidence = order._warehouse_evidence()
            for current, target, key in steps:
                if order.state == current and evidence[key]:
                    order._transition(
                        target,
                        _(
                            "warehouse evidence: %s",
                            ", ".join(
                                order.sale_order_id.picking_ids.filtered(lambda p: p.state != "cancel").mapped("name")
                            ),
                        ),
                    )

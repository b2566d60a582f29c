from psycopg2 import IntegrityError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib.hub_privilege import HUB_WRITE, granted, is_granted

KINDS = [
    ("product", "Product / variant (listing)"),
    ("location", "Location"),
    ("order", "Order"),
    ("fulfillment", "Fulfillment"),
    ("shipment", "Shipment"),
]
# what the hub records from the platform's answers: never created or changed by hand
HUB_RECORDED_KINDS = frozenset({"order", "fulfillment", "shipment"})
SOURCES = [
    ("catalog", "Catalog import"),
    ("order_line", "Learned from an order line"),
    ("sku_match", "Matched by SKU"),
    ("manual", "Set by an administrator"),
]


class IntegrationExternalId(models.Model):
    """A platform's own id of a record, for every platform: one table, not one per entity per platform.

    - ``product`` rows are the channel's **listings**: the product or variant the channel sells (its
      own id, the SKU seen with it, platform data such as an inventory item id). A channel publishes
      inventory for its listed products only, never for the rest of the catalog. Listings come from a
      catalog import (the platform's catalog matched by SKU), from order lines that carry both an SKU
      and the channel's id, from the channel's own stock reports, or from an administrator.
    - ``location`` rows map a platform location to the warehouse whose stock it gets.
    - ``order`` / ``fulfillment`` / ``shipment`` rows record what the platform answered when the hub
      sent something (a fulfillment id per shipment...): the hub writes them, nobody by hand.

    ``external_ref`` is a second id of the same record when the platform has one; ``data`` holds
    whatever else the platform needs (JSON).
    """

    _name = "integration.external.id"
    _description = "External identifier / listing"
    _order = "channel_id, kind, sku, id"
    _rec_name = "external_id"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    platform = fields.Selection(related="channel_id.platform")
    kind = fields.Selection(KINDS, required=True, default="product", index=True)
    external_id = fields.Char(string="Channel's id", index=True, help="The id of the record in the channel.")
    external_ref = fields.Char(
        string="Second id",
        index=True,
        help="Another id the platform uses for the same record (Shopify's inventory item of a variant, "
        "WooCommerce's parent product of a variation, the fulfillment order a fulfillment closed).",
    )
    hub_reference = fields.Char(
        index=True, readonly=True, help="What the hub sent this for (e.g. the shipment a fulfillment answers)."
    )
    name = fields.Char(help="The record's name in the channel, for people.")
    sku = fields.Char(string="SKU", index=True, help="The SKU seen with this id in the channel.")
    product_id = fields.Many2one("product.product", ondelete="cascade", index=True, check_company=True)
    warehouse_id = fields.Many2one("stock.warehouse", ondelete="cascade", check_company=True)
    order_id = fields.Many2one("integration.channel.order", ondelete="cascade", index=True)
    picking_id = fields.Many2one("stock.picking", ondelete="cascade", index=True)
    listed = fields.Boolean(
        default=True, help="Listed products are the only ones whose inventory is published to the channel."
    )
    source = fields.Selection(SOURCES, default="manual", required=True, readonly=True)
    data = fields.Json(readonly=True, help="What the platform needs besides the id.")
    data_text = fields.Text(string="Platform data", compute="_compute_data_text")
    pushed_qty = fields.Float(string="Last quantity sent", readonly=True)
    pushed_at = fields.Datetime(string="Sent at", readonly=True)
    reported_qty = fields.Float(string="Channel reports", readonly=True)
    reported_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "channel_kind_external_unique",
            "unique(channel_id, kind, external_id)",
            "This channel id is already recorded: one id, one record.",
        ),
    ]

    def _compute_data_text(self):
        for row in self:
            row.data_text = ", ".join(f"{key}: {value}" for key, value in (row.data or {}).items()) or False

    @api.constrains("kind", "warehouse_id", "external_id")
    def _check_kind(self):
        for row in self:
            if row.kind == "location" and not (row.warehouse_id and row.external_id):
                raise ValidationError(_("A location needs the channel's location id and the warehouse it serves."))

    # --- the hub records fulfillments and shipments; administrators keep listings and locations ----
    @api.model_create_multi
    def create(self, vals_list):
        if not is_granted(HUB_WRITE) and any(vals.get("kind") in HUB_RECORDED_KINDS for vals in vals_list):
            raise AccessError(
                _("Orders, fulfillments and shipments are recorded by the hub from the channel's answers.")
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_hand_change(vals)
        return super().write(vals)

    def unlink(self):
        self._check_hand_change({})
        return super().unlink()

    def _check_hand_change(self, vals):
        if is_granted(HUB_WRITE):
            return
        if vals.get("kind") in HUB_RECORDED_KINDS or any(row.kind in HUB_RECORDED_KINDS for row in self):
            raise AccessError(
                _("Orders, fulfillments and shipments are recorded by the hub from the channel's answers.")
            )

    @api.model
    def _hub_create(self, vals_list):
        with granted(HUB_WRITE):
            return self.sudo().create(vals_list)

    def _hub_write(self, vals):
        with granted(HUB_WRITE):
            return self.sudo().write(vals)

    # --- lookups ------------------------------------------------------------------------
    @api.model
    def _of(self, channel, kind, external_ids=None, **domain):
        rows = [("channel_id", "=", channel.id), ("kind", "=", kind)]
        if external_ids is not None:
            rows.append(("external_id", "in", list(external_ids)))
        rows += [(name, "=", value) for name, value in domain.items()]
        return self.sudo().search(rows)

    @api.model
    def _remember(self, channel, kind, external_id, **values):
        """Create the row of ``external_id`` or update it; another worker recording it first is fine."""
        row = self._of(channel, kind, [external_id])
        if row:
            row._hub_write(values)
            return row
        try:
            with self.env.cr.savepoint():
                return self._hub_create(
                    [{"channel_id": channel.id, "kind": kind, "external_id": external_id, **values}]
                )
        except IntegrityError:
            row = self._of(channel, kind, [external_id])
            row._hub_write(values)
            return row

    # --- listings -----------------------------------------------------------------------
    @api.model
    def _listed_products(self, channel):
        """The products the channel lists (one query)."""
        rows = self.sudo().search_read(
            [
                ("channel_id", "=", channel.id),
                ("kind", "=", "product"),
                ("listed", "=", True),
                ("product_id", "!=", False),
            ],
            ["product_id"],
            load=None,  # ids only: no display name computed for each product
        )
        return self.env["product.product"].browse(sorted({row["product_id"] for row in rows}))

    @api.model
    def _listings_by_sku(self, channel, skus):
        """{sku: listing row} of the channel for these SKUs (one search; the newest row wins)."""
        rows = self.sudo().search(
            [("channel_id", "=", channel.id), ("kind", "=", "product"), ("sku", "in", list(skus))], order="id"
        )
        return {row.sku: row for row in rows}

    @api.model
    def _list_products(self, channel, products, source="manual"):
        """List ``products`` on the channel (those not listed yet), matched by their SKU."""
        listed = self.sudo().search(
            [("channel_id", "=", channel.id), ("kind", "=", "product"), ("product_id", "in", products.ids)]
        )
        listed.filtered(lambda row: not row.listed)._hub_write({"listed": True})
        new = products - listed.product_id
        return listed | self._hub_create(
            [
                {
                    "channel_id": channel.id,
                    "kind": "product",
                    "product_id": p.id,
                    "sku": p.default_code,
                    "source": source,
                }
                for p in new
            ]
        )

    @api.model
    def _import_listings(self, channel, items, source="catalog"):
        """Upsert the platform's catalog items [{"external_id", "external_ref", "sku", "name", "data"}] by SKU.

        Returns (listed rows, SKUs that match no catalog product): an unmatched item is kept (to show
        it) but never listed, and never guessed onto a product.
        """
        items = [item for item in items if item.get("external_id")]
        codes = self.env["integration.sku.equivalence"]._resolve_codes(
            channel, [item["sku"] for item in items if item.get("sku")]
        )
        known = {row.external_id: row for row in self._of(channel, "product", [item["external_id"] for item in items])}
        create, unmatched, rows = [], [], self.browse()
        for item in items:
            product_id = codes.get(item.get("sku") or "", {}).get("product_id") or False
            if not product_id:
                unmatched.append(item.get("sku") or item.get("name") or item["external_id"])
            values = {
                "external_ref": item.get("external_ref") or False,
                "sku": item.get("sku") or False,
                "name": item.get("name") or False,
                "data": item.get("data") or None,
                "product_id": product_id,
                "listed": bool(product_id),
            }
            row = known.get(str(item["external_id"]))
            if row:
                row._hub_write(values)
                rows |= row
            else:
                create.append(
                    {
                        "channel_id": channel.id,
                        "kind": "product",
                        "external_id": str(item["external_id"]),
                        "source": source,
                        **values,
                    }
                )
        rows |= self._hub_create(create)
        return rows.filtered("listed"), unmatched

    @api.model
    def _levels_with_skus(self, channel, levels):
        """Reported levels keyed by the platform's item ids get the listing's SKU; unlisted items are dropped."""
        levels = [level for level in levels if isinstance(level, dict)]
        ids = [str(level[key]) for level in levels for key in ("external_id", "external_ref") if level.get(key)]
        if not ids:
            return levels
        rows = self.sudo().search(
            [
                ("channel_id", "=", channel.id),
                ("kind", "=", "product"),
                ("sku", "!=", False),
                "|",
                ("external_id", "in", ids),
                ("external_ref", "in", ids),
            ]
        )
        skus = {(key, row[key]): row.sku for row in rows for key in ("external_id", "external_ref") if row[key]}
        named = []
        for level in levels:
            key = "external_ref" if level.get("external_ref") else "external_id"
            if level.get("sku") or not level.get(key):
                named.append(level)  # an empty SKU stays: the hub names it as unknown
            elif skus.get((key, str(level[key]))):
                named.append({**level, "sku": skus[(key, str(level[key]))]})
        return named

    # --- line resolution (orders, refunds, returns) --------------------------------------
    @api.model
    def _resolve_lines(self, channel, lines):
        """Resolve [(sku, channel product id[, channel parent product id])] to products, in a constant
        number of queries.

        Returns one dict per line, in order: {"product_id", "how", "warning"} or {"problem"}. The SKU
        is tried first (internal reference, barcode, equivalences); an empty SKU resolves through the
        channel's product id (a listing). A line that resolves by SKU and carries an unknown channel id
        teaches the hub that id: the channel lists that product (a later refund line without SKU finds
        it; the parent id is kept as the listing's second id).
        """
        lines = [(line[0], line[1], line[2] if len(line) > 2 else "") for line in lines]
        codes = self.env["integration.sku.equivalence"]._resolve_codes(channel, [sku for sku, *_ids in lines if sku])
        refs = {ref for _sku, ref, _parent in lines if ref}
        known = {}
        if refs:
            rows = self.sudo().search_read(
                [("channel_id", "=", channel.id), ("kind", "=", "product"), ("external_id", "in", list(refs))],
                ["external_id", "product_id"],
            )
            known = {row["external_id"]: row["product_id"] and row["product_id"][0] for row in rows}
        results, learn = [], {}
        for sku, ref, parent in lines:
            if sku:
                found = codes.get(sku, {})
                if found.get("product_id") and ref and ref not in known:
                    learn[ref] = (found["product_id"], sku, parent)
                results.append(found)
            elif ref and known.get(ref):
                results.append({"product_id": known[ref], "how": "channel_product"})
            elif ref:
                results.append(
                    {
                        "problem": _(
                            "line without SKU: channel product id %s is not mapped to a catalog product "
                            "(map it under Configuration > Listings and channel ids)",
                            ref,
                        )
                    }
                )
            else:
                results.append({"problem": _("line has no SKU and no channel product id")})
        if learn:
            self._learn(channel, learn)
        return results

    @api.model
    def _learn(self, channel, learn):
        """Store {channel product id: (product id, sku, parent id)}; another worker learning one first is fine."""
        try:
            with self.env.cr.savepoint():
                self._hub_create(
                    [
                        {
                            "channel_id": channel.id,
                            "kind": "product",
                            "external_id": ref,
                            "external_ref": parent or False,
                            "product_id": product_id,
                            "sku": sku,
                            "source": "order_line",
                        }
                        for ref, (product_id, sku, parent) in learn.items()
                    ]
                )
        except IntegrityError:
            pass

    # --- what the channel holds ------------------------------------------------------------
    def _holds(self, quantity, clock_skew=300):
        """True when the channel is known to hold ``quantity`` already, so sending it again changes nothing.

        The hub last sent this quantity, and the channel reported no other level since (a level
        reported well before the push, by the channel's own clock, was overwritten by it).
        """
        self.ensure_one()
        if not self.pushed_at or self.pushed_qty != quantity:
            return False
        if not self.reported_at:
            return True
        if (self.pushed_at - self.reported_at).total_seconds() > clock_skew:
            return True
        return self.reported_qty == quantity

    @api.model
    def _match_by_sku(self, channel, skus, lookup, listings=None):
        """{sku: row with the platform's ids} for ``skus``, asking the platform once (a SKU match).

        ``lookup(skus)`` is the platform's search by SKU: {sku: {"external_id", "external_ref", "name",
        "data"}}. A found item is kept on the row of its id, else on the SKU's listing that has no id yet
        (listed by hand), else on a new row that is not listed (a platform item the hub only publishes
        because it was asked to). An SKU the platform does not know is left out.
        """
        found = {sku: item for sku, item in lookup(list(skus)).items() if item.get("external_id")}
        listings = listings if listings is not None else self._listings_by_sku(channel, skus)
        known = {
            row.external_id: row for row in self._of(channel, "product", [i["external_id"] for i in found.values()])
        }
        result, create = {}, []
        for sku, item in found.items():
            values = {"sku": sku, **{key: item.get(key) or False for key in ("external_id", "external_ref", "name")}}
            if item.get("data"):
                values["data"] = item["data"]
            row = known.get(str(item["external_id"]))
            if not row and sku in listings and not listings[sku].external_id:
                row = listings[sku]
            if row:
                row._hub_write(values)
                result[sku] = row
            else:
                create.append(
                    {"channel_id": channel.id, "kind": "product", "source": "sku_match", "listed": False, **values}
                )
        for row in self._hub_create(create):  # one INSERT for every newly matched SKU
            result[row.sku] = row
        return result

    @api.model
    def _to_push(self, channel, quantities, lookup, unknown, id_field="external_id"):
        """What an inventory push sends: ({sku: listing} the channel does not hold yet, {sku: why refused}).

        SKUs the channel is known to hold already are left out (after the channel reported another figure,
        the hub's corrective republish is not); a listing without the platform's id (``id_field``) is
        matched once through ``lookup`` (see ``_match_by_sku``); an SKU the platform does not know is
        refused with ``unknown``, naming it, while the rest is sent.
        """
        listings = self._listings_by_sku(channel, quantities)
        changed = [sku for sku, qty in quantities.items() if not (sku in listings and listings[sku]._holds(qty))]
        missing = [sku for sku in changed if not (sku in listings and listings[sku][id_field])]
        if missing:
            listings.update(self._match_by_sku(channel, missing, lookup, listings))
        send = {sku: listings[sku] for sku in changed if sku in listings and listings[sku][id_field]}
        return send, {sku: unknown for sku in changed if sku not in send}

    @api.model
    def _record_pushed(self, rows, quantities, at=None):
        """Stamp what was sent to each row ({sku: quantity}): one UPDATE per distinct quantity."""
        by_quantity = {}
        for row in rows:
            by_quantity.setdefault(quantities[row.sku], []).append(row.id)
        for quantity, ids in by_quantity.items():
            self.browse(ids)._hub_write({"pushed_qty": quantity, "pushed_at": at or fields.Datetime.now()})

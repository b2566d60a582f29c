from psycopg2 import IntegrityError

from odoo import _, api, fields, models


class IntegrationChannelProduct(models.Model):
    """The channel's own id of a product or variant (e.g. a Shopify variant id) -> the catalog product.

    A line whose SKU is empty (a refund line, a variant without SKU) resolves through it. The hub
    learns a row whenever a line carries both an SKU that resolves and the channel's id; an
    administrator can add or correct rows by hand. The same resolution serves orders, refunds and
    returns (``_resolve_lines``).
    """

    _name = "integration.channel.product"
    _description = "Channel product id"
    _order = "channel_id, external_id"
    _rec_name = "external_id"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    external_id = fields.Char(string="Channel product id", required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", index=True)
    sku_seen = fields.Char(string="SKU seen with it", readonly=True)
    source = fields.Selection(
        [("learned", "Learned from an order line"), ("manual", "Set by an administrator")],
        default="manual",
        required=True,
        readonly=True,
    )

    _sql_constraints = [
        (
            "channel_external_unique",
            "unique(channel_id, external_id)",
            "This channel product id is already mapped: one id, one product.",
        ),
    ]

    @api.model
    def _resolve_lines(self, channel, lines):
        """Resolve [(sku, channel product id)] to products, in a constant number of queries.

        Returns one dict per line, in order: {"product_id", "how", "warning"} or {"problem"}. The SKU
        is tried first (internal reference, barcode, equivalences); an empty SKU resolves through the
        channel product id. A line that resolves by SKU and carries an unknown channel id teaches the
        hub that id (so a later refund line without SKU finds its product).
        """
        codes = self.env["integration.sku.equivalence"]._resolve_codes(channel, [sku for sku, _ref in lines if sku])
        refs = {ref for sku, ref in lines if ref}
        known = {}
        if refs:
            rows = self.sudo().search_read(
                [("channel_id", "=", channel.id), ("external_id", "in", list(refs))], ["external_id", "product_id"]
            )
            known = {row["external_id"]: row["product_id"][0] for row in rows}
        results, learn = [], {}
        for sku, ref in lines:
            if sku:
                found = codes.get(sku, {})
                if found.get("product_id") and ref and ref not in known:
                    learn[ref] = (found["product_id"], sku)
                results.append(found)
            elif ref and ref in known:
                results.append({"product_id": known[ref], "how": "channel_product"})
            elif ref:
                results.append(
                    {
                        "problem": _(
                            "line without SKU: channel product id %s is not mapped to a catalog product "
                            "(map it under Configuration > Channel product ids)",
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
        """Store {channel product id: (product id, sku)}; another worker learning the same id first is fine."""
        try:
            with self.env.cr.savepoint():
                self.sudo().create(
                    [
                        {
                            "channel_id": channel.id,
                            "external_id": ref,
                            "product_id": product_id,
                            "sku_seen": sku,
                            "source": "learned",
                        }
                        for ref, (product_id, sku) in learn.items()
                    ]
                )
        except IntegrityError:
            pass

from odoo import api, models
from odoo.osv import expression

# what a scanner types into a product field: one code, matched exactly or by Odoo's "contains"
SCAN_OPERATORS = ("ilike", "=", "=ilike", "like", "=like")


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Odoo's product lookup (what a barcode scanner types into a receipt line), plus the hub's old codes.

        When no product carries the code (internal reference, barcode, name), an old SKU or barcode in its
        transition window, or a legacy barcode after it, finds its product through the hub's one resolver
        (``integration.sku.equivalence._resolve_codes``, the same as for orders and expected receipts); the
        suggestion says so ("legacy barcode 84...: use 84..."). A retired SKU finds nothing (seed: "any system
        receiving a barcode scan validates it against both the active and legacy mapping"). The channel
        is the context's ``integration_channel_id`` when given; otherwise the equivalences valid on every
        channel of the current company apply.
        """
        result = super().name_search(name, args, operator, limit)
        code = (name or "").strip()
        if result or not code or operator not in SCAN_OPERATORS or any(char.isspace() for char in code):
            return result
        Equivalence = self.env["integration.sku.equivalence"]
        if not Equivalence.has_access("read"):
            return result
        channel_id = self.env.context.get("integration_channel_id")
        channel = self.env["integration.channel"].browse(channel_id if isinstance(channel_id, int) else [])
        channel = channel.exists()._filtered_access("read")  # a channel of the user's own companies only
        found = Equivalence._resolve_codes(channel, [code]).get(code, {})
        if found.get("how") not in ("equivalence", "legacy_barcode"):
            return result
        product = self.search(expression.AND([args or [], [("id", "=", found["product_id"])]]), limit=1)
        if not product:
            return result
        return [(product.id, f"{product.display_name} — {found['warning']}")]

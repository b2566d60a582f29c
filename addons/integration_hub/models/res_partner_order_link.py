"""Contacts made for channel orders before contacts carried their order (README "Personal data", issue 22).

Older versions created the customer and delivery contacts of each channel order without
``integration_order_id``: retention and erasure could not find them. The upgrade to 18.0.1.3.0 (and
*Link old order contacts*, the same method) links each such contact to its order where the sale orders
say so unambiguously: every sale order that uses the contact (as customer, invoice or delivery address,
or the contact's parent) belongs to one and the same channel order. A contact used by the sale orders of
several channel orders (an old version or a person merged them) is not guessed: one exception lists them by
id for a manager (never their names), who anonymises or keeps them by hand.
"""

from collections import defaultdict

from odoo import _, api, models


class ResPartnerOrderLink(models.Model):
    _inherit = "res.partner"

    @api.model
    def _integration_link_old_order_contacts(self):
        """Link unlinked contacts of channel orders' sale orders to their order; {"linked": n, "ambiguous": ids}."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.id, so.integration_order_id
              FROM sale_order so
              JOIN res_partner p
                ON p.id IN (so.partner_id, so.partner_shipping_id, so.partner_invoice_id)
             WHERE so.integration_order_id IS NOT NULL AND p.integration_order_id IS NULL
            """
        )
        orders_of = defaultdict(set)
        for partner_id, order_id in self.env.cr.fetchall():
            orders_of[partner_id].add(order_id)
        # never a company's own contact or a user's: those are not per-order contacts whatever uses them
        protected = set(self.env["res.company"].sudo().search([]).partner_id.ids)
        protected |= set(self.env["res.users"].sudo().with_context(active_test=False).search([]).partner_id.ids)
        linked, ambiguous = 0, []
        for partner_id, order_ids in sorted(orders_of.items()):
            if partner_id in protected:
                continue
            if len(order_ids) == 1:
                self.browse(partner_id).sudo().with_context(mail_notrack=True).write(
                    {"integration_order_id": next(iter(order_ids))}
                )
                linked += 1
            else:
                ambiguous.append(partner_id)
        if ambiguous:
            self.env["integration.sync.exception"].sudo()._open(
                "other",
                _("%s contacts are shared by several channel orders", len(ambiguous)),
                _(
                    "These contacts (ids %(ids)s) were created by an older version of the hub and are used by the "
                    "sale orders of several channel orders, so they belong to none of them: retention and erasure "
                    "do not anonymise them. Open each (Contacts, by id), and archive or anonymise it once its "
                    "orders are closed, or keep it if it is a real customer of yours.",
                    ids=", ".join(str(partner_id) for partner_id in ambiguous),
                ),
                dedupe_key="old-order-contacts:" + ",".join(map(str, ambiguous)),
            )
        self.env["integration.audit.log"]._log(
            "pii_retention",
            reason=_("Old order contacts linked to their channel orders"),
            after={"linked": linked, "ambiguous": len(ambiguous)},
        )
        return {"linked": linked, "ambiguous": ambiguous}

"""Contacts made for channel orders before contacts carried their order (README "Personal data", issue 22).

Older versions created the customer and delivery contacts of each channel order without
``integration_order_id``: retention and erasure could not find them. The upgrade to 18.0.1.3.0 (and
*Operations > Link old order contacts*, warehouse managers, the same method for their companies) links each
such contact to its order where the sale orders say so unambiguously: every sale order that uses the contact
as its customer, invoice address or delivery address belongs to one and the same channel order (a contact's
parent or children are not looked at: only the contacts a sale order names). Company and user contacts are
never linked. A contact used by the sale orders of several channel orders (an old version or a person merged
them) is not guessed: one exception lists them by id for a manager (never their names), who anonymises or
keeps them by hand.
"""

from collections import defaultdict

from psycopg2.extras import execute_values

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# contacts linked per UPDATE statement
LINK_BATCH = 1000


class ResPartnerOrderLink(models.Model):
    _inherit = "res.partner"

    @api.model
    def _integration_link_old_order_contacts(self, companies=None):
        """Link unlinked contacts of channel orders' sale orders to their order; {"linked": n, "ambiguous": ids}.

        ``companies``: only the sale orders of these companies (a manager's action); None: every company
        (the upgrade). One SQL read, then UPDATEs of LINK_BATCH contacts (no ORM write per contact)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, so.integration_order_id
                  FROM sale_order so
                  JOIN res_partner p
                    ON p.id IN (so.partner_id, so.partner_shipping_id, so.partner_invoice_id)
                 WHERE so.integration_order_id IS NOT NULL AND p.integration_order_id IS NULL %s
                """,
                SQL("AND so.company_id = ANY(%s)", companies.ids) if companies is not None else SQL(""),
            )
        )
        orders_of = defaultdict(set)
        for partner_id, order_id in self.env.cr.fetchall():
            orders_of[partner_id].add(order_id)
        # never a company's own contact or a user's: those are not per-order contacts whatever uses them
        protected = set(self.env["res.company"].sudo().search([]).partner_id.ids)
        protected |= set(self.env["res.users"].sudo().with_context(active_test=False).search([]).partner_id.ids)
        links, ambiguous = [], []
        for partner_id, order_ids in sorted(orders_of.items()):
            if partner_id in protected:
                continue
            if len(order_ids) == 1:
                links.append((partner_id, next(iter(order_ids)), self.env.uid))
            else:
                ambiguous.append(partner_id)
        for start in range(0, len(links), LINK_BATCH):
            execute_values(
                self.env.cr._obj,
                "UPDATE res_partner p SET integration_order_id = v.order_id, write_uid = v.uid, "
                "write_date = (now() at time zone 'UTC') FROM (VALUES %s) AS v(id, order_id, uid) "
                "WHERE p.id = v.id AND p.integration_order_id IS NULL",
                links[start : start + LINK_BATCH],
                page_size=LINK_BATCH,
            )
        self.env["res.partner"].invalidate_model(["integration_order_id", "write_uid", "write_date"])
        linked = len(links)
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

    @api.model
    def _integration_action_link_old_order_contacts(self):
        """*Operations > Link old order contacts* (warehouse managers): the link above for the manager's
        companies; a notification with the counts. AccessError for anyone else."""
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can link old order contacts."))
        result = self._integration_link_old_order_contacts(companies=self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Old order contacts"),
                "message": _(
                    "%(linked)s contacts linked to their channel order; %(ambiguous)s shared by several orders "
                    "(listed by id in an exception).",
                    linked=result["linked"],
                    ambiguous=len(result["ambiguous"]),
                ),
                "type": "success",
                "sticky": False,
            },
        }

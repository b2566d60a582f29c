import hashlib
import json

from odoo import fields, models
from odoo.exceptions import UserError

from ..lib import catalog_master as M


class IntegrationCatalogLockedPack(models.Model):
    """A locked pack configuration (stock may exist in it): the owner's change waits for a manager, who
    applies or rejects it through its exception (audited)."""

    _inherit = "integration.catalog.item"

    # --- the locked pack configuration ------------------------------------------------------------
    def _hold_locked_change(self, old, new):
        """Stock exists in the locked configuration: the channel's change waits for a manager."""
        before, after = M.pack_configuration(old), M.pack_configuration(new)
        differences = M.pack_differences(before, after)
        requested = {"pack": dict(new.pack), "weight_kg": new.weight_kg, "dimensions_cm": dict(new.dimensions_cm)}
        digest = hashlib.sha1(json.dumps(requested, sort_keys=True, default=str).encode()).hexdigest()[:12]
        self.env["integration.sync.exception"]._open(
            "catalog_locked_change",
            self.env._("Catalog product %s: change to a locked pack configuration", self.sku or self.name),
            self.env._(
                "%(owner)s changed the pack configuration of %(product)s, which is locked: stock may already exist "
                "in it.\n\nRequested changes:\n- %(changes)s\n\nNow: %(now)s\nRequested: %(requested)s\n\nThe rest of "
                "the update was applied; the pack configuration stays as it is until a manager decides: 'Apply edit' "
                "(the new packagings, weight and dimensions are written; audited) or 'Reject edit' (the owner is "
                "told; audited).",
                owner=self.channel_id.name,
                product=self.sku or self.name,
                changes="\n- ".join(differences),
                now=M.describe_pack(before),
                requested=M.describe_pack(after),
            ),
            record=self,
            dedupe_key=f"catalog-pack:{self.id}:{digest}",
            pending_data=json.dumps({"catalog_item_id": self.id, "requested": requested}),
        )
        self._hub_note(
            self.env._("Pack configuration change refused (locked), waiting for a manager: %s", "; ".join(differences))
        )

    def _apply_locked_change(self, pending, decision):
        """A manager applies the owner's change to a locked pack configuration (audited)."""
        self.ensure_one()
        self._check_manager(self.env._("apply a change to a locked pack configuration"))
        self._check_hub_reachable()
        item = self.sudo()
        old = item._master()
        requested = pending["requested"]
        new = M.parse_product(
            {
                **old.document(),
                "pack": requested.get("pack") or {},
                "weight_kg": requested.get("weight_kg"),
                "dimensions_cm": requested.get("dimensions_cm") or {},
            }
        )
        problems = M.pack_problems(new)
        if problems:
            raise UserError(
                self.env._(
                    "The requested pack configuration is incomplete, so it cannot be applied: %s. Reject it and "
                    "ask the owner for a complete one.",
                    "; ".join(problems),
                )
            )
        before, after = M.pack_configuration(old), M.pack_configuration(new)
        item._store_master(new)
        item._sync_pack(new)
        self.env["integration.audit.log"]._log(
            "sku_change",
            self,
            reason=self.env._("Locked pack configuration changed by a manager: %s", decision),
            before={"pack": M.describe_pack(before)},
            after={"pack": M.describe_pack(after)},
        )
        self._hub_note(
            self.env._(
                "Pack configuration changed by %(user)s (%(reason)s): %(changes)s",
                user=self.env.user.name,
                reason=decision,
                changes="; ".join(M.pack_differences(before, after)),
            )
        )

    def _reject_locked_change(self, pending, decision):
        """A manager keeps the locked pack configuration; the owner is told (audited)."""
        self.ensure_one()
        self._check_manager(self.env._("reject a change to a locked pack configuration"))
        self._check_hub_reachable()
        old = self.sudo()._master()
        self.env["integration.audit.log"]._log(
            "sku_change",
            self,
            reason=self.env._("Change to the locked pack configuration rejected: %s", decision),
            before={"pack": M.describe_pack(M.pack_configuration(old))},
            after={"requested": pending.get("requested")},
        )
        self._hub_note(
            self.env._(
                "Pack configuration change rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=decision
            )
        )
        channel = self.sudo().channel_id
        if channel._takes("catalog_status"):
            self.env["integration.job"].sudo()._enqueue(
                channel,
                "catalog_status",
                f"catalog-rejected:{self.id}:{fields.Datetime.to_string(fields.Datetime.now())}",
                {
                    "product_id": self.external_id,
                    "sku": self.sku,
                    "status": "change_rejected",
                    "field": "pack",
                    "requested": pending.get("requested"),
                    "kept": {
                        "pack": dict(old.pack),
                        "weight_kg": old.weight_kg,
                        "dimensions_cm": dict(old.dimensions_cm),
                    },
                    "reason": decision,
                },
                record=self,
            )

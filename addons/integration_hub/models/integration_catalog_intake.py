import hashlib
import json
from contextvars import ContextVar
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import IntegrityError

from odoo import api, fields, models

from ..lib import catalog_master as M
from ..lib import catalog_states as C
from ..lib.errors import PermanentError, RetryableError
from .integration_event import DUPLICATE
from .integration_sku_equivalence import DEFAULT_WINDOW_DAYS

# (item id, notes) of the run in progress: its steps become one chatter note. In-process only.
CATALOG_NOTES = ContextVar("integration_catalog_notes", default=(None, None))


class IntegrationCatalogIntake(models.Model):
    """How the owner's messages move a catalog product: defined once, on as far as its evidence allows,
    updated (what is locked kept, code changes as equivalences), or refused with the reason."""

    _inherit = "integration.catalog.item"

    # --- entry point from the inbox -------------------------------------------------------------
    @api.model
    def _ingest(self, event, data):
        """Apply one ``product.upserted`` message (the whole master). Returns the item or DUPLICATE.

        Raises PermanentError when the channel does not own the catalog and PayloadError when the
        message holds no product to keep (lib/catalog_master.parse_product): both keep the message in
        the inbox with an exception.
        """
        channel = event.channel_id
        if channel.catalog_owner != "channel":
            raise PermanentError(
                self.env._(
                    "Channel %(channel)s does not own the catalog (its Ownership tab says SKU / catalog: Warehouse), "
                    "so its product master is not taken. If it is the catalog's owner, an administrator sets "
                    "SKU / catalog to 'This channel', then retries this message.",
                    channel=channel.name,
                )
            )
        master = M.parse_product(data)
        item = self._lock_existing(channel, master.external_id)
        if not item:
            item = self._create_once(channel, master)
            if item:
                item._advance(first_note=self.env._("Defined by %s, the catalog owner.", channel.name))
                return item
            item = self._lock_existing(channel, master.external_id)
            if not item:
                raise RetryableError(
                    self.env._("product %s is being defined by another worker", master.external_id), seconds=0
                )
        return item._apply_owner_master(master)

    def _lock_existing(self, channel, external_id):
        self.env.cr.execute(
            "SELECT id FROM integration_catalog_item WHERE channel_id = %s AND external_id = %s FOR UPDATE",
            [channel.id, external_id],
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _create_once(self, channel, master):
        try:
            with self.env.cr.savepoint():
                item = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)._hub_create(
                    {"channel_id": channel.id, "external_id": master.external_id, "name": master.name}
                )
        except IntegrityError:
            return None
        item._store_master(master)
        item._sync_definition(master)
        return item

    # --- the lifecycle ---------------------------------------------------------------------------
    def _advance(self, first_note=None):
        """Move on as far as the evidence allows; where a guard refuses, say what is missing (and wait)."""
        for item in self:
            notes = [first_note] if first_note else []
            token = CATALOG_NOTES.set((item.id, notes))
            try:
                item._advance_steps()
            finally:
                CATALOG_NOTES.reset(token)
            if notes:
                item._hub_note(Markup("<br/>").join(notes))

    def _advance_steps(self):
        self.ensure_one()
        while step := C.next_step(self.state):
            missing = self._missing_for(step, self._master())
            if missing:
                self._wait(step, missing)
                return
            self._transition(step[1])
        self._hub_write({"missing": False})
        for exception in self.env["integration.sync.exception"]._open_about(self, "catalog_incomplete"):
            exception._hub_note(self.env._("The product is now ready for receiving: this can probably be closed."))

    def _note_transition(self, body, forced):
        collecting, notes = CATALOG_NOTES.get()
        if collecting == self.id and not forced:
            notes.append(body)
        else:
            super()._note_transition(body, forced)

    def _before_transition(self, current, target, forced):
        """Each step writes onto Odoo's product the part of the master its guard just checked."""
        master = self._master()
        {
            C.VARIANTS_ASSIGNED: self._sync_variants,
            C.PACK_LOCKED: self._sync_pack,
            C.BARCODE_ASSIGNED: self._sync_barcodes,
            C.READY: self._sync_kit,
        }[target](master)
        if target == C.READY:
            self._hub_write({"ready_at": fields.Datetime.now()})

    def _wait(self, step, missing):
        labels = dict(self._fields["state"]._description_selection(self.env))
        self._hub_write({"missing": "\n".join(missing)})
        description = self.env._(
            "%(product)s waits at '%(state)s': '%(next)s' needs %(evidence)s.\n\nMissing:\n- %(missing)s\n\n"
            "What to do: %(owner)s (the catalog owner) sends the product again with this data; the product goes "
            "on by itself. Until it is ready for receiving it cannot be on an expected receipt or be published.",
            product=self.sku or self.name,
            state=labels[step[0]],
            next=labels[step[1]],
            evidence=C.required_evidence(*step),
            missing="\n- ".join(missing),
            owner=self.channel_id.name,
        )
        exception = self.env["integration.sync.exception"]._open(
            "catalog_incomplete",
            self.env._(
                "Catalog product %(product)s waits at '%(state)s'", product=self.sku or self.name, state=labels[step[0]]
            ),
            description,
            record=self,
            dedupe_key=f"catalog:{self.id}",
        )
        if exception.description != description:
            exception._hub_write({"description": description})
        collecting, notes = CATALOG_NOTES.get()
        note = self.env._("Waits for %(next)s: %(missing)s", next=labels[step[1]], missing="; ".join(missing))
        if collecting == self.id:
            notes.append(note)
        else:
            self._hub_note(note)

    # --- a later message from the owner ------------------------------------------------------------
    def _apply_owner_master(self, master):
        """The owner sent the product again: apply what may change, keep what is locked, record code changes."""
        self.ensure_one()
        old = self._master()
        if master.updated_at and self.source_updated_at and master.updated_at < self.source_updated_at:
            self._hub_note(
                self.env._(
                    "Ignored an out-of-date product message (updated at %(sent)s, older than %(kept)s).",
                    sent=master.updated_at,
                    kept=self.source_updated_at,
                )
            )
            return DUPLICATE
        if _comparable(master) == _comparable(old):
            if master.updated_at and master.updated_at != self.source_updated_at:
                self._hub_write({"source_updated_at": master.updated_at})
            return DUPLICATE
        if (
            C.reached(self.state, C.PACK_LOCKED)
            and not old.is_kit
            and M.pack_configuration(old) != M.pack_configuration(master)
        ):
            self._hold_locked_change(old, master)
            master = M.with_pack_configuration(master, old)
        missing = [problem for step in C.steps_up_to(self.state) for problem in self._missing_for(step, master)]
        if missing:
            self._refuse_update(missing)
            return self
        code_changes = [
            change
            for change in M.code_changes(old, master)
            if C.reached(self.state, C.VARIANTS_ASSIGNED if change[1] == "sku" else C.BARCODE_ASSIGNED)
        ]
        changes = _describe_changes(old, master)
        self._store_master(master)
        self._sync_up_to(master)
        self._record_code_changes(code_changes)
        if changes:
            self.env["integration.audit.log"]._log(
                "sku_change",
                self,
                reason=self.env._(
                    "Product master from %(owner)s: %(changes)s", owner=self.channel_id.name, changes="; ".join(changes)
                ),
                before=_audit_summary(old),
                after=_audit_summary(master),
            )
            self._hub_note(
                self.env._("Updated by %(owner)s: %(changes)s", owner=self.channel_id.name, changes="; ".join(changes))
            )
        self._advance()
        return self

    def _refuse_update(self, missing):
        """The update would take the product below the step it is at: the synchronized copy stays as it was."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        text = "\n- ".join(missing)
        self._hub_note(
            self.env._("Update from %(owner)s refused: %(why)s", owner=self.channel_id.name, why="; ".join(missing))
        )
        self.env["integration.sync.exception"]._open(
            "catalog_update_refused",
            self.env._("Catalog product %s: an update from the owner was refused", self.sku or self.name),
            self.env._(
                "%(owner)s sent %(product)s again, but the new data does not hold for '%(state)s', where the product "
                "already is:\n- %(missing)s\n\nThe warehouse keeps the product as it was (stock may exist under it). "
                "What to do: ask %(owner)s to correct the product and send it again.",
                owner=self.channel_id.name,
                product=self.sku or self.name,
                state=labels[self.state],
                missing=text,
            ),
            record=self,
            dedupe_key=f"catalog-refused:{self.id}:{hashlib.sha1(text.encode()).hexdigest()[:12]}",
        )

    # --- writing the master onto the hub's records and Odoo's products -------------------------------
    def _store_master(self, master):
        config = M.pack_configuration(master)
        self._hub_write(
            {
                "name": master.name,
                "sku": master.sku or (master.variants[0].sku if len(master.variants) == 1 else False),
                "is_kit": master.is_kit,
                "master_data": json.dumps(master.document(), sort_keys=True, default=str),
                "units_per_inner": config["inner"] or 0.0,
                "units_per_carton": config["carton"] or 0.0,
                "units_per_pallet": config["pallet"] or 0.0,
                "weight_kg": config["weight_kg"] or 0.0,
                "length_cm": config["length"] or 0.0,
                "width_cm": config["width"] or 0.0,
                "height_cm": config["height"] or 0.0,
                "source_updated_at": max(filter(None, [master.updated_at, self.source_updated_at]), default=False),
            }
        )
        known = {variant.key: variant for variant in self.variant_ids}
        wanted = {variant.key: variant for variant in master.variants}
        commands = [(2, known[key].id) for key in known.keys() - wanted.keys()]
        for sequence, (key, variant) in enumerate(wanted.items()):
            values = {
                "sequence": sequence,
                "external_id": variant.external_id,
                "sku": variant.sku,
                "barcode": variant.barcode,
                "attribute_values": M.combination_text(variant.values),
            }
            if key in known:
                commands.append((1, known[key].id, values))
            else:
                commands.append((0, 0, {"key": key, **values}))
        removed = self.variant_ids.filtered(lambda v: v.key not in wanted).product_id
        if removed:
            removed.sudo().write({"active": False})  # the owner stopped it: stock stays, it is no longer offered
        self._hub_write({"variant_ids": commands})

    # --- code changes: the equivalence, never a second product ----------------------------------------------
    def _record_code_changes(self, changes):
        """old code = new code: an equivalence (audited) with the owner's transition window, for every channel."""
        if not changes:
            return
        Equivalence = self.env["integration.sku.equivalence"].sudo()
        today = fields.Date.context_today(self)
        window = timedelta(days=self.channel_id.sku_transition_days or DEFAULT_WINDOW_DAYS)
        products = {record.key: record.product_id for record in self.variant_ids}
        for variant, kind, old_code, new_code in changes:
            product = products.get(variant.key)
            if not product:
                continue
            reason = self.env._(
                "Code change from %(owner)s: %(old)s → %(new)s", owner=self.channel_id.name, old=old_code, new=new_code
            )
            existing = Equivalence.search(
                [
                    ("old_code", "=", old_code),
                    ("code_type", "=", kind),
                    ("channel_id", "=", False),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=1,
            )
            values = {"valid_from": today, "transition_end": today + window, "reason": reason}
            if existing:
                existing.write({**values, "product_id": product.id})
            else:
                Equivalence.create(
                    {
                        "old_code": old_code,
                        "code_type": kind,
                        "product_id": product.id,
                        "company_id": self.company_id.id,
                        **values,
                    }
                )
            self._hub_note(
                self.env._(
                    "%(kind)s changed %(old)s → %(new)s: both are recognized until %(end)s (SKU equivalence).",
                    kind=self.env._("SKU") if kind == "sku" else self.env._("Barcode"),
                    old=old_code,
                    new=new_code,
                    end=today + window,
                )
            )


def _comparable(master):
    """The master without its timestamp: the same product again is a duplicate."""
    document = master.document()
    document.pop("updated_at", None)
    return json.dumps(document, sort_keys=True, default=str)


def _describe_changes(old, new):
    """What a new version changes, for the note and the audit log: ['name: Mug → Big mug', ...]."""
    changes = []
    if old.name != new.name:
        changes.append(f"name: {old.name} → {new.name}")
    before = {variant.key: variant for variant in old.variants}
    for variant in new.variants:
        was = before.pop(variant.key, None)
        if was is None:
            changes.append(f"variant {variant.label()} added")
            continue
        for kind in ("sku", "barcode"):
            if getattr(was, kind) != getattr(variant, kind):
                changes.append(
                    f"{variant.label()}: {kind} {getattr(was, kind) or '-'} → {getattr(variant, kind) or '-'}"
                )
    changes += [f"variant {variant.label()} removed" for variant in before.values()]
    changes += M.pack_differences(M.pack_configuration(old), M.pack_configuration(new))
    if old.components != new.components:
        changes.append("kit components changed")
    return changes


def _audit_summary(master):
    return {
        "name": master.name,
        "variants": [[variant.key, variant.sku, variant.barcode] for variant in master.variants],
        "pack": M.describe_pack(M.pack_configuration(master)),
        "components": [list(component) for component in master.components],
    }

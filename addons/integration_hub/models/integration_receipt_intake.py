import hashlib
import json

from psycopg2 import IntegrityError

from odoo import api, models

from ..lib import order_validation as V
from ..lib import receipt_states as R
from ..lib.errors import PayloadError, RetryableError
from ..lib.receipt_payload import parse_receipt
from .integration_event import DUPLICATE


class IntegrationReceiptIntake(models.Model):
    """How the owner's messages become expected receipts and their Odoo incoming transfer.

    Idempotent by reference; edits apply until the goods arrive, later they are exceptions. Lines are
    resolved by the hub's one resolver (``integration.external.id._resolve_lines``: internal
    reference, barcode, SKU equivalences with their transition window), the same as for orders: an old
    code in its window is received with a note, a legacy barcode with a warning, a retired SKU holds the
    receipt.
    """

    _inherit = "integration.receipt"

    # --- entry point from the inbox ---------------------------------------------------------
    @api.model
    def _ingest(self, event, data):
        """Apply one ``receipt.expected`` message. Returns the receipt or DUPLICATE.

        Raises PayloadError when the message holds no receipt to keep (lib/receipt_payload.parse_receipt).
        """
        document = parse_receipt(data)
        channel = event.channel_id
        receipt = self._lock_existing(channel, document.reference)
        if not receipt:
            if document.status == "cancelled":
                raise PayloadError(self.env._("receipt %s is unknown: there is nothing to cancel", document.reference))
            receipt = self._create_once(channel, document)
            if receipt:
                receipt._hub_note(self.env._("Expected by %s.", channel.name))
                receipt._run_validation()
                return receipt
            receipt = self._lock_existing(channel, document.reference)
            if not receipt:
                raise RetryableError(
                    self.env._("receipt %s is being created by another worker", document.reference), seconds=0
                )
        return receipt._apply_owner_message(document)

    def _lock_existing(self, channel, reference):
        self.env.cr.execute(
            "SELECT id FROM integration_receipt WHERE channel_id = %s AND external_id = %s FOR UPDATE",
            [channel.id, reference],
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _create_once(self, channel, document):
        try:
            with self.env.cr.savepoint():
                receipt = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)._hub_create(
                    {
                        "channel_id": channel.id,
                        "external_id": document.reference,
                        "tolerance_pct": channel.receipt_tolerance_pct,
                        **self._values_from_document(channel, document),
                        "line_ids": [(0, 0, values) for values in self._line_values(document)],
                    }
                )
        except IntegrityError:
            return None
        return receipt

    @api.model
    def _values_from_document(self, channel, document):
        return {
            "supplier_name": document.supplier_name or False,
            "supplier_ref": document.supplier_ref or False,
            "partner_id": self._supplier_partner(channel, document).id,
            "expected_date": document.expected_date or False,
            "document_data": _document_json(document),
        }

    @api.model
    def _line_values(self, document):
        values = []
        for line in document.lines:
            try:
                expected = float(line.quantity)
            except (TypeError, ValueError):
                expected = 0.0
            values.append(
                {
                    "external_line_id": line.external_id,
                    "sku": line.sku or False,
                    "barcode": line.barcode or False,
                    "quantity_sent": str(line.quantity) if line.quantity is not None else False,
                    "quantity_expected": expected
                    if 0 < expected <= V.MAX_LINE_QUANTITY  # NaN and 1e308 are no quantity
                    else 0.0,
                    "lot": line.lot or False,
                    "expiry": line.expiry or False,
                    "product_id": False,
                    "resolution": False,
                    "resolution_note": False,
                }
            )
        return values

    @api.model
    def _supplier_partner(self, channel, document):
        """The supplier's contact: found by its id in the owner (ref), else by name; created once."""
        if not (document.supplier_ref or document.supplier_name):
            return self.env["res.partner"]
        Partner = self.env["res.partner"].sudo()
        domain = [("company_id", "in", [channel.company_id.id, False])]
        if document.supplier_ref:
            partner = Partner.search(domain + [("ref", "=", document.supplier_ref)], limit=1)
        else:
            partner = Partner.search(
                domain + [("name", "=", document.supplier_name), ("is_company", "=", True)], limit=1
            )
        return partner or Partner.create(
            {
                "name": document.supplier_name or document.supplier_ref,
                "ref": document.supplier_ref or False,
                "is_company": True,
                "company_id": channel.company_id.id,
            }
        )

    # --- resolution and validation ------------------------------------------------------------
    def _resolve_lines(self):
        """Each expected line to its product, through the hub's one resolver (the same as for orders)."""
        for receipt in self:
            lines = receipt.line_ids.filtered(lambda line: not line.unexpected)
            resolutions = self.env["integration.external.id"]._resolve_lines(
                receipt.channel_id, [(line.sku or line.barcode or "", "") for line in lines]
            )
            commands = []
            for line, found in zip(lines, resolutions, strict=True):
                values = {
                    "product_id": found.get("product_id", False),
                    "resolution": found.get("how", False),
                    "resolution_note": found.get("warning") or found.get("problem") or False,
                }
                current = {
                    "product_id": line.product_id.id or False,
                    "resolution": line.resolution or False,
                    "resolution_note": line.resolution_note or False,
                }
                if current != values:
                    commands.append((1, line.id, values))
            if commands:
                receipt._hub_write({"line_ids": commands})

    def _validation_problems(self):
        """Why the lines cannot be received: unknown or retired codes, quantities, kits, products not ready."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.unexpected)
        if not lines:
            return [self.env._("the receipt has no line")]
        problems = []
        for line in lines:
            label = line.sku or line.barcode or self.env._("line %s", line.external_line_id)
            if not (line.sku or line.barcode):
                problems.append(self.env._("line %s names no product (send its sku or barcode)", line.external_line_id))
                continue
            if not line.product_id:
                problems.append(
                    self.env._("line %(line)s: %(why)s", line=line.external_line_id, why=line.resolution_note)
                )
                continue
            problems += V.check_quantity(label, line.quantity_sent or None)
        products = lines.product_id
        kits = self.env["mrp.bom"].sudo()._bom_find(products, bom_type="phantom", company_id=self.company_id.id)
        not_ready = self.env["integration.catalog.item"]._receiving_problems(products)
        for product in products:
            if kits.get(product):
                problems.append(
                    self.env._(
                        "%s is a kit: it has no stock of its own, the owner expects its components instead",
                        product.display_name,
                    )
                )
            elif product.id in not_ready:
                problems.append(not_ready[product.id])
            elif not product.is_storable:
                problems.append(
                    self.env._("%s is not a stocked product: nothing of it is received", product.display_name)
                )
        return problems

    def _run_validation(self):
        """Resolve and check the lines; hold with the reasons, or keep the Odoo transfer in step."""
        for receipt in self:
            receipt._resolve_lines()
            problems = receipt._validation_problems()
            if problems:
                receipt._hold(problems)
                continue
            if receipt.state == R.ON_HOLD:
                receipt._transition(R.EXPECTED, self.env._("the owner's correction: every line can be received"))
                for exception in receipt._hold_exceptions():
                    exception._hub_note(self.env._("The owner corrected the receipt: this can probably be closed."))
            receipt._sync_transfer()
            receipt._hub_write({"validation_problems": False})
            notes = receipt.line_ids.filtered("resolution_note")
            if notes:
                receipt._hub_note(
                    self.env._(
                        "Lines received under another code: %s",
                        "; ".join(f"{line.external_line_id}: {line.resolution_note}" for line in notes),
                    )
                )

    def _hold(self, problems):
        self.ensure_one()
        self._hub_write({"validation_problems": "\n".join(problems)})
        for picking in self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")):
            picking.sudo().action_cancel()  # nothing is received against lines that cannot be
        if self.state != R.ON_HOLD:
            self._transition(R.ON_HOLD, "; ".join(problems))
        description = self.env._(
            "What is wrong:\n- %(problems)s\n\nWhat to do: ask %(owner)s (the receipt's owner) to send the receipt "
            "again with the right codes, or map the old code (Configuration > SKU equivalences), or wait until the "
            "catalog owner makes the product ready for receiving; then the receipt goes on by itself (an owner's "
            "correction) or a manager presses 'Release'. Goods at the dock wait until then.",
            problems="\n- ".join(problems),
            owner=self.channel_id.name,
        )
        exception = self.env["integration.sync.exception"]._open(
            "receipt_on_hold",
            self.env._(
                "Expected receipt %(name)s (%(reference)s) is on hold", name=self.name, reference=self.external_id
            ),
            description,
            record=self,
            dedupe_key=f"receipt-hold:{self.id}",
        )
        if exception.description != description:
            exception._hub_write({"description": description})

    def _hold_exceptions(self):
        return self.env["integration.sync.exception"]._open_about(self, "receipt_on_hold")

    def _close_hold_exceptions(self, decision):
        exceptions = self._hold_exceptions()
        if exceptions:
            exceptions.with_user(self.env.user)._decide("resolved", decision)

    # --- later messages from the owner ------------------------------------------------------------------
    def _apply_owner_message(self, document):
        """The same reference again: a duplicate, an edit (before arrival) or an exception (after)."""
        self.ensure_one()
        if _document_json(document) == self.document_data:
            return DUPLICATE
        changes = self._describe_edit(document)
        if self.state not in R.EDITABLE:
            return self._block_edit(document, changes)
        if document.status == "cancelled":
            for picking in self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")):
                picking.sudo().action_cancel()
            self._hub_write({"document_data": _document_json(document)})
            self._transition(R.CANCELLED, self.env._("cancelled by %s", self.channel_id.name))
            for exception in self._hold_exceptions():
                exception._hub_note(self.env._("The owner cancelled the receipt: this can probably be closed."))
            return self
        self._hub_write(self._values_from_document(self.channel_id, document))
        self._replace_lines(document)
        self._hub_note(
            self.env._(
                "Edit from %(owner)s applied: %(changes)s", owner=self.channel_id.name, changes="; ".join(changes)
            )
        )
        self._run_validation()
        return self

    def _replace_lines(self, document):
        by_id = {line.external_line_id: line for line in self.line_ids.filtered(lambda line: not line.unexpected)}
        fresh = {values["external_line_id"]: values for values in self._line_values(document)}
        commands = [(2, line.id) for external_id, line in by_id.items() if external_id not in fresh]
        for external_id, values in fresh.items():
            if external_id in by_id:
                commands.append((1, by_id[external_id].id, values))
            else:
                commands.append((0, 0, values))
        self._hub_write({"line_ids": commands})

    def _describe_edit(self, document):
        """What the message changes: ['expected date: ... → ...', 'line 2: MUG-001 x 10 → MUG-001 x 12', ...]."""
        changes = []
        if (self.supplier_name or "") != document.supplier_name or (self.supplier_ref or "") != document.supplier_ref:
            changes.append(
                self.env._(
                    "supplier: %(old)s → %(new)s", old=self.supplier_name or "-", new=document.supplier_name or "-"
                )
            )
        if (self.expected_date or None) != (document.expected_date or None):
            changes.append(
                self.env._(
                    "expected date: %(old)s → %(new)s", old=self.expected_date or "-", new=document.expected_date or "-"
                )
            )
        if document.status == "cancelled":
            changes.append(self.env._("receipt cancelled"))
        sent = {line.external_id: line for line in document.lines}
        for line in self.line_ids.filtered(lambda line: not line.unexpected):
            old = f"{line.sku or line.barcode} x {line.quantity_sent}"
            new = sent.pop(line.external_line_id, None)
            if new is None:
                changes.append(self.env._("line %(line)s: %(old)s removed", line=line.external_line_id, old=old))
                continue
            text = f"{new.code} x {new.quantity}"
            if old != text or (line.lot or "") != new.lot or str(line.expiry or "") != str(new.expiry or ""):
                changes.append(
                    self.env._("line %(line)s: %(old)s → %(new)s", line=line.external_line_id, old=old, new=text)
                )
        # the label is built outside the translated call: the translation extractor evaluates its arguments
        added = {key: f"{new.code} x {new.quantity}" for key, new in sent.items()}
        changes += [self.env._("line %(line)s: %(new)s added", line=key, new=label) for key, label in added.items()]
        return changes or [self.env._("no visible change")]

    def _block_edit(self, document, changes):
        """After arrival the goods are being received as expected: the owner's edit waits for a manager."""
        summary = "\n".join(f"- {change}" for change in changes)
        digest = hashlib.sha1(_document_json(document).encode()).hexdigest()[:12]
        self.env["integration.sync.exception"]._open(
            "receipt_edit_after_arrival",
            self.env._(
                "Expected receipt %(name)s (%(reference)s): edit after arrival",
                name=self.name,
                reference=self.external_id,
            ),
            self.env._(
                "%(owner)s changed the receipt after the goods arrived (state: %(state)s). The warehouse receives "
                "what is at the dock; the receipt confirmation will report it against the lines as they were.\n\n"
                "Requested changes:\n%(changes)s\n\nWhat to do: agree the difference with %(owner)s (the "
                "confirmation's figures show what was received), then decide here.",
                owner=self.channel_id.name,
                state=self._state_label(self.state),
                changes=summary,
            ),
            record=self,
            dedupe_key=f"receipt-edit:{self.id}:{digest}",
            pending_data=json.dumps({"document": json.loads(_document_json(document))}),
        )
        self._hub_note(self.env._("Edit after arrival not applied, waiting for a manager: %s", "; ".join(changes)))
        return self


def _document_json(document):
    """The receipt as sent, for comparisons (a redelivery of the same content is a duplicate)."""
    return json.dumps(document.comparable(), default=str)

import base64
import hashlib
import json

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import catalog_csv, csv_reader, receipt_payload


class IntegrationInboundImport(models.AbstractModel):
    """A file from the catalog owner or an ERP, read by the hub's one CSV reader (lib/csv_reader.py).

    Each document the rows make goes through the inbox as a ``file`` message, once: importing the same
    file again creates nothing new; a changed product or receipt is an update, as if sent by the API.
    """

    _name = "integration.inbound.import"
    _description = "Inbound file import"

    _event_type = None
    _what = None  # what one document is, for the result ("product", "receipt")

    channel_id = fields.Many2one("integration.channel", required=True)
    file = fields.Binary(required=True)
    filename = fields.Char()
    result = fields.Text(readonly=True)

    def _read(self, required, optional):
        try:
            return csv_reader.read_table(base64.b64decode(self.file or b""), required, optional)
        except (csv_reader.CsvFileError, ValueError) as error:
            raise UserError(self.env._("The file cannot be read: %s", error)) from None

    def _check_can_import(self):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(self.env._("Only Integration Hub managers can import files."))
        self.channel_id.check_access("read")  # a channel of the user's own companies

    def _import_documents(self, table, documents, rejected):
        """Each document as one inbox message, processed now; the result lists what went wrong, by line."""
        Event = self.env["integration.event"].sudo()
        errors = list(table.rejected) + list(rejected)
        done = 0
        for line, data in documents:
            digest = hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
            key = f"csv-{self._what}:{data.get('id') or data.get('reference')}:{digest}"
            event_id, created = Event._receive(self.channel_id, key, self._event_type, data, source="file")
            event = Event.browse(event_id)
            if created:
                event._process()
            if event.state == "failed":
                errors.append((line, event.error))
            else:
                done += 1
        errors.sort()
        problems = [f"line {line}: {reason}" for line, reason in errors]
        self.result = "\n".join(
            [
                self.env._(
                    "%(done)s %(what)s(s) taken, %(bad)s row(s) rejected (%(how)s).",
                    done=done,
                    what=self._what,
                    bad=len(errors),
                    how=table.describe(),
                )
            ]
            + problems
        )
        if errors:
            self.env["integration.sync.exception"]._open(
                "other",
                self.env._("File %s: rows rejected", self.filename or ""),
                self.env._(
                    "These rows were not imported; correct them and import the file again:\n%s", "\n".join(problems)
                ),
                channel=self.channel_id,
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class IntegrationCatalogImport(models.TransientModel):
    """The catalog owner's products as CSV (see lib/catalog_csv.py for the columns)."""

    _name = "integration.catalog.import"
    _inherit = "integration.inbound.import"
    _description = "Import catalog products (CSV)"
    _event_type = "product.upserted"
    _what = "product"

    channel_id = fields.Many2one(domain=[("catalog_owner", "=", "channel")])

    def action_import(self):
        self.ensure_one()
        self._check_can_import()
        if self.channel_id.catalog_owner != "channel":
            raise UserError(
                self.env._(
                    "%s does not own the catalog: only the channel whose Ownership tab says SKU / catalog: "
                    "'This channel' sends products.",
                    self.channel_id.name,
                )
            )
        table = self._read(catalog_csv.REQUIRED, catalog_csv.OPTIONAL)
        documents, rejected = catalog_csv.documents_from_rows(table.rows)
        return self._import_documents(table, documents, rejected)


class IntegrationReceiptImport(models.TransientModel):
    """Expected receipts (purchase orders / ASNs) as CSV, one row per line (see lib/receipt_payload.py)."""

    _name = "integration.receipt.import"
    _inherit = "integration.inbound.import"
    _description = "Import expected receipts (CSV)"
    _event_type = "receipt.expected"
    _what = "receipt"

    def action_import(self):
        self.ensure_one()
        self._check_can_import()
        table = self._read(receipt_payload.CSV_REQUIRED, receipt_payload.CSV_OPTIONAL)
        documents, rejected = receipt_payload.documents_from_rows(table.rows)
        return self._import_documents(table, documents, rejected)

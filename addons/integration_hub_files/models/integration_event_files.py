import base64
import json
import re

from odoo import _, models

from odoo.addons.integration_hub.lib import csv_reader
from odoo.addons.integration_hub.lib.errors import PayloadError

from ..lib import file_formats

FILE_EVENT = "file.received"
RESULT_LINE = re.compile(r"^line (\d+): (.*)$")


class IntegrationEventFiles(models.Model):
    """A file stored raw in the inbox (one event per file): its rows become the hub's documents.

    Each row goes through the same intake as a webhook (order.created, return.created, counts), as its
    own inbox event. Rejected rows, with their line number and reason, go to ``<name>.rejected.csv``
    beside the file (through the outbox) and into one exception; the good rows go on.
    """

    _inherit = "integration.event"

    def _payload(self):
        if self.event_type != FILE_EVENT:
            return super()._payload()
        raw = base64.b64decode(self.payload) if self.payload_encoding == "base64" else (self.payload or "").encode()
        headers = json.loads(self.headers or "{}")
        return {"file_name": headers.get("file_name") or self.idempotency_key, "raw": raw}

    def _handle_file_received(self, data):
        name, raw = data["file_name"], data["raw"]
        try:
            kind, table = file_formats.detect(raw)
        except csv_reader.CsvFileError as error:
            raise PayloadError(
                _("File %(name)s refused whole, no row was read: %(error)s", name=name, error=error)
            ) from None
        rejected = list(table.rejected)
        if kind == "purchase_orders":
            taken, refused = self._file_purchase_orders(table)
            rejected += refused
            if rejected:
                self._file_rows_exception(name, kind, rejected, taken)
        else:
            # the import a manager uses by hand: same rules, same exception (it opens its own)
            rejected = self._file_through_import(kind, name, raw)
        if rejected:
            self._file_deliver_rejected(name, sorted(set(rejected)))
        return self.channel_id

    # --- purchase orders -------------------------------------------------------------------
    def _file_buyer(self):
        """The channel's B2B buyer as the order document's customer, delivery address and VAT id."""
        partner = self.channel_id.file_buyer_id
        if not partner:
            return {}
        address = {
            "name": partner.name or "",
            "company": partner.commercial_company_name or partner.name or "",
            "street": partner.street or "",
            "street2": partner.street2 or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
            "state": partner.state_id.name or "",
            "country_code": partner.country_id.code or "",
            "phone": partner.phone or partner.mobile or "",
        }
        return {
            "customer": {"name": partner.name or "", "email": partner.email or "", "phone": address["phone"]},
            "shipping_address": address,
            "vat": partner.vat or "",
        }

    def _file_purchase_orders(self, table, source="file"):
        """One channel order per order-id through the inbox; (orders taken, [(line, reason)] refused)."""
        documents, rejected = file_formats.purchase_orders(table.rows, self._file_buyer())
        Event, orders = self.sudo(), self.env["integration.channel.order"]
        for _first, lines, document in documents:
            key = f"{source}-po:{document['id']}:{file_formats.digest(document)}"
            event_id, created = Event._receive(self.channel_id, key, "order.created", document, source=source)
            event = Event.browse(event_id)
            if created:
                event._process()
            if event.state == "failed":
                rejected += [
                    (line, _("order %(id)s: %(error)s", id=document["id"], error=event.error)) for line in lines
                ]
                continue
            order = orders.sudo().search(
                [("channel_id", "=", self.channel_id.id), ("external_id", "=", document["id"])], limit=1
            )
            if order:
                order._hub_write(
                    {"requested_date": document["requested_date"], "order_source": source, "source_event_id": self.id}
                )
                orders |= order
        return orders, rejected

    def _file_rows_exception(self, name, kind, rejected, taken=None, beside=True):
        what = _("File %s", name) if beside else name
        problems = "\n".join(f"line {line}: {reason}" for line, reason in sorted(set(rejected)))
        self.env["integration.sync.exception"]._open(
            "other",
            _("%(what)s: %(n)s row(s) rejected", what=what, n=len(rejected)),
            _(
                "These rows of the %(kind)s %(what)s were not taken; the other rows were (%(taken)s).%(beside)s "
                "Correct them and send them again:\n%(problems)s",
                kind=file_formats.LABELS[kind],
                what=what,
                taken=", ".join(taken.mapped("name")) if taken else _("none"),
                beside=_(" They are also in %s.rejected.csv beside the file.", name) if beside else "",
                problems=problems,
            ),
            record=self,
            channel=self.channel_id,
            event_id=self.id,
            dedupe_key=f"file-rows:{self.id}",
        )

    # --- returns and counts: the manager's imports ---------------------------------------
    def _file_through_import(self, kind, name, raw):
        model, values = {
            "returns": ("integration.return.import", {"channel_id": self.channel_id.id}),
            "counts": ("integration.inventory.import", {"reason": "miscount"}),
        }[kind]
        wizard = self.env[model].create({**values, "file": base64.b64encode(raw), "filename": name})
        wizard.action_import()
        found = (RESULT_LINE.match(line) for line in (wizard.result or "").splitlines())
        return [(int(match[1]), match[2]) for match in found if match]

    def _file_deliver_rejected(self, name, rejected):
        """``<name>.rejected.csv`` (line, reason) to the folder the file was moved to, through the outbox."""
        channel = self.channel_id
        return (
            self.env["integration.job"]
            .sudo()
            ._enqueue_file(
                channel,
                channel.file_processed_folder,
                f"{name}.rejected.csv",
                file_formats.rejected_csv(rejected),
                key=f"rejected:{self.id}",
                record=self,
            )
        )

import base64
import csv
import io

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import return_states as R


class IntegrationReturnTriage(models.TransientModel):
    """A manager's triage: the inspected grades become the decision (reason required, audited)."""

    _name = "integration.return.triage"
    _description = "Triage a return"

    return_id = fields.Many2one("integration.return", required=True)
    reason = fields.Text(required=True, help="Why the warehouse decides instead of the returns system.")

    def action_confirm(self):
        self.return_id._triage_by_manager(self.reason)
        return {"type": "ir.actions.act_window_close"}


class IntegrationReturnImport(models.TransientModel):
    """Returns data as CSV (return-id, original-order-id, reason, disposition) from the returns system."""

    _name = "integration.return.import"
    _description = "Import returns (CSV)"

    channel_id = fields.Many2one("integration.channel", required=True)
    file = fields.Binary(required=True)
    filename = fields.Char()
    result = fields.Text(readonly=True)

    REQUIRED = ("return-id", "original-order-id", "reason", "disposition")

    def action_import(self):
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can import returns."))
        self.channel_id.check_access("read")  # a channel of the user's own companies
        try:
            reader = csv.DictReader(io.StringIO(base64.b64decode(self.file).decode("utf-8-sig")))
            header = [column.strip().lower() for column in reader.fieldnames or []]
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(_("The file cannot be read: %s", error)) from None
        missing = [column for column in self.REQUIRED if column not in header]
        if missing:
            raise UserError(
                _(
                    "The header must contain %(required)s; missing: %(missing)s",
                    required=", ".join(self.REQUIRED),
                    missing=", ".join(missing),
                )
            )
        Return = self.env["integration.return"].sudo()
        Event = self.env["integration.event"].sudo()
        done, errors = [], []
        for number, raw_row in enumerate(reader, start=2):
            row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw_row.items()}
            order = (
                self.env["integration.channel.order"]
                .sudo()
                .search(
                    [("channel_id", "=", self.channel_id.id), ("external_id", "=", row["original-order-id"])], limit=1
                )
            )
            if not row["return-id"]:
                errors.append(f"line {number}: return-id is empty")
                continue
            if not order:
                errors.append(f"line {number}: original order {row['original-order-id']} is unknown")
                continue
            disposition = row["disposition"].lower()
            if disposition and disposition not in dict(R.GRADES):
                errors.append(
                    f"line {number}: disposition '{row['disposition']}' is not sellable, rework or nonconforming"
                )
                continue
            lines = [
                {"sku": line.product_id.default_code, "quantity": line.quantity, "disposition": disposition}
                for line in order.line_ids.filtered(lambda line: line.state == "open")
            ]
            data = {
                "id": row["return-id"],
                "order_id": order.external_id,
                "reason": row["reason"],
                "status": "authorized",
                "lines": lines,
            }
            event_id, _created = Event._receive(
                self.channel_id, f"csv-return:{row['return-id']}:{disposition}", "return.created", data, source="file"
            )
            Event.browse(event_id)._process()
            if Return.search([("channel_id", "=", self.channel_id.id), ("external_id", "=", row["return-id"])]):
                done.append(row["return-id"])
            else:
                errors.append(f"line {number}: {Event.browse(event_id).error or 'not stored'}")
        self.result = "\n".join(
            [_("%(done)s return(s) imported, %(bad)s row(s) rejected.", done=len(done), bad=len(errors))] + errors
        )
        if errors:
            self.env["integration.sync.exception"]._open(
                "other",
                _("Returns file %s: rows rejected", self.filename or ""),
                _("These rows were not imported; correct them and import again:\n%s", "\n".join(errors)),
                channel=self.channel_id,
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

import base64

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyTranslate

from ..lib import csv_reader
from ..lib import return_states as R

_lt = LazyTranslate(__name__)


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
        """Read the file (lib/csv_reader.py); each good row becomes one return through the inbox, once.

        Rejected with line number and reason: a wrong number of fields, an empty return-id, an unknown
        order (with a hint when the id was typed with '#' or as the order's name), an unknown disposition,
        the same return-id twice with different data (both rows).
        """
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can import returns."))
        self.channel_id.check_access("read")  # a channel of the user's own companies
        try:
            table = csv_reader.read_table(base64.b64decode(self.file or b""), self.REQUIRED)
        except (csv_reader.CsvFileError, ValueError) as error:
            raise UserError(_("The file cannot be read: %s", error)) from None
        Return = self.env["integration.return"].sudo()
        Event = self.env["integration.event"].sudo()
        Order = self.env["integration.channel.order"].sudo()
        errors = [(line, reason) for line, reason in table.rejected]
        conflicting, repeats = csv_reader.conflicts(
            table.rows,
            key=lambda row: row.values["return-id"],
            value=lambda row: tuple(sorted(row.values.items())),
        )
        errors += sorted({**conflicting, **repeats}.items())
        rows = [row for row in table.rows if row.line not in conflicting and row.line not in repeats]
        wanted = list({row.values["original-order-id"] for row in rows})
        orders = {
            order.external_id: order
            for order in Order.search([("channel_id", "=", self.channel_id.id), ("external_id", "in", wanted)])
        }
        done = []
        for row in rows:
            values = row.values
            if not values["return-id"]:
                errors.append((row.line, "return-id is empty"))
                continue
            order = orders.get(values["original-order-id"])
            if not order:
                errors.append((row.line, self._unknown_order(values["original-order-id"])))
                continue
            disposition = values["disposition"].lower()
            if disposition and disposition not in dict(R.GRADES):
                errors.append(
                    (row.line, f"disposition '{values['disposition']}' is not sellable, rework or nonconforming")
                )
                continue
            lines = [
                {
                    "line_id": line.external_line_id,
                    "sku": line.product_id.default_code,
                    "quantity": line.quantity,
                    "disposition": disposition,
                }
                for line in order._warehouse_lines()
            ]
            data = {
                "id": values["return-id"],
                "order_id": order.external_id,
                "reason": values["reason"],
                "status": "authorized",
                "lines": lines,
            }
            event_id, _created = Event._receive(
                self.channel_id,
                f"csv-return:{values['return-id']}:{disposition}",
                "return.created",
                data,
                source="file",
            )
            Event.browse(event_id)._process()
            if Return.search([("channel_id", "=", self.channel_id.id), ("external_id", "=", values["return-id"])]):
                done.append(values["return-id"])
            else:
                errors.append((row.line, Event.browse(event_id).error or "not stored"))
        errors.sort()
        problems = [f"line {line}: {reason}" for line, reason in errors]
        self.result = "\n".join(
            [
                _(
                    "%(done)s return(s) imported, %(bad)s row(s) rejected (%(how)s).",
                    done=len(done),
                    bad=len(errors),
                    how=table.describe(),
                )
            ]
            + problems
        )
        if errors:
            self.env["integration.sync.exception"]._open(
                "other",
                _lt("Returns file %s: rows rejected", self.filename or ""),
                _lt("These rows were not imported; correct them and import again:\n%s", "\n".join(problems)),
                channel=self.channel_id,
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _unknown_order(self, typed):
        """Why the order id does not match, with a hint when a near form of it does (never a guess)."""
        reason = f"original order {typed} is unknown on {self.channel_id.name}"
        Order = self.env["integration.channel.order"].sudo()
        domain = [("channel_id", "=", self.channel_id.id)]
        bare = typed.strip().lstrip("#").strip()
        near = bare != typed and Order.search(domain + [("external_id", "=", bare)], limit=1)
        if near:
            return f"{reason}: did you mean {near.external_id} (order {near.name})?"
        named = Order.search(domain + [("name", "in", [typed, f"#{bare}"])], limit=2)
        if len(named) == 1:
            return f"{reason}: the order named {named.name} has the id {named.external_id}, use the id"
        return reason

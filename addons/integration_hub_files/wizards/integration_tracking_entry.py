import base64
from datetime import datetime

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.integration_hub.lib import csv_reader
from odoo.addons.integration_hub.models.integration_channel_order import IntegrationChannelOrder

COLUMNS = ("reference", "carrier", "tracking-number")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class IntegrationChannelOrderManualTracking(models.Model):
    _inherit = "integration.channel.order"
    _hub_fields = IntegrationChannelOrder._hub_fields | {"tracking_manual"}

    tracking_manual = fields.Boolean(
        string="Tracking entered by hand",
        readonly=True,
        tracking=True,
        help="The tracking number was entered or imported by hand while the carrier's API was down: review it.",
    )


class IntegrationTrackingEntry(models.TransientModel):
    """Tracking numbers by hand (seed: manual fallbacks, logged as exceptions and reviewed afterwards).

    One number typed in, or a CSV (``reference, carrier, tracking-number[, time]``; the reference is the
    channel order's id or name, or its transfer's name). Each number is flagged manual on its order, audited,
    and the batch opens one review exception. Warehouse managers and administrators.
    """

    _name = "integration.tracking.entry"
    _description = "Enter tracking numbers by hand"

    reference = fields.Char(help="The channel order's id or name, or its transfer (e.g. WH/OUT/00012).")
    carrier = fields.Char()
    tracking_number = fields.Char()
    shipped_at = fields.Datetime(string="Time", default=fields.Datetime.now)
    file = fields.Binary(string="Or a CSV file")
    filename = fields.Char()
    reason = fields.Text(required=True, help="Why the carrier's own numbers are not available (e.g. DHL API down).")
    result = fields.Text(readonly=True)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can enter tracking numbers by hand."))
        rows, errors = self._rows()
        orders = self._resolve([row["reference"] for _line, row in rows])
        applied = []
        for line, row in rows:
            order = orders.get(row["reference"])
            if not order:
                errors.append((line, _("%s is no channel order or transfer of yours", row["reference"])))
                continue
            before = order.tracking_number
            order._hub_write({"tracking_number": row["tracking-number"], "tracking_manual": True})
            order._hub_note(
                _(
                    "Tracking %(number)s (%(carrier)s) entered by hand by %(user)s: %(reason)s",
                    number=row["tracking-number"],
                    carrier=row["carrier"] or "-",
                    user=self.env.user.name,
                    reason=self.reason,
                )
            )
            self.env["integration.audit.log"]._log(
                "forced_state",
                order,
                reason=_("Tracking number entered by hand: %s", self.reason),
                before={"tracking_number": before or False},
                after={"tracking_number": row["tracking-number"], "carrier": row["carrier"], "at": row["time"]},
            )
            applied.append(f"{order.name}: {row['carrier'] or '-'} {row['tracking-number']} ({row['time']})")
        errors.sort()
        lines = [_("%(n)s tracking number(s) entered, %(bad)s row(s) refused.", n=len(applied), bad=len(errors))]
        lines += applied + [f"line {line}: {reason}" for line, reason in errors]
        if applied:
            self.env["integration.sync.exception"]._open(
                "manual_entry",
                _("%s tracking number(s) entered by hand", len(applied)),
                _(
                    "%(user)s entered these tracking numbers by hand (%(reason)s). Check each against the carrier "
                    "once its system is back, then decide this exception:\n%(lines)s",
                    user=self.env.user.name,
                    reason=self.reason,
                    lines="\n".join(lines),
                ),
                severity="info",
            )
        self.result = "\n".join(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _rows(self):
        """[(line, {"reference", "carrier", "tracking-number", "time"})], [(line, reason)]."""
        if not self.file:
            values = {
                "reference": (self.reference or "").strip(),
                "carrier": (self.carrier or "").strip(),
                "tracking-number": (self.tracking_number or "").strip(),
                "time": fields.Datetime.to_string(self.shipped_at or fields.Datetime.now()),
            }
            if not (values["reference"] and values["tracking-number"]):
                raise UserError(_("Give the order (or transfer) and the tracking number, or a CSV file."))
            return [(1, values)], []
        try:
            table = csv_reader.read_table(base64.b64decode(self.file), COLUMNS, optional=("time",))
        except (csv_reader.CsvFileError, ValueError) as error:
            raise UserError(_("The file cannot be read: %s", error)) from None
        rows, errors = [], list(table.rejected)
        for row in table.rows:
            values = dict(row.values)
            try:
                csv_reader.check_code(values["tracking-number"], "tracking number")
                if not (values["reference"] and values["tracking-number"]):
                    raise ValueError("reference and tracking-number are required")
                values["time"] = self._time(values.get("time"))
            except ValueError as error:
                errors.append((row.line, str(error)))
                continue
            rows.append((row.line, values))
        return rows, errors

    @staticmethod
    def _time(text):
        if not (text or "").strip():
            return fields.Datetime.to_string(fields.Datetime.now())
        for pattern in TIME_FORMATS:
            try:
                return fields.Datetime.to_string(datetime.strptime(text.strip(), pattern))
            except ValueError:
                continue
        raise ValueError(f"time '{text}' is not a date and time (YYYY-MM-DD HH:MM)")

    def _resolve(self, references):
        """{reference: channel order}: by the order's id or name, or its transfer's name (the user's companies)."""
        Order = self.env["integration.channel.order"]
        found = {}
        for order in Order.search(["|", ("external_id", "in", references), ("name", "in", references)]):
            found.setdefault(order.external_id, order)
            found.setdefault(order.name, order)
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search([("name", "in", references), ("company_id", "in", self.env.companies.ids)])
        )
        by_sale = {
            order.sale_order_id: order for order in Order.search([("sale_order_id", "in", pickings.sale_id.ids)])
        }
        for picking in pickings:
            if picking.sale_id in by_sale:
                found.setdefault(picking.name, by_sale[picking.sale_id])
        return found

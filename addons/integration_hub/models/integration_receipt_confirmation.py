from collections import defaultdict

from odoo import fields, models

from ..lib import receipt_figures as F
from ..lib import receipt_states as R


class IntegrationReceiptConfirmation(models.Model):
    """Once the transfer is validated: the figures per line, the exception when they are off, the
    confirmation to the owner through the outbox, and the received stock published at once."""

    _inherit = "integration.receipt"

    def _on_transfers_done(self):
        """A transfer of these receipts was validated or cancelled: received once none is left open."""
        for receipt in self.filtered(lambda r: r.state in (R.EXPECTED, R.ARRIVED)):
            if receipt._guard_arrived_received():
                continue  # a backorder is still open: the rest of the goods may still come
            receipt._mark_arrived(self.env._("arrival recorded when the receipt was validated"))
            receipt._record_figures()
            receipt._hub_write({"received_at": fields.Datetime.now()})
            receipt._transition(R.RECEIVED, self.env._("validated in Inventory"))
            receipt._report_discrepancies()
            receipt._publish_received()
            receipt._send_confirmation()

    def _record_figures(self):
        """Per line: good units (into stock) and damaged ones (into quarantine) from the done move lines.

        A move the operator added for an expected product (a scanned code) counts on that product's line;
        anything else is an unexpected item, kept as a line of its own.
        """
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.unexpected)
        line_of_product = {}
        for line in lines:
            line_of_product.setdefault(line.product_id.id, line)
        counted = defaultdict(lambda: [0.0, 0.0])  # line id or ("product", id) -> [good, damaged]
        move_lines = self.picking_ids.move_ids.filtered(lambda move: move.state == "done").move_line_ids
        for move_line in move_lines:
            line = move_line.move_id.integration_receipt_line_id
            if not line or line not in lines:
                line = line_of_product.get(move_line.product_id.id)
            key = line.id if line else ("product", move_line.product_id.id)
            counted[key][1 if move_line.location_dest_id.hub_quarantine else 0] += move_line.quantity_product_uom
        tolerance = self.channel_id.receipt_tolerance_pct
        beyond = False
        commands = []
        for line in lines:
            good, damaged = counted.pop(line.id, (0.0, 0.0))
            figures = F.line_figures(line.quantity_expected, good, damaged, tolerance)
            beyond |= figures.beyond_tolerance
            commands.append((1, line.id, _figure_values(figures)))
        unexpected = []
        for (_kind, product_id), (good, damaged) in counted.items():
            figures = F.line_figures(0.0, good, damaged, tolerance)
            beyond = True
            unexpected.append(
                {
                    "unexpected": True,
                    "product_id": product_id,
                    "resolution": "received",
                    "quantity_expected": 0.0,
                    **_figure_values(figures),
                }
            )
        self._hub_write(
            {
                "tolerance_pct": tolerance,
                "beyond_tolerance": beyond,
                "line_ids": commands + [(0, 0, values) for values in unexpected],
            }
        )

    def _report_discrepancies(self):
        """Differences beyond the tolerance: one exception with the figures, for a manager."""
        self.ensure_one()
        if not self.beyond_tolerance:
            return
        off = self.line_ids.filtered("beyond_tolerance")
        figures = "\n".join(
            "- "
            + F.describe(line._code(), _line_figures(line))
            + (f" ({line.resolution_note})" if line.resolution_note else "")
            for line in off
        )
        damaged = sum(self.line_ids.mapped("quantity_damaged"))
        self.env["integration.sync.exception"]._open(
            "receipt_discrepancy",
            self.env._(
                "Receipt %(name)s (%(reference)s): differences beyond tolerance",
                name=self.name,
                reference=self.external_id,
            ),
            self.env._(
                "Received against %(reference)s from %(supplier)s (tolerance %(tolerance)s %%):\n%(figures)s\n\n"
                "%(owner)s is told these figures in the receipt confirmation. What to do: agree the difference with "
                "the owner and the supplier (a claim, a replacement, a credit)%(quarantine)s; then decide here.",
                reference=self.external_id,
                supplier=self.supplier_name or self.env._("the supplier"),
                tolerance=f"{self.tolerance_pct:g}",
                figures=figures,
                owner=self.channel_id.name,
                quarantine=self.env._("; the %g damaged unit(s) wait in quarantine, never available", damaged)
                if damaged
                else "",
            ),
            record=self,
            dedupe_key=f"receipt-figures:{self.id}",
        )

    def _confirmation_payload(self):
        """What the owner is told (generic ``receipt.confirmed``; a CSV channel gets it as a file)."""

        def line_data(line):
            return {
                "line_id": line.external_line_id or "",
                "sku": line.sku or line.barcode or line.product_id.default_code or "",
                "product_sku": line.product_id.default_code or "",
                "expected": line.quantity_expected,
                "received": line.quantity_received,
                "damaged": line.quantity_damaged,
                "difference": line.difference,
                "result": line.result,
            }

        lines = self.line_ids.filtered(lambda line: not line.unexpected)
        return {
            "reference": self.external_id,
            "status": "received",
            "received_at": self.received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "supplier": {"id": self.supplier_ref or "", "name": self.supplier_name or ""},
            "lines": [line_data(line) for line in lines],
            "unexpected": [line_data(line) for line in self.line_ids - lines],
            "tolerance_pct": self.tolerance_pct,
            "within_tolerance": not self.beyond_tolerance,
        }

    def _send_confirmation(self):
        """Through the outbox when the owner takes messages; otherwise the figures stay here (confirmed)."""
        self.ensure_one()
        channel = self.channel_id
        if not channel._takes("receipt_status"):
            self._hub_write({"confirmed_at": fields.Datetime.now()})
            self._transition(
                R.CONFIRMED,
                self.env._("%s takes no receipt confirmations: the figures are kept on this receipt", channel.name),
            )
            return
        job = (
            self.env["integration.job"]
            .sudo()
            ._enqueue(
                channel, "receipt_status", f"receipt-confirmed:{self.id}", self._confirmation_payload(), record=self
            )
        )
        self._hub_write({"confirmation_job_id": job.id})
        self._hub_note(self.env._("Receipt confirmation queued for %s.", channel.name))

    def _on_confirmation_delivered(self, job):
        """The owner has the confirmation: received -> confirmed."""
        for receipt in self.filtered(lambda r: r.state == R.RECEIVED and r.confirmation_job_id == job):
            receipt._hub_write({"confirmed_at": fields.Datetime.now()})
            receipt._transition(R.CONFIRMED, self.env._("confirmation delivered to %s", receipt.channel_id.name))

    def _publish_received(self):
        """Received stock goes to the sales channels at once (not at the next interval)."""
        self.ensure_one()
        products = self.line_ids.filtered(lambda line: line.quantity_received > 0).product_id
        if products:
            self.channel_id._republish_products(products, self.env._("receipt %s", self.name))


def _figure_values(figures):
    return {
        "quantity_received": figures.received,
        "quantity_damaged": figures.damaged,
        "difference": figures.difference,
        "result": figures.result,
        "beyond_tolerance": figures.beyond_tolerance,
    }


def _line_figures(line):
    return F.LineFigures(
        line.quantity_expected,
        line.quantity_received,
        line.quantity_damaged,
        line.result,
        line.difference,
        line.beyond_tolerance,
    )

import csv
import io

from odoo import api, fields, models

from ..lib import capabilities as C


def _stamp():
    return fields.Datetime.now().strftime("%Y%m%dT%H%M%SZ")


class IntegrationAdapterManual(models.AbstractModel):
    """Manual entry: orders typed by the warehouse team (the seed's fallback path)."""

    _name = "integration.adapter.manual"
    _inherit = "integration.adapter"
    _description = "Manual entry adapter"


class IntegrationAdapterCsv(models.AbstractModel):
    """CSV files: rows become inbox events; outbound messages become timestamped files."""

    _name = "integration.adapter.csv"
    _inherit = "integration.adapter"
    _description = "CSV file adapter"

    # receipts and inventory positions: a file each
    _capabilities = frozenset({C.INVENTORY, C.INVENTORY_SNAPSHOT, C.RECEIPT_STATUS, C.INVENTORY_POSITIONS})

    @api.model
    def _push_inventory(self, job):
        """The changed levels as a timestamped CSV file on the channel (picked up by SFTP/download)."""
        rows = [["sku", "available"]] + [[sku, quantity] for sku, quantity in sorted(job._payload().items())]
        return self._write_file(job.channel_id, f"inventory_{job.channel_id.code}_{_stamp()}.csv", rows)

    @api.model
    def _write_file(self, channel, name, rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": buffer.getvalue().encode(),
                    "mimetype": "text/csv",
                    "res_model": channel._name,
                    "res_id": channel.id,
                }
            )
        )


class IntegrationAdapterEmail(models.AbstractModel):
    """Email hand-offs for constrained B2B workflows."""

    _name = "integration.adapter.email"
    _inherit = "integration.adapter"
    _description = "Email adapter"

from odoo import api, models

from .integration_adapter_manual import _stamp


class IntegrationAdapterGenericInbound(models.AbstractModel):
    """Generic channels are told, signed like every outbound message: ``receipt.confirmed``,
    ``product.change_rejected`` and ``inventory.position`` (see the README's generic webhook format)."""

    _inherit = "integration.adapter.generic"

    @api.model
    def _push_receipt_status(self, job):
        return self._post_signed(job, "receipt.confirmed")

    @api.model
    def _push_catalog_status(self, job):
        return self._post_signed(job, "product.change_rejected")

    @api.model
    def _push_inventory_position(self, job):
        return self._post_signed(job, "inventory.position")


class IntegrationAdapterCsvInbound(models.AbstractModel):
    """CSV channels get the receipt confirmation as a file, one row per line (and per unexpected item)."""

    _inherit = "integration.adapter.csv"

    @api.model
    def _push_receipt_status(self, job):
        data = job._payload()
        rows = [["reference", "line-id", "sku", "expected", "received", "damaged", "difference", "result"]]
        rows += [
            [
                data["reference"],
                line["line_id"],
                line["sku"],
                line["expected"],
                line["received"],
                line["damaged"],
                line["difference"],
                line["result"],
            ]
            for line in data["lines"] + data["unexpected"]
        ]
        name = f"receipt_confirmation_{job.channel_id.code}_{data['reference']}_{_stamp()}.csv"
        return self._write_file(job.channel_id, name, rows)

    @api.model
    def _push_inventory_position(self, job):
        """One row: the counted position of one SKU in one warehouse, with the variance and why."""
        data = job._payload()
        columns = ["reference", "sku", "warehouse", "location", "on_hand", "previous", "delta", "reason", "counted_at"]
        name = f"inventory_position_{job.channel_id.code}_{data['reference']}_{_stamp()}.csv"
        return self._write_file(job.channel_id, name, [columns, [data[column] for column in columns]])

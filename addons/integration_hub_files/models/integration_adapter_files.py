import csv
import hashlib
import io

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C

from ..lib import file_formats


class IntegrationAdapterFileDelivery(models.AbstractModel):
    """Any channel with a file location takes ``file`` jobs: the file is written to its folder."""

    _inherit = "integration.adapter"

    @api.model
    def _push(self, job):
        if job.job_type == "file":
            return self._push_file(job)
        return super()._push(job)

    @api.model
    def _push_file(self, job):
        """Write the job's file to ``folder/name`` (RetryableError on a dropped connection: the outbox retries)."""
        payload, channel = job._payload(), job.channel_id
        with channel._file_location() as location:
            channel._pin_host_key(location)
            path = location.write(payload["folder"], payload["name"], job._file_data())
        return _("written to %s", path)


class IntegrationAdapterCsvFiles(models.AbstractModel):
    """CSV file channels: what the hub tells the buyer goes out as time-stamped files (see README, Files and email)."""

    _inherit = "integration.adapter.csv"

    _capabilities = frozenset(
        {
            C.INVENTORY,
            C.INVENTORY_SNAPSHOT,
            C.RECEIPT_STATUS,
            C.INVENTORY_POSITIONS,
            C.FULFILLMENT,
            C.TRACKING,
            C.ORDER_STATUS,
        }
    )

    @api.model
    def _write_file(self, channel, name, rows):
        """The file on the channel (as before) and, for a channel with a location, to its outbound folder."""
        attachment = super()._write_file(channel, name, rows)
        if channel.file_location != "none":
            self.env["integration.job"].sudo()._enqueue_file(
                channel,
                channel.file_outbound_folder,
                name,
                attachment.raw,
                key=f"outbound:{name}:{hashlib.sha256(attachment.raw).hexdigest()[:16]}",
            )
        return attachment

    @api.model
    def _stamped(self, prefix, channel, reference=""):
        code = f"{channel.code}_{reference}" if reference else channel.code
        return file_formats.stamped(prefix, code, fields.Datetime.now())

    @api.model
    def _push_fulfillment(self, job):
        """shipment_<code>_<order>_<stamp>.csv: order-id, line-id, quantity, carrier, tracking, shipped-at."""
        payload, channel = job._payload(), job.channel_id
        tracking = payload.get("tracking") or {}
        rows = [["order-id", "line-id", "quantity", "carrier", "tracking-number", "tracking-url", "shipped-at"]] + [
            [
                payload["order_external_id"],
                line["line_id"],
                line["quantity"],
                tracking.get("company") or "",
                tracking.get("number") or "",
                tracking.get("url") or "",
                payload.get("shipped_at") or "",
            ]
            for line in payload.get("lines", [])
        ]
        self._write_file(channel, self._stamped("shipment", channel, payload["order_external_id"]), rows)
        return _("shipment confirmation file queued")

    @api.model
    def _push_tracking(self, job):
        payload, channel = job._payload(), job.channel_id
        tracking = payload.get("tracking") or {}
        rows = [
            ["order-id", "carrier", "tracking-number", "tracking-url"],
            [
                payload["order_external_id"],
                tracking.get("company") or "",
                tracking.get("number") or "",
                tracking.get("url") or "",
            ],
        ]
        self._write_file(channel, self._stamped("tracking", channel, payload["order_external_id"]), rows)
        return _("tracking file queued")

    @api.model
    def _push_order_status(self, job):
        """order_status_<code>_<stamp>.csv: order-id, status, detail (the rest of the message as text)."""
        payload, channel = job._payload(), job.channel_id
        detail = {k: v for k, v in payload.items() if k not in ("order_id", "status")}
        buffer = io.StringIO()
        csv.writer(buffer).writerow([f"{k}={v}" for k, v in sorted(detail.items())])
        rows = [["order-id", "status", "detail"], [payload["order_id"], payload["status"], buffer.getvalue().strip()]]
        self._write_file(channel, self._stamped("order_status", channel, payload["order_id"]), rows)
        return _("order status file queued")

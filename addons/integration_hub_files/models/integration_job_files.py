import base64

from odoo import api, fields, models

from odoo.addons.integration_hub.lib.errors import PermanentError


class IntegrationJobFiles(models.Model):
    """A file to deliver to a channel's location (outbound folder, or a rejected-rows file beside an inbound one).

    The file is an attachment of the job: kept there whatever happens (delivered, retried, dead).
    """

    _inherit = "integration.job"

    job_type = fields.Selection(selection_add=[("file", "File")], ondelete={"file": "cascade"})
    file_attachment_id = fields.Many2one("ir.attachment", string="File", compute="_compute_file_attachment_id")

    def _compute_file_attachment_id(self):
        rows = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)], order="id")
        )
        by_job = {row.res_id: row for row in rows}
        for job in self:
            job.file_attachment_id = by_job.get(job.id, False)

    @api.model
    def _enqueue_file(self, channel, folder, name, data, key=None, record=None):
        """Queue ``data`` (bytes) as ``folder/name`` on the channel's location; the job keeps the file."""
        job = self._enqueue(channel, "file", key or f"file:{folder}/{name}", {"folder": folder, "name": name}, record)
        if job and not job.file_attachment_id:
            self.env["ir.attachment"].sudo().create(
                {"name": name, "raw": data, "mimetype": "text/csv", "res_model": self._name, "res_id": job.id}
            )
            job.invalidate_recordset(["file_attachment_id"])
        return job

    def _file_data(self):
        self.invalidate_recordset(["file_attachment_id"])
        attachment = self.file_attachment_id
        if not attachment:
            raise PermanentError(f"job {self.id} has no file attached")
        return base64.b64decode(attachment.datas or b"")


class IntegrationChannelFileDuty(models.Model):
    _inherit = "integration.channel"

    def _takes(self, job_type):
        """Files are delivered to channels that have a location (and only those)."""
        if job_type == "file":
            return self.file_location != "none" and not self._file_location_problems()
        return super()._takes(job_type)

import hashlib
import logging
import os
import shutil
import time
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config
from odoo.tools.misc import file_path

from odoo.addons.integration_hub.lib.errors import AuthError, HubError, RetryableError
from odoo.addons.integration_hub.models.integration_queue import hub_may_commit
from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import file_formats, file_transport

_logger = logging.getLogger(__name__)


class IntegrationChannelFiles(models.Model):
    """Where a file channel's files are (SFTP or a folder), when they are read, and the reading itself.

    Seed (integration patterns, files): scheduled, a defined SFTP location, a time stamp in every file
    name, headers validated before processing, failed records logged separately for manual review.
    Administrators configure the location; managers may *Check now*.
    """

    _inherit = "integration.channel"

    file_location = fields.Selection(
        [("none", "None (files downloaded from the channel)"), ("sftp", "SFTP server"), ("folder", "Folder")],
        default="none",
        required=True,
        tracking=True,
        help="Where the partner drops files and picks up the hub's: an SFTP server, or a local or mounted folder.",
    )
    sftp_host = fields.Char(string="SFTP host", tracking=True)
    sftp_port = fields.Integer(string="SFTP port", default=22, tracking=True)
    sftp_username = fields.Char(string="SFTP user", tracking=True)
    sftp_password = secret_field("SFTP password")
    sftp_private_key = secret_field(
        "SFTP private key", help="An unencrypted OpenSSH or PEM key; used instead of the password."
    )
    sftp_host_key = fields.Char(
        string="Pinned host key",
        readonly=True,
        copy=False,
        help="The server's key seen at the first connection; every later connection must present the same one.",
    )
    sftp_host_key_fingerprint = fields.Char(string="Host key fingerprint", compute="_compute_sftp_host_key_fingerprint")
    file_root = fields.Char(string="Folder", help="Folder location: the absolute path of the local or mounted folder.")
    file_inbound_folder = fields.Char(string="Inbound folder", default="inbound", required=True)
    file_processed_folder = fields.Char(string="Processed folder", default="processed", required=True)
    file_failed_folder = fields.Char(string="Failed folder", default="failed", required=True)
    file_outbound_folder = fields.Char(string="Outbound folder", default="outbound", required=True)
    file_interval_minutes = fields.Integer(string="Check every (minutes)", default=15)
    file_settle_seconds = fields.Integer(
        string="Settle time (s)",
        default=5,
        help="A file is taken only when its size is the same at two looks this far apart (still being written).",
    )
    file_last_check_at = fields.Datetime(string="Last check", readonly=True, copy=False)
    file_last_error = fields.Text(string="Last check error", readonly=True, copy=False)
    file_buyer_id = fields.Many2one(
        "res.partner",
        string="B2B buyer",
        check_company=True,
        help="Who places the purchase orders of this channel: their name, address and VAT id go on every order.",
    )

    @api.depends("sftp_host_key")
    def _compute_sftp_host_key_fingerprint(self):
        for channel in self:
            key = channel.sudo().sftp_host_key
            channel.sftp_host_key_fingerprint = file_transport.fingerprint(key) if key else False

    # --- the location ---------------------------------------------------------------------
    def _file_location(self):
        """A context manager for the channel's location (lib/file_transport.py); PermanentError when none."""
        self.ensure_one()
        channel = self.sudo()
        if channel.file_location == "sftp":
            return file_transport.SftpLocation(
                channel.sftp_host,
                channel.sftp_port,
                channel.sftp_username,
                password=channel._get_secret("sftp_password"),
                private_key=channel._get_secret("sftp_private_key"),
                pinned_host_key=channel.sftp_host_key,
            )
        if channel.file_location == "folder":
            return file_transport.FolderLocation(channel.file_root)
        raise UserError(_("Channel %s has no file location (Files tab).", channel.name))

    def _file_location_problems(self):
        self.ensure_one()
        if self.file_location == "sftp" and not (self.sftp_host and self.sftp_username):
            return [_("no SFTP host or user")]
        if self.file_location == "folder" and not self.file_root:
            return [_("no folder")]
        return []

    def _pin_host_key(self, location):
        """Trust on first use: the key seen at the first connection is kept (audited) and required from then on."""
        if location.host_key and not self.sudo().sftp_host_key:
            self._hub_write({"sftp_host_key": location.host_key})
            self.env["integration.audit.log"]._log(
                "config_change",
                self,
                reason=_("SFTP host key pinned at the first connection"),
                after={"host_key": file_transport.fingerprint(location.host_key)},
            )
            self._hub_note(_("SFTP host key pinned: %s", file_transport.fingerprint(location.host_key)))

    # --- buttons ----------------------------------------------------------------------------
    def action_check_files_now(self):
        """*Check now* (managers): read the inbound folder at once, as the schedule would."""
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can check a channel's files."))
        self.check_access("read")
        for channel in self:
            if channel.file_location == "none":
                raise UserError(_("Channel %s has no file location (Files tab).", channel.name))
        taken = self.sudo()._files_check()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if any(c.file_last_error for c in self.sudo()) else "info",
                "message": "\n".join(
                    [_("%s new file(s) taken.", taken)] + [c.file_last_error for c in self.sudo() if c.file_last_error]
                ),
            },
        }

    def action_forget_host_key(self):
        """An administrator forgets the pinned key (the server's key really changed): pinned again next time."""
        self._check_hub_admin(_("forget SFTP host keys"))
        for channel in self:
            before = channel.sudo().sftp_host_key
            channel._hub_write({"sftp_host_key": False})
            self.env["integration.audit.log"]._log(
                "config_change",
                channel,
                reason=_("SFTP host key forgotten: the next connection pins the key it sees"),
                before={"host_key": file_transport.fingerprint(before) if before else False},
            )
        return True

    # --- the schedule -------------------------------------------------------------------------
    @api.model
    def _cron_check_files(self):
        """Every live channel with a file location whose interval has passed."""
        now = fields.Datetime.now()
        due = self.sudo().search([("state", "=", "live"), ("file_location", "!=", "none")])
        due = due.filtered(
            lambda c: (
                not c.file_last_check_at
                or c.file_last_check_at + timedelta(minutes=c.file_interval_minutes or 15) <= now
            )
        )
        due._files_check()

    def _files_check(self):
        """Read every channel's inbound folder; return how many new files were stored. Errors go on the channel."""
        taken = 0
        for channel in self:
            error = False
            try:
                with channel._file_location() as location:
                    channel._pin_host_key(location)
                    taken += channel._files_take(location)
            except file_transport.HostKeyMismatch as mismatch:
                error = str(mismatch)
                channel._files_exception(_("SFTP host key mismatch on %s", channel.name), error, "critical")
            except AuthError as refused:
                error = str(refused)
                channel._files_exception(_("SFTP login refused on %s", channel.name), error, "critical")
            except RetryableError as retryable:
                error = _("%s (tried again at the next check; nothing was lost)", retryable)
            except (HubError, UserError) as failure:
                error = str(failure)
                channel._files_exception(_("Files of %s cannot be read", channel.name), error)
            channel.write({"file_last_check_at": fields.Datetime.now(), "file_last_error": error})
            if error:
                _logger.warning("File check of channel %s: %s", channel.code, error)
        return taken

    def _files_between_looks(self):
        time.sleep(max(0, self.file_settle_seconds))

    def _files_take(self, location):
        """Store each settled inbound file raw in the inbox, then move it to processed/ (or failed/ if refused).

        One event per file, key ``file:<name>:<sha256>``: a file seen again with the same name and content
        (e.g. it could not be moved away) is a duplicate, recorded, never processed twice.
        """
        self.ensure_one()
        Event = self.env["integration.event"].sudo()
        first = location.listing(self.file_inbound_folder)
        if not first:
            return 0
        self._files_between_looks()
        second = location.listing(self.file_inbound_folder)
        commit, taken = hub_may_commit(self.env), 0
        for name in sorted(second):
            if first.get(name) != second[name]:
                _logger.info("File %s of channel %s is still being written: next check", name, self.code)
                continue
            raw = location.read(self.file_inbound_folder, name)
            refused = False
            try:
                file_formats.detect(raw)
            except ValueError as error:
                refused = _("File %(name)s refused whole, no row was read: %(error)s", name=name, error=error)
            event_id, created, _failed = Event._intake(
                self,
                f"file:{name}:{hashlib.sha256(raw).hexdigest()}",
                raw,
                event_type="file.received",
                source="file",
                headers={"file_name": name, "size": len(raw)},
                error=refused or None,
            )
            taken += created
            if commit:
                self.env.cr.commit()  # stored before the file is moved: nothing is lost if the move fails
            folder = self.file_failed_folder if refused else self.file_processed_folder
            try:
                location.move(self.file_inbound_folder, name, folder)
            except RetryableError:
                raise
            except HubError as error:
                self._files_exception(
                    _("File %(name)s could not be moved out of %(folder)s", name=name, folder=self.file_inbound_folder),
                    _(
                        "%(error)s. The file is stored in the inbox (event %(event)s) and is not processed twice: "
                        "while it stays in the inbound folder each check records it as a duplicate. Give the hub's "
                        "user write access to %(folder)s, or move the file away by hand.",
                        error=error,
                        event=event_id,
                        folder=folder,
                    ),
                    dedupe=f"file-move:{self.id}:{name}",
                )
            if created and not refused:
                Event.browse(event_id)._queue_wake()
        return taken

    def _files_exception(self, summary, description, severity="warning", dedupe=None):
        self.env["integration.sync.exception"]._open(
            "other",
            summary,
            description,
            record=self,
            channel=self,
            severity=severity,
            dedupe_key=dedupe or f"files:{self.id}:{summary}",
        )

    # --- demo ----------------------------------------------------------------------------------
    @api.model
    def _demo_prepare_file_drop(self, channel_ids):
        """Demo: a folder drop under the data directory, with a purchase-order file ready to drop."""
        sample = file_path("integration_hub_files/demo/purchase_order_DEMO-CSV_20261101T090000Z.csv")
        for channel in self.browse(channel_ids):
            root = os.path.join(config["data_dir"], "integration_hub_files", self.env.cr.dbname, channel.code)
            for folder in ("inbound", "processed", "failed", "outbound", "ready-to-drop"):
                os.makedirs(os.path.join(root, folder), exist_ok=True)
            shutil.copy(sample, os.path.join(root, "ready-to-drop"))
            channel.file_root = root

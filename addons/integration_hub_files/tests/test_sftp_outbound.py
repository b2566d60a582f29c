"""What the hub writes for a file channel: time-stamped files through the outbox to the SFTP outbound folder."""

import re
import socket

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .files_common import FilesCase


@tagged("post_install", "-at_install")
class TestSftpOutbound(FilesCase):
    def file_jobs(self):
        return self.env["integration.job"].search([("channel_id", "=", self.b2b.id), ("job_type", "=", "file")])

    def test_daily_inventory_snapshot_to_the_outbound_folder(self):
        with freeze_time("2026-12-01 06:00:00"):
            self.env["integration.channel"]._cron_export_inventory_snapshot()
            job = self.file_jobs()
            self.assertEqual(job.file_attachment_id.name, "inventory_snapshot_B2B_20261201T060000Z.csv")
            self.run_outbox()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.sftp.files("outbound"), ["inventory_snapshot_B2B_20261201T060000Z.csv"])
        text = self.sftp.content("outbound", "inventory_snapshot_B2B_20261201T060000Z.csv").decode()
        self.assertEqual(text.splitlines()[0], "sku,on-hand,allocated,available")
        self.assertIn("MUG-001,50.0,0.0,50\r\n", text)
        self.assertEqual(self.b2b.sftp_host_key, self.sftp.host_key_line, "the outbox pins and checks the key too")

    def test_shipment_confirmation_file(self):
        payload = {
            "order_id": 1,
            "order_external_id": "PO-1",
            "shipment_key": "PO-1:7",
            "lines": [{"line_id": "2", "quantity": 12}, {"line_id": "3", "quantity": 6}],
            "tracking": {"number": "JJD000390007", "company": "DHL", "url": False},
            "shipped_at": "2026-12-15 10:00:00",
            "order_complete": True,
        }
        with freeze_time("2026-12-15 10:00:05"):
            job = self.env["integration.job"]._enqueue(self.b2b, "fulfillment", "fulfillment:PO-1:7", payload)
            self.assertTrue(job, "a file channel takes shipment confirmations")
            self.run_outbox()
            self.run_outbox()  # the fulfillment job queues the file, the file job delivers it
        self.assertEqual(self.sftp.files("outbound"), ["shipment_B2B_PO-1_20261215T100005Z.csv"])
        lines = self.sftp.content("outbound", "shipment_B2B_PO-1_20261215T100005Z.csv").decode().splitlines()
        self.assertEqual(lines[0], "order-id,line-id,quantity,carrier,tracking-number,tracking-url,shipped-at")
        self.assertEqual(lines[1], "PO-1,2,12,DHL,JJD000390007,,2026-12-15 10:00:00")

    def test_order_status_file_has_a_time_stamp(self):
        self.env["integration.job"]._enqueue(
            self.b2b, "order_status", "status:PO-1", {"order_id": "PO-1", "status": "cancel_acknowledged"}
        )
        self.run_outbox()
        self.run_outbox()
        (name,) = self.sftp.files("outbound")
        self.assertRegex(name, r"^order_status_B2B_PO-1_\d{8}T\d{6}Z\.csv$")
        self.assertIn("PO-1,cancel_acknowledged", self.sftp.content("outbound", name).decode())

    def test_unreachable_server_retries_then_dead_and_the_file_is_kept(self):
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        self.b2b.write({"sftp_port": closed_port, "retry_max_attempts": 2})
        self.env["integration.channel"]._cron_export_inventory_snapshot()
        job = self.file_jobs()
        self.run_outbox()
        self.assertEqual(job.state, "pending", "a network failure is retried")
        self.assertRegex(job.last_error, "cannot be reached")
        job.next_attempt_at = fields.Datetime.now()
        self.run_outbox()
        self.assertEqual(job.state, "dead")
        exception = self.env["integration.sync.exception"].search([("job_id", "=", job.id)])
        self.assertEqual(exception.severity, "critical")
        self.assertTrue(re.match(r"inventory_snapshot_B2B_\d{8}T\d{6}Z\.csv", job.file_attachment_id.name))
        self.assertIn(b"MUG-001", job.file_attachment_id.raw, "the file is kept on the job")
        self.b2b.sftp_port = self.sftp.port  # the server is back: a manager retries
        job.with_user(self.user_manager).action_retry()
        self.run_outbox()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.sftp.files("outbound"), [job.file_attachment_id.name])

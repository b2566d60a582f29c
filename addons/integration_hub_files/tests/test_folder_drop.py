"""A local or mounted folder as the location, with the demo's purchase-order file."""

import os
import shutil
import tempfile

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .files_common import FilesCase

SAMPLE = "purchase_order_DEMO-CSV_20261101T090000Z.csv"


@tagged("post_install", "-at_install")
class TestFolderDrop(FilesCase):
    def setUp(self):
        super().setUp()
        self.root = tempfile.mkdtemp(prefix="hub-drop-")
        self.addCleanup(shutil.rmtree, self.root)
        self.b2b.write({"file_location": "folder", "file_root": self.root})

    def test_demo_purchase_order_file_dropped_in_a_folder(self):
        for folder in ("inbound", "processed", "failed", "outbound"):
            os.mkdir(os.path.join(self.root, folder))
        shutil.copy(file_path(f"integration_hub_files/demo/{SAMPLE}"), os.path.join(self.root, "inbound"))
        self.check_now()
        self.assertEqual(os.listdir(os.path.join(self.root, "processed")), [SAMPLE])
        self.file_events()._process()
        orders = self.b2b_orders()
        self.assertEqual(sorted(orders.mapped("external_id")), ["PO-4711", "PO-4712"])
        self.assertEqual(
            orders.filtered(lambda o: o.external_id == "PO-4711").special_handling, "Deliver to dock 3, mornings only"
        )
        self.env["integration.channel"]._cron_export_inventory_snapshot()
        self.run_outbox()
        (snapshot,) = os.listdir(os.path.join(self.root, "outbound"))
        self.assertRegex(snapshot, r"^inventory_snapshot_B2B_\d{8}T\d{6}Z\.csv$")

    def test_a_missing_folder_is_reported(self):
        self.b2b.file_root = os.path.join(self.root, "not-mounted")
        self.check_now()
        self.assertIn("does not exist or is not mounted", self.b2b.file_last_error)

    def test_demo_prepares_the_drop_with_a_file_ready_to_drop(self):
        self.env["integration.channel"]._demo_prepare_file_drop(self.b2b.ids)
        self.assertTrue(os.path.isfile(os.path.join(self.b2b.file_root, "ready-to-drop", SAMPLE)))
        self.assertTrue(os.path.isdir(os.path.join(self.b2b.file_root, "inbound")))

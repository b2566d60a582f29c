"""Files dropped on a real SFTP server (tests/sftp_server.py on 127.0.0.1): read, stored, moved, taken."""

import csv
import io
import json
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.integration_hub_files.models.integration_channel_files import IntegrationChannelFiles

from .files_common import PO_HEADER, FilesCase

PO_FILE = (
    PO_HEADER
    + "PO-1;MUG-001;12;2026-12-15;Dock 3, mornings only\r\n"  # 2
    + "PO-1;TSHIRT-M;6;2026-12-15;Dock 3, mornings only\r\n"  # 3
    + "PO-1;TSHIRT-S;2,5;2026-12-15;\r\n"  # 4: not a whole unit
    + "PO-2;TSHIRT-S;24;16/12/2026;\r\n"  # 5
    + "PO-3;8,4E+12;1;2026-12-20;\r\n"  # 6: a barcode a spreadsheet rewrote
    + "PO-4;MUG-001;1;tomorrow;\r\n"  # 7: not a date
    + "PO-5;MUG-001;1;2026-12-20;\r\n"  # 8: conflict with 9
    + "PO-5;MUG-001;1;2026-12-21;\r\n"  # 9
).encode()
NAME = "purchase_order_B2B_20261201T080000Z.csv"


@tagged("post_install", "-at_install")
class TestSftpInbound(FilesCase):
    def test_purchase_orders_from_the_drop(self):
        self.sftp.put("inbound", NAME, PO_FILE)
        self.check_now()
        self.assertEqual(self.b2b.sftp_host_key, self.sftp.host_key_line, "pinned at the first connection")
        self.assertFalse(self.b2b.file_last_error)
        event = self.file_events()
        self.assertEqual(len(event), 1, "one event per file")
        self.assertEqual((event.source, event.state), ("file", "received"))
        self.assertEqual(event.payload.encode(), PO_FILE, "stored raw, byte for byte, before anything else")
        self.assertEqual(json.loads(event.headers)["file_name"], NAME)
        self.assertEqual((self.sftp.files("inbound"), self.sftp.files("processed")), ([], [NAME]))

        event._process()
        self.assertEqual(event.state, "done")
        orders = self.b2b_orders()
        self.assertEqual(sorted(orders.mapped("external_id")), ["PO-1", "PO-2"])
        po1 = orders.filtered(lambda o: o.external_id == "PO-1")
        self.assertEqual(str(po1.requested_date), "2026-12-15")
        self.assertEqual(po1.special_handling, "Dock 3, mornings only")
        self.assertEqual((po1.order_source, po1.source_event_id), ("file", event))
        self.assertEqual(po1.customer_name, "Tiendas Norte S.L.")
        self.assertEqual((po1.ship_city, po1.ship_zip, po1.vat), ("Madrid", "28013", "ESB12345674"))
        self.assertEqual(sorted((line.sku, line.quantity) for line in po1.line_ids), [("MUG-001", 12), ("TSHIRT-M", 6)])
        self.assertEqual(str(orders.filtered(lambda o: o.external_id == "PO-2").requested_date), "2026-12-16")

        exception = self.env["integration.sync.exception"].search([("event_id", "=", event.id)])
        self.assertEqual(len(exception), 1, "one exception for the rejected rows of the file")
        for expected in (
            "line 4: '2,5' is 2.5: not a whole unit",
            "line 6: SKU '8,4E+12' is a number in scientific notation",
            "line 7: delivery-date 'tomorrow' is not a date",
            "line 8: order PO-5: its rows give different delivery dates",
            "line 9: order PO-5",
        ):
            self.assertIn(expected, exception.description)

        self.run_outbox()
        self.assertEqual(self.sftp.files("processed"), [NAME, f"{NAME}.rejected.csv"])
        rejected = list(csv.reader(io.StringIO(self.sftp.content("processed", f"{NAME}.rejected.csv").decode())))
        self.assertEqual(rejected[0], ["line", "reason"])
        self.assertEqual([row[0] for row in rejected[1:]], ["4", "6", "7", "8", "9"])

    def test_the_same_file_again_is_a_duplicate(self):
        self.sftp.put("inbound", NAME, PO_FILE)
        self.check_now()
        self.sftp.put("inbound", NAME, PO_FILE)  # the partner uploads it again
        self.check_now()
        event = self.file_events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.duplicate_count, 1, "recorded as a redelivery, not stored or processed again")
        self.sftp.put("inbound", NAME, PO_FILE.replace(b"PO-2;TSHIRT-S;24", b"PO-2;TSHIRT-S;25"))
        self.check_now()
        self.assertEqual(len(self.file_events()), 2, "same name, other content: a new file")

    def test_a_wrong_header_rejects_the_file_whole(self):
        self.sftp.put("inbound", "pedido.csv", "pedido;articulo;cantidad\r\nPO-9;MUG-001;3\r\n")
        self.check_now()
        event = self.file_events()
        self.assertEqual(event.state, "failed")
        self.assertIn("'pedido;articulo;cantidad' is not one of the file formats", event.error)
        self.assertIn("purchase orders: order-id, sku, quantity, delivery-date, special-notes", event.error)
        self.assertEqual((self.sftp.files("failed"), self.sftp.files("processed")), (["pedido.csv"], []))
        self.assertTrue(self.env["integration.sync.exception"].search([("event_id", "=", event.id)]))
        self.assertFalse(self.b2b_orders(), "no row of a refused file is read")

    def test_a_wrong_host_key_is_refused(self):
        other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        self.b2b.sftp_host_key = other  # pinned earlier: another server answers now
        self.sftp.put("inbound", NAME, PO_FILE)
        self.check_now()
        self.assertIn("not the pinned", self.b2b.file_last_error)
        self.assertEqual(self.b2b.sftp_host_key, other, "a mismatch never re-pins")
        self.assertFalse(self.file_events())
        self.assertEqual(self.sftp.files("inbound"), [NAME], "nothing read, nothing moved")
        exception = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.b2b.id), ("name", "ilike", "host key mismatch")]
        )
        self.assertEqual(exception.severity, "critical")

    def test_a_connection_dropped_mid_download_loses_nothing(self):
        self.sftp.put("inbound", NAME, PO_FILE * 1)
        self.sftp.drop_reading.add(NAME)
        self.check_now()
        self.assertEqual(self.sftp.dropped, [NAME], "the server really dropped the connection during the read")
        self.assertIn("nothing was lost", self.b2b.file_last_error)
        self.assertFalse(self.file_events())
        self.assertEqual(self.sftp.files("inbound"), [NAME], "the file stays where it was")
        self.check_now()  # the next check reads it whole
        self.assertEqual(self.file_events().payload.encode(), PO_FILE)
        self.assertEqual(self.sftp.files("processed"), [NAME])

    def test_a_file_still_being_written_waits(self):
        self.sftp.put("inbound", NAME, PO_HEADER + "PO-1;MUG-001;12;2026-12-15;\r\n")

        def partner_still_writing(channel):
            with open(self.sftp.path("inbound", NAME), "ab") as handle:
                handle.write(b"PO-1;TSHIRT-M;6;2026-12-15;\r\n")

        with patch.object(IntegrationChannelFiles, "_files_between_looks", partner_still_writing):
            self.check_now()
        self.assertFalse(self.file_events(), "the size changed between two looks: not taken")
        self.assertEqual(self.sftp.files("inbound"), [NAME])
        self.check_now()
        event = self.file_events()
        self.assertIn("PO-1;TSHIRT-M;6", event.payload, "taken whole once it settled")

    def test_permission_denied_on_processed_folder(self):
        self.sftp.put("inbound", NAME, PO_FILE)
        self.sftp.deny_into.add("processed")
        self.check_now()
        event = self.file_events()
        self.assertEqual(len(event), 1, "stored before the move")
        exception = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.b2b.id), ("name", "ilike", "could not be moved")]
        )
        self.assertIn("permission denied on processed/", exception.description)
        self.assertIn("is not processed twice", exception.description)
        self.assertEqual(self.sftp.files("inbound"), [NAME])
        event._process()
        orders = self.b2b_orders()
        self.check_now()  # still there: the same file again
        self.assertEqual(self.file_events(), event, "not stored twice")
        self.assertEqual(event.duplicate_count, 1)
        self.assertEqual(exception.occurrences, 2, "the same exception counts again, no second one")
        self.assertEqual(self.b2b_orders(), orders, "no order twice")

    def test_counts_file_through_the_count_import(self):
        name = "counts_B2B_20261201T080000Z.csv"
        self.sftp.put("inbound", name, "sku;location;counted\r\nMUG-001;WH/Stock;44\r\nNOPE;WH/Stock;1\r\n")
        self.check_now()
        self.file_events()._process()
        self.assertEqual(self.mug.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 44)
        self.run_outbox()
        rejected = self.sftp.content("processed", f"{name}.rejected.csv").decode()
        self.assertIn("3,unknown SKU NOPE", rejected)

    def test_returns_file_through_the_returns_import(self):
        self.sftp.put("inbound", NAME, PO_FILE)
        self.check_now()
        self.file_events()._process()
        name = "returns_B2B_20261201T080000Z.csv"
        self.sftp.put(
            "inbound",
            name,
            "return-id,original-order-id,reason,disposition\r\nRMA-1,PO-1,damaged,sellable\r\nRMA-2,PO-99,x,sellable\r\n",
        )
        self.check_now()
        self.file_events().filtered(lambda e: e.state == "received")._process()
        returns = self.env["integration.return"].search([("channel_id", "=", self.b2b.id)])
        self.assertEqual(returns.mapped("external_id"), ["RMA-1"])
        self.run_outbox()
        self.assertIn(
            "3,original order PO-99 is unknown", self.sftp.content("processed", f"{name}.rejected.csv").decode()
        )

    def test_check_now_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.check_now(self.user_operations)
        self.sftp.put("inbound", NAME, PO_FILE)
        self.check_now(self.user_manager)
        self.assertTrue(self.file_events())

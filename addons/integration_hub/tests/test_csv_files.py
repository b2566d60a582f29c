"""Count and returns files as spreadsheets save them, through the import wizards a manager uses."""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .order_common import OrderCase


@tagged("post_install", "-at_install")
class TestSpreadsheetFiles(OrderCase):
    def import_counts(self, raw, filename="recuento.csv"):
        wizard = (
            self.env["integration.inventory.import"]
            .with_user(self.user_manager)
            .create({"file": base64.b64encode(raw), "filename": filename, "reason": "miscount"})
        )
        wizard.action_import()
        return wizard

    def import_returns(self, raw, filename="devoluciones.csv"):
        wizard = (
            self.env["integration.return.import"]
            .with_user(self.user_manager)
            .create({"channel_id": self.channel.id, "file": base64.b64encode(raw), "filename": filename})
        )
        wizard.action_import()
        return wizard

    def quantity(self, product):
        return product.with_context(location=self.warehouse.lot_stock_id.id).qty_available

    def test_spanish_excel_count_file(self):
        raw = (
            "\ufeffSKU;Ubicación;Counted\r\n".replace("Ubicación", "Location")
            + 'MUG-001;WH/Stock;"1.250"\r\n'  # 2: Spanish thousands: 1250 units
            + "TSHIRT-S;WH/Stock;2,5\r\n"  # 3: not a whole unit
            + "8,4E+12;WH/Stock;4\r\n"  # 4: a barcode a spreadsheet mangled
            + "TSHIRT-M;WH/Stock;7\r\n"  # 5: conflict with line 6
            + "TSHIRT-M;WH/Stock;9\r\n"  # 6
            + "KIT-GIFT;WH/Stock;3\r\n"  # 7: a kit has no stock of its own
            + "MUG-001;WH/Stock;1;later\r\n"  # 8: one field too many
        ).encode("utf-8")
        wizard = self.import_counts(raw)
        result = wizard.result
        self.assertIn("1 row(s) applied, 6 rejected (read as UTF-8 (with BOM), separator semicolon)", result)
        self.assertEqual(self.quantity(self.mug), 1250, "1.250 is 1250 units, never 1.25")
        self.assertIn("line 3: '2,5' is 2.5: not a whole unit", result)
        self.assertIn("line 4: SKU '8,4E+12' is a number in scientific notation", result)
        self.assertIn("line 5: conflict: lines 5, 6 give different values", result)
        self.assertIn("line 6: conflict: lines 5, 6 give different values", result)
        self.assertIn("line 7: KIT-GIFT is a kit", result)
        self.assertIn("line 8: 4 fields, 3 expected", result)
        self.assertEqual((self.quantity(self.tshirt_s), self.quantity(self.tshirt_m)), (20, 20), "nothing last-wins")
        corrections = self.env["integration.audit.log"].search(
            [
                ("action", "=", "inventory_correction"),
                ("res_model", "=", "product.product"),
                ("res_id", "=", self.mug.id),
            ]
        )
        self.assertEqual(len(corrections), 1, "the good row is applied once")

    def test_one_shelf_written_two_ways_is_one_shelf_and_two_counts_of_it_conflict(self):
        stock = self.warehouse.lot_stock_id
        stock.barcode = "LOC-STOCK-01"
        raw = f"sku;location;counted\nMUG-001;{stock.complete_name};3\nMUG-001;LOC-STOCK-01;5\n".encode()
        result = self.import_counts(raw).result
        self.assertIn("0 row(s) applied, 2 rejected", result)
        self.assertIn("line 2: conflict: lines 2, 3 give different values", result)
        self.assertEqual(self.quantity(self.mug), 50, "never the last row's figure")

    def test_windows_1252_count_file_with_decimal_for_a_weighed_product(self):
        kilogram = self.env.ref("uom.product_uom_kgm")
        flour = self.env["product.product"].create(
            {"name": "Harina", "default_code": "HARINA-AÑO", "is_storable": True, "uom_id": kilogram.id,
             "uom_po_id": kilogram.id}
        )  # fmt: skip
        raw = "sku;location;counted\nHARINA-AÑO;WH/Stock;2,5\n".encode("cp1252")
        wizard = self.import_counts(raw)
        self.assertIn("1 row(s) applied, 0 rejected (read as Windows-1252, separator semicolon)", wizard.result)
        self.assertEqual(self.quantity(flour), 2.5)

    def test_a_file_that_is_not_csv_is_refused_naming_what_it_is(self):
        with self.assertRaisesRegex(UserError, "spreadsheet workbook"):
            self.import_counts(b"PK\x03\x04\x14\x00\x06\x00", filename="recuento.xlsx")
        with self.assertRaisesRegex(UserError, "missing: counted"):
            self.import_counts(b"sku;location;qty\nMUG-001;WH/Stock;1\n")

    def test_returns_file_as_people_type_it(self):
        self.ingest(self.order_data("2015"))
        self.ingest(self.order_data("2016"))
        raw = (
            b"\xef\xbb\xbfreturn-id,original-order-id,reason,disposition\r\n"
            b"R-1,2015,damaged,rework\r\n"  # 2: good
            b"R-2,#2015,damaged,sellable\r\n"  # 3: the order typed as its name
            b"R-3,2016,wrong size, too small,sellable\r\n"  # 4: an unquoted comma
            b'R-4,2016,"too small, returned",sellable\r\n'  # 5: good, quoted
            b"R-5,2016,damaged,shiny\r\n"  # 6: unknown disposition
        )
        wizard = self.import_returns(raw)
        result = wizard.result
        self.assertIn("2 return(s) imported, 3 row(s) rejected", result)
        self.assertIn("line 3: original order #2015 is unknown on Test shop: did you mean 2015", result)
        self.assertIn("line 4: 5 fields, 4 expected", result)
        self.assertIn("line 6: disposition 'shiny'", result)
        returns = self.env["integration.return"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(sorted(returns.mapped("external_id")), ["R-1", "R-4"])
        self.assertEqual(returns.filtered(lambda r: r.external_id == "R-4").reason, "too small, returned")
        # the same file again: the good rows are not applied twice
        self.import_returns(raw)
        self.assertEqual(self.env["integration.return"].search_count([("channel_id", "=", self.channel.id)]), 2)

    def test_duplicated_return_ids_with_different_data_are_both_rejected(self):
        self.ingest(self.order_data("2017"))
        raw = b"return-id;original-order-id;reason;disposition\nR-9;2017;damaged;rework\nR-9;2017;damaged;sellable\n"
        wizard = self.import_returns(raw)
        self.assertIn("0 return(s) imported, 2 row(s) rejected", wizard.result)
        self.assertIn("line 2: conflict", wizard.result)
        self.assertIn("line 3: conflict", wizard.result)

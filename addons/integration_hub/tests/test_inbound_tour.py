from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .inbound_common import InboundMixin


@tagged("post_install", "-at_install")
class TestReceiptTour(InboundMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_inbound()
        _e, item = cls.upsert(cls.product())
        cls.upsert(cls.product(sku="BOWL-15", barcode="8400000000109"))
        cls.bowl = item.product_tmpl_id.product_variant_id
        # the barcode changed 40 days ago: its 30-day window is over, the old one is a legacy barcode now
        today = fields.Date.context_today(item)
        equivalence = cls.env["integration.sku.equivalence"].search([("old_code", "=", "8400000000055")])
        equivalence.write({"valid_from": today - timedelta(days=40), "transition_end": today - timedelta(days=10)})
        _e, cls.receipt = cls.expect("PO-TOUR", [{"id": "1", "sku": "BOWL-15", "quantity": 24}])

    def test_operations_receive_a_box_scanned_under_its_legacy_barcode(self):
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_receipt",
            "integration_hub_receipt_legacy_barcode_tour",
            login="hub_ops",
        )
        receipt = self.receipt
        self.assertEqual(receipt.state, "received")
        self.assertEqual(receipt.picking_ids.move_ids.product_id, self.bowl, "the scanned box is the same bowl")
        line = receipt.line_ids
        self.assertEqual((line.quantity_received, line.difference, line.result), (26, 2, "over"))
        exception = self.exceptions_of(receipt, "receipt_discrepancy")
        self.assertIn("BOWL-15: expected 24, received 26: over by 2", exception.description)

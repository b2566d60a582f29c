"""Factories for the catalog and the inbound side: an ERP that owns the catalog and sends purchase orders."""

import copy
import uuid

from odoo.tests import Form, TransactionCase

from .common import CatalogMixin, HubFactoryMixin

ERP_URL = "https://erp.example.com/hub"

BOWL = {
    "id": "P-200",
    "name": "Bowl",
    "sku": "BOWL-1",
    "barcode": "8400000000055",
    "pack": {"inner": 6, "carton": 24, "pallet": 480},
    "weight_kg": 0.4,
    "dimensions_cm": {"length": 40, "width": 40, "height": 20},
}
SHIRT = {
    "id": "P-300",
    "name": "Polo shirt",
    "attributes": [{"name": "Polo size", "values": ["S", "M", "L"]}],
    "variants": [
        {"id": "P-300-S", "sku": "POLO-S", "barcode": "8400000000062", "attributes": {"Polo size": "S"}},
        {"id": "P-300-M", "sku": "POLO-M", "barcode": "8400000000079", "attributes": {"Polo size": "M"}},
    ],
    "pack": {"carton": 20, "pallet": 400},
    "weight_kg": 0.3,
}


class InboundMixin(HubFactoryMixin, CatalogMixin):
    """An ERP channel that owns the catalog (``cls.erp``), its products and its purchase orders."""

    @classmethod
    def setup_inbound(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.erp = cls.make_channel(
            "Client ERP",
            "ERP",
            catalog_owner="channel",
            api_base_url=ERP_URL,
            send_receipt_confirmations=True,
            send_catalog_answers=True,
        )

    @staticmethod
    def product(base=BOWL, **overrides):
        data = copy.deepcopy(base)
        data.update(overrides)
        return data

    @classmethod
    def deliver(cls, event_type, data, channel=None, key=None):
        """One message through the inbox, processed now: the event."""
        Event = cls.env["integration.event"]
        event_id, _created = Event._receive(channel or cls.erp, key or f"m-{uuid.uuid4().hex}", event_type, data)
        event = Event.browse(event_id)
        if event.state == "received":
            event._process()
        return event

    @classmethod
    def upsert(cls, data, channel=None):
        """product.upserted through the inbox: (event, catalog item)."""
        event = cls.deliver("product.upserted", data, channel)
        item = cls.env["integration.catalog.item"].search(
            [("channel_id", "=", (channel or cls.erp).id), ("external_id", "=", str(data.get("id")))]
        )
        return event, item

    @classmethod
    def expect(cls, reference, lines, channel=None, **fields):
        """receipt.expected through the inbox: (event, expected receipt)."""
        data = {
            "reference": reference,
            "supplier": {"id": "SUP-7", "name": "Cerámicas Levante"},
            "expected_date": "2026-12-01",
            "lines": lines,
            **fields,
        }
        event = cls.deliver("receipt.expected", data, channel)
        receipt = cls.env["integration.receipt"].search(
            [("channel_id", "=", (channel or cls.erp).id), ("external_id", "=", reference)]
        )
        return event, receipt

    def exceptions_of(self, record, exception_type=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id), ("state", "=", "open")]
        if exception_type:
            domain.append(("exception_type", "=", exception_type))
        return self.env["integration.sync.exception"].search(domain)

    def receive(self, receipt, quantities=None, user=None, damaged=None, extra=None, backorder=False):
        """What operations do in Inventory: count each line (by product), optionally put damaged units into
        quarantine or add a line for an item nobody expected, then validate the transfer."""
        user = user or self.user_operations
        picking = receipt.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).with_user(user)
        quarantine = self.warehouse.hub_quarantine_location_id
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.picked = True
        for product, quantity in (damaged or {}).items():
            move = picking.move_ids.filtered(lambda m, p=product: m.product_id == p)[:1]
            line = move.move_line_ids[:1]
            line.quantity -= quantity
            line.copy({"quantity": quantity, "location_dest_id": quarantine.id, "move_id": move.id, "picked": True})
        for product, quantity in (extra or {}).items():
            self.env["stock.move"].with_user(user).create(
                {
                    "name": product.display_name,
                    "product_id": product.id,
                    "product_uom_qty": 0,
                    "quantity": quantity,
                    "picked": True,
                    "product_uom": product.uom_id.id,
                    "picking_id": picking.id,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                }
            )
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form(
                self.env["stock.backorder.confirmation"].with_user(user).with_context(result["context"])
            ).save()
            wizard.process() if backorder else wizard.process_cancel_backorder()
        return picking


class InboundCase(InboundMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_inbound()

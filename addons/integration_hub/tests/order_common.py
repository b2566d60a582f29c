import copy
import uuid

from odoo.tests import Form, TransactionCase

from .common import CatalogMixin, HubFactoryMixin


def validate_picking(picking, quantities=None):
    """Pick (optionally partial quantities by product) and validate, as a warehouse user would: a short pick
    answers Odoo's backorder question with *Create backorder*. Platform addons' tests call this too."""
    for move in picking.move_ids:
        if quantities and move.product_id in quantities:
            move.quantity = quantities[move.product_id]
        move.picked = True
    result = picking.button_validate()
    if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
        Form(picking.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()
    return picking


class OrderCase(HubFactoryMixin, CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)
        cls.list_products(cls.channel, cls.mug | cls.tshirt_s | cls.tshirt_m | cls.kit)  # the test shop sells these

    def order_data(self, external_id="1001", **overrides):
        data = copy.deepcopy(self.order_payload(external_id)["data"])
        for key, value in overrides.items():
            if key in ("shipping_address", "customer") and isinstance(value, dict):
                data[key].update(value)
            else:
                data[key] = value
        return data

    def ingest(self, data, kind="created", key=None, channel=None):
        """Deliver one message through the inbox and process it; return (event, channel order)."""
        channel = channel or self.channel
        Event = self.env["integration.event"]
        event_id, _created = Event._receive(channel, key or f"evt-{uuid.uuid4().hex}", f"order.{kind}", data)
        event = Event.browse(event_id)
        event._process()
        order = self.env["integration.channel.order"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", str(data.get("id")))]
        )
        return event, order

    def open_exceptions(self, order, exception_type=None):
        domain = [("res_model", "=", order._name), ("res_id", "=", order.id), ("state", "=", "open")]
        if exception_type:
            domain.append(("exception_type", "=", exception_type))
        return self.env["integration.sync.exception"].search(domain)

    def validate_picking(self, picking, quantities=None):
        return validate_picking(picking, quantities)

    def chain(self, order):
        return order._chain()

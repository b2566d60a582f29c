import contextlib

import responses

from odoo.addons.integration_hub.tests.order_common import OrderCase

from .unit import fixtures as F

DHL_ORDERS = "https://api-sandbox.dhl.com/parcel/de/shipping/v2/orders"
UPS_BASE = "https://wwwcie.ups.com"
DPD_BASE = "https://public-ws-stage.dpd.com/services"
CORREOS_URL = "https://preregistroenviospre.correos.es/preregistroenvios"

SECRETS = {
    "hub_dhl": {"hub_username": "gkp-user", "hub_password": "gkp-Pa55word", "hub_api_key": "dhl-ApiKey-123"},
    "hub_ups": {"hub_api_key": "ups-client-id", "hub_api_secret": "ups-Client-Secret"},
    "hub_dpd": {"hub_username": "sandboxdpd", "hub_password": "dpd-Pa55word"},
    "hub_correos": {"hub_username": "correos-user", "hub_password": "correos-Pa55word"},
}


class CarrierMixin:
    """A Valencia warehouse address, weighed products and the four carriers (after setup_hub/catalog)."""

    @classmethod
    def setup_carriers(cls):
        env = cls.env
        spain = env.ref("base.es")
        valencia = env["res.country.state"].search([("country_id", "=", spain.id), ("code", "=", "V")], limit=1)
        cls.warehouse.partner_id.write(
            {
                "street": "Carrer de la Logística 5",
                "zip": "46024",
                "city": "Valencia",
                "state_id": valencia.id,
                "country_id": spain.id,
                "phone": "+34960000000",
                "email": "dock@3pl.example",
            }
        )
        cls.mug.weight = 0.5
        cls.tshirt_s.weight = 0.2
        cls.tshirt_m.weight = 0.2
        # labels are requested explicitly in these tests (the acceptance test covers label-at-validation)
        cls.warehouse.out_type_id.print_label = False
        env["ir.config_parameter"].sudo().set_param("integration_hub_carriers.retry_backoff_seconds", "0")
        shipping_product = env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.carriers = {}
        for delivery_type, name, account, service in (
            ("hub_dhl", "DHL Paket", "33333333330102", "V01PAK"),
            ("hub_ups", "UPS", "A1B2C3", "11"),
            ("hub_dpd", "DPD Classic", "0163", "CL"),
            ("hub_correos", "Correos Paq Premium", "XXX1", "S0132"),
        ):
            carrier = env["delivery.carrier"].create(
                {
                    "name": name,
                    "delivery_type": delivery_type,
                    "product_id": shipping_product.id,
                    "hub_account_number": account,
                    "hub_service_code": service,
                    "debug_logging": True,
                }
            )
            carrier.write(SECRETS[delivery_type])
            cls.carriers[delivery_type] = carrier
        cls.dhl, cls.ups, cls.dpd, cls.correos = (
            cls.carriers[k] for k in ("hub_dhl", "hub_ups", "hub_dpd", "hub_correos")
        )

    def packed_order(self, external_id, carrier=None, **overrides):
        """An accepted order, picked and validated: (channel order, outgoing picking staged at the dock)."""
        _event, order = self.ingest(self.order_data(external_id, **overrides))
        self.assertEqual(order.state, "accepted", order.validation_problems)
        picking = order._chain()["out"]
        if carrier:
            picking.carrier_id = carrier
        self.validate_picking(picking)
        self.assertEqual(order.state, "packed")
        self.assertEqual(picking.hub_shipment_state, "staged")
        return order, picking

    def dhl_label(self, picking, tracking="340434310428091700"):
        body = dict(F.DHL_ORDER_OK, items=[dict(F.DHL_ORDER_OK["items"][0], shipmentNo=tracking)])
        with self.stub() as mock:
            mock.add(responses.POST, DHL_ORDERS, json=body, status=200)
            picking.send_to_shipper()
        return picking

    def exceptions_of(self, record, exception_type=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if exception_type:
            domain.append(("exception_type", "=", exception_type))
        return self.env["integration.sync.exception"].search(domain)

    def status_jobs(self, order):
        return self.env["integration.job"].search(
            [("res_model", "=", order._name), ("res_id", "=", order.id), ("job_type", "=", "order_status")]
        )

    @contextlib.contextmanager
    def stub(self):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            yield mock


class CarrierCase(CarrierMixin, OrderCase):
    """Order fixtures plus the carriers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_carriers()

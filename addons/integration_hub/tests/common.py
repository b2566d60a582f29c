import json
import time
import uuid

import requests

from odoo.tests import Form, new_test_user
from odoo.tests.common import _super_send

from odoo.addons.integration_hub.lib import standard_webhooks
from odoo.addons.integration_hub.lib.sample_order import sample_order_message

TEST_SECRET = "whsec_" + "dGVzdC1zZWNyZXQtZm9yLXRoZS1odWItMzItYnl0ZXM="


def committed_generic_channel(registry, name, code):
    """A live generic channel created and committed in its own transaction (for tests that drive real
    commits: crashes, dumps). Returns ``(channel id, webhook token)``; the caller deletes it afterwards."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        channel = env["integration.channel"].create(
            {
                "name": name,
                "code": code,
                "platform": "generic",
                "state": "live",
                "warehouse_id": warehouse.id,
                "api_base_url": "https://partner.example.com/hub",
            }
        )
        channel.webhook_secret = TEST_SECRET
        return channel.id, channel.webhook_token


_UNPATCHED_ADAPTER_SEND = requests.adapters.HTTPAdapter.send


class HubFactoryMixin:
    """Users for the four roles, a second company and a live generic channel."""

    @classmethod
    def _request_handler(cls, session, prepared, /, **kwargs):
        # Odoo's test base blocks every external request at Session.send. Remote
        # platforms are stubbed one level lower, at the transport adapter, by
        # `responses` (which itself refuses any URL a test did not register):
        # let requests through only while such a stub is active.
        if requests.adapters.HTTPAdapter.send is not _UNPATCHED_ADAPTER_SEND:
            return _super_send(session, prepared, **kwargs)
        return super()._request_handler(session, prepared, **kwargs)

    @classmethod
    def setup_hub(cls):
        env = cls.env
        cls.company = env.company
        cls.warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        groups = "integration_hub.group_hub_%s"
        cls.user_operations = new_test_user(env, "hub_ops", groups=groups % "operations", name="Olga Operations")
        cls.user_manager = new_test_user(env, "hub_manager", groups=groups % "manager", name="Mario Manager")
        cls.user_admin = new_test_user(env, "hub_admin", groups=groups % "admin", name="Ana Admin")
        cls.user_finance = new_test_user(env, "hub_finance", groups=groups % "finance", name="Fina Finance")
        cls.channel = cls.make_channel("Test shop", "TEST")
        cls.channel.webhook_secret = TEST_SECRET

    @classmethod
    def make_channel(cls, name, code, **values):
        """A live channel; a generic one answers at a partner URL (the hub only queues what a channel takes)."""
        if values.get("platform", "generic") == "generic":
            values.setdefault("api_base_url", f"https://partner.example.com/{code.lower()}")
        return cls.env["integration.channel"].create(
            {
                "name": name,
                "code": code,
                "platform": "generic",
                "state": "live",
                "warehouse_id": cls.warehouse.id,
                **values,
            }
        )

    @classmethod
    def list_products(cls, channel, products):
        """An administrator lists these products on the channel: only listed products are published."""
        return (
            cls.env["integration.external.id"]
            .with_user(cls.user_admin)
            .create([{"channel_id": channel.id, "product_id": p.id, "sku": p.default_code} for p in products])
        )

    @staticmethod
    def signed_request(body_obj=None, secret=TEST_SECRET, msg_id=None, timestamp=None, raw=None):
        """(body bytes, headers) signed per Standard Webhooks."""
        body = raw if raw is not None else json.dumps(body_obj).encode()
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        timestamp = str(int(timestamp if timestamp is not None else time.time()))
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": standard_webhooks.sign(secret, msg_id, timestamp, body),
        }
        return body, headers

    @staticmethod
    def order_payload(external_id="1001", **overrides):
        """A generic ``order.created`` message (lib/sample_order.py); keyword arguments replace data keys."""
        return sample_order_message(external_id, **overrides)


class CatalogMixin:
    """A mug, a T-shirt in sizes S and M (variants) and a gift-box kit (mug + T-shirt S)."""

    @classmethod
    def setup_catalog(cls):
        env = cls.env
        Product = env["product.product"]
        cls.mug = Product.create(
            {"name": "Mug", "default_code": "MUG-001", "barcode": "8400000000017", "is_storable": True}
        )
        size = env["product.attribute"].create(
            {"name": "Size", "value_ids": [(0, 0, {"name": "S"}), (0, 0, {"name": "M"})]}
        )
        template = env["product.template"].create(
            {
                "name": "T-shirt",
                "is_storable": True,
                "attribute_line_ids": [(0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})],
            }
        )
        for variant in template.product_variant_ids:
            variant.default_code = "TSHIRT-" + variant.product_template_attribute_value_ids.name
        cls.tshirt_s = template.product_variant_ids.filtered(lambda v: v.default_code == "TSHIRT-S")
        cls.tshirt_m = template.product_variant_ids.filtered(lambda v: v.default_code == "TSHIRT-M")
        cls.kit = Product.create({"name": "Gift box", "default_code": "KIT-GIFT", "is_storable": True})
        env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.kit.product_tmpl_id.id,
                "product_id": cls.kit.id,
                "type": "phantom",
                "bom_line_ids": [
                    (0, 0, {"product_id": cls.mug.id, "product_qty": 1}),
                    (0, 0, {"product_id": cls.tshirt_s.id, "product_qty": 1}),
                ],
            }
        )

    @classmethod
    def stock(cls, product, quantity, location=None):
        cls.env["stock.quant"]._update_available_quantity(product, location or cls.warehouse.lot_stock_id, quantity)


def clear_for_golive(channel, manager, reason="Covered by this addon's own acceptance tests"):
    """A manager's override of the go-live check, through its wizard (the guard itself is tested in
    test_golive.py). Call it right before ``action_go_live``: a later configuration change makes it stale."""
    form = Form(channel.env(user=manager)["integration.golive.override"].with_context(default_channel_id=channel.id))
    form.reason = reason
    form.save().action_confirm()

"""Clients and accounting in the role table (README "Roles", "Clients and accounting"): administrators make a
partner a client and choose its mode; every hub role reads order amounts and the variance report; Finance
reads the credit notes the hub prepares; nobody writes a report or posts a credit note from the hub."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import CatalogMixin, HubFactoryMixin
from .role_matrix import ADMINS, FINANCE, NOBODY, READERS, RoleMatrixMixin, Row


def grouped(env, record, measures, groupby):
    """A pivot as the web client reads it (read_group); the record's group must be among the rows."""
    rows = env[record._name].read_group([("id", "=", record.id)], measures, groupby, lazy=False)
    if not rows or not rows[0]["__count"]:
        raise AccessError(f"{record._name} {record.id} is not in this user's report")
    return rows


CLIENT_MATRIX = [
    Row(
        "Clients: make a partner a client and choose its accounting mode",
        ADMINS,
        lambda t, env: t.merchant.with_env(env).write({"hub_client": True, "hub_accounting_mode": "fulfilment"}),
        lambda t: t.merchant.hub_client,
    ),
    Row(
        "Clients: change a client's accounting mode",
        ADMINS,
        lambda t, env: t.client.with_env(env).write({"hub_accounting_mode": "own_sales"}),
        lambda t: t.client.hub_accounting_mode == "own_sales",
    ),
    Row(
        "Channels: give a channel to another client",
        ADMINS,
        lambda t, env: t.channel.with_env(env).write({"client_id": t.client.id}),
        lambda t: t.channel.client_id == t.client,
    ),
    Row(
        "Products: give a product to a client",
        ADMINS,  # Odoo's product rights (the README's admin is also Inventory administrator)
        lambda t, env: t.mug.product_tmpl_id.with_env(env).write({"hub_client_id": t.client.id}),
        lambda t: t.mug.hub_client_id == t.client,
    ),
    Row(
        "Order amounts: open the pivot by client, channel and month",
        READERS,
        lambda t, env: grouped(
            env, t.order, ["amount_total:sum", "amount_tax:sum"], ["client_id", "channel_id", "placed_month:month"]
        ),
    ),
    Row("Order amounts: open an order's Amounts tab", READERS, lambda t, env: t.open_form(env, t.order)),
    Row(
        "Order amounts: change an order's amounts by hand",
        NOBODY,
        lambda t, env: t.order.with_env(env).write({"amount_total": 1.0}),
        lambda t: t.order.amount_total == 1.0,
    ),
    Row(
        "Inventory variance: open the report by reason and client",
        READERS,
        lambda t, env: grouped(env, t.correction, ["variance:sum", "value:sum"], ["client_id", "kind"]),
    ),
    Row(
        "Inventory variance: write a row",
        NOBODY,
        lambda t, env: t.correction.with_env(env).write({"reason": "changed"}),
    ),
    Row(
        "Credit notes: read the draft credit note of a return",
        frozenset({FINANCE}),
        lambda t, env: t.credit_note.with_env(env).read(["name", "amount_total", "state"]),
    ),
    Row(
        "Credit notes: post a draft credit note",
        NOBODY,
        lambda t, env: t.credit_note.with_env(env).action_post(),
        lambda t: t.credit_note.state == "posted",
    ),
]


@tagged("post_install", "-at_install")
class TestClientRoleMatrix(RoleMatrixMixin, HubFactoryMixin, CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.setup_roles()
        env = cls.env
        Partner = env["res.partner"]
        cls.merchant = Partner.create({"name": "Gamma Moda S.L.", "is_company": True, "company_id": cls.company.id})
        cls.client = Partner.create(
            {
                "name": "Alfa Tienda S.L.",
                "is_company": True,
                "company_id": cls.company.id,
                "hub_client": True,
                "hub_accounting_mode": "fulfilment",
            }
        )
        cls.mug.company_id = cls.company  # our product: another company's administrator never sees it
        env["stock.quant"]._update_available_quantity(cls.mug, cls.warehouse.lot_stock_id, 5)
        data = cls.order_payload("AMT-1", currency="EUR", total="12.10")["data"]
        Event = env["integration.event"]
        event_id, _created = Event._receive(cls.channel, "m-amounts", "order.created", data)
        Event.browse(event_id)._process()
        cls.order = env["integration.channel.order"].search([("external_id", "=", "AMT-1")])
        env["integration.inventory.reconcile"]._apply_count(cls.mug, cls.warehouse.lot_stock_id, 3, "miscount")
        cls.correction = env["integration.inventory.correction"].search([("product_id", "=", cls.mug.id)])
        cls.credit_note = env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": cls.order.sale_order_id.partner_id.id,
                "invoice_line_ids": [(0, 0, {"product_id": cls.mug.id, "quantity": 1, "price_unit": 10.0})],
            }
        )

    def test_fixtures_are_what_the_rows_expect(self):
        self.assertEqual((self.order.amount_total, self.order.state), (12.1, "accepted"))
        self.assertEqual(len(self.correction), 1)
        self.assertEqual(self.credit_note.state, "draft")

    def test_client_role_matrix(self):
        self.check_matrix(CLIENT_MATRIX)

"""Onboarding, "map your flow" (issue 21): the seed's checklist as a wizard that creates a client's draft
channels, and the client's integration map as a real PDF (wkhtmltopdf, read back with poppler's pdftotext)."""

import shutil
import subprocess
import tempfile
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from ..lib import order_states, return_states
from .common import HubFactoryMixin
from .role_matrix import MANAGERS, RoleMatrixMixin, Row


def pdf_text(pdf):
    """The PDF's text as pdftotext reads it, whitespace collapsed (table cells wrap)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        done = subprocess.run(  # noqa: S603 - fixed program, a file of this test
            [shutil.which("pdftotext"), handle.name, "-"], capture_output=True, check=True, timeout=60
        )
    return " ".join(done.stdout.decode().split())


def onboard(case, env, lines, code_prefix="SOL", **answers):
    """A manager's pass through the wizard: each step filled in its form view, then Next; returns the wizard
    at the review step."""
    form = Form(env["integration.onboarding"])
    form.client_id = case.client
    for name, code, role, owners in lines:
        with form.line_ids.new() as line:
            line.name, line.code, line.role = name, f"{code_prefix}-{code}", role
            for field, value in owners.items():
                setattr(line, field, value)
    wizard = form.save()
    for step_values in answers.get("steps", [{}] * 5):
        wizard.action_next()
        step = Form(wizard)
        for field, value in step_values.items():
            if field == "method_ids":
                for method, level in value:
                    with step.method_ids.new() as row:
                        row.method, row.service_level_id = method, level
            else:
                setattr(step, field, value)
        step.save()
    wizard.action_next()
    return wizard


ONBOARDING_MATRIX = [
    Row(
        "Onboarding: map a client's flow and create its draft channels",
        MANAGERS,
        lambda t, env: onboard(t, env, [("Sol shop", "SHOP", "shop", {})], code_prefix="MX").action_create_channels(),
        # in this company (another company's administrator onboards in their own company, never in this one)
        lambda t: t.env["integration.channel"].search(
            [("code", "=", "MX-SHOP"), ("state", "=", "draft"), ("company_id", "=", t.company.id)]
        ),
    ),
    Row(
        "Onboarding: print a client's integration map",
        MANAGERS,
        lambda t, env: t.print_map(env),
        lambda t: "MAP-SHOP" in t.printed,
    ),
]


@tagged("post_install", "-at_install")
class TestOnboarding(RoleMatrixMixin, HubFactoryMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_roles()
        cls.client = cls.env["res.partner"].create({"name": "Tienda Sol", "is_company": True})
        cls.express = cls.env["integration.service.level"].create({"name": "Express 24h", "code": "express_sol"})
        cls.spain = cls.env.ref("base.es")

    def print_map(self, env):
        """The print menu's 'Integration map' on the client (its HTML: the PDF is wkhtmltopdf's print of it)."""
        self.printed = ""
        html, _kind = env["ir.actions.report"]._render_qweb_html(
            "integration_hub.action_report_integration_map", self.client.ids
        )
        self.printed = html.decode()

    def test_role_matrix(self):
        self.make_channel("Sol map shop", "MAP-SHOP", client_id=self.client.id, state="draft")
        self.check_matrix(ONBOARDING_MATRIX)
        # an RPC client naming another company's warehouse gets no channel there
        other_warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.other_company.id)], limit=1)
        self.assertTrue(other_warehouse)
        wizard = (
            self.env["integration.onboarding"]
            .with_user(self.user_manager)
            .create(
                {
                    "client_id": self.client.id,
                    "company_id": self.other_company.id,
                    "warehouse_id": other_warehouse.id,
                    "line_ids": [(0, 0, {"name": "Sneaky", "code": "SNEAKY", "role": "shop"})],
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "only in the companies you work in"):
            wizard.action_create_channels()
        self.assertFalse(self.env["integration.channel"].search([("code", "=", "SNEAKY")]))

    @freeze_time("2026-11-30 09:00:00")
    def test_manager_maps_the_flow_then_prints_the_map(self):
        manager = self.env(user=self.user_manager)
        steps = [
            {"sku_identifier": "gtin", "sells_kits": True, "kit_handling": "bom", "sku_changes_planned": True},
            {
                "valid_to_pick_trigger": "address_validated",
                "edit_cutoff_state": "validated",
                "partial_policy": "backorder",
            },
            {"publish_interval_minutes": 15, "safety_buffer": 2, "inventory_share_pct": 80},
            {"default_service_level_id": self.express, "method_ids": [("Envío urgente", self.express)]},
            {"vat_required_country_ids": self.spain, "notes": "Fragile: glass"},
        ]
        # the shop claims the catalog like the ERP, and nobody said who owns the shop's returns
        wizard = onboard(
            self,
            manager,
            [
                ("Sol shop", "SHOP", "shop", {"catalog_owner": "channel", "return_owner": False}),
                ("Sol ERP", "ERP", "erp", {}),
                ("Sol shop again", "SHOP", "shop", {}),
            ],
            steps=steps,
        )
        self.assertEqual(wizard.step, "review")
        self.assertIn("Catalog has 2 owners: Sol shop, Sol ERP", wizard.findings)
        self.assertIn("Return of 'Sol shop' has no owner.", wizard.findings)
        self.assertIn("Code 'SOL-SHOP' is used by two rows", wizard.findings)
        with self.assertRaisesRegex(UserError, "Close these ownership questions first"):
            wizard.action_create_channels()
        self.assertFalse(self.env["integration.channel"].search([("client_id", "=", self.client.id)]))

        wizard.action_back()  # back to the first step through every page
        for _step in range(5):
            wizard.action_back()
        self.assertEqual(wizard.step, "stack")
        with Form(wizard) as form:
            form.line_ids.remove(2)
            with form.line_ids.edit(0) as shop:
                shop.catalog_owner, shop.return_owner = "warehouse", "channel"
        for _step in range(6):
            wizard.action_next()
        self.assertEqual(wizard.findings, "Every object has exactly one owner.")
        wizard.action_create_channels()

        shop, erp = wizard.channel_ids.sorted("code")[::-1]
        self.assertEqual((shop.code, erp.code), ("SOL-SHOP", "SOL-ERP"))
        self.assertEqual(set(wizard.channel_ids.mapped("state")), {"draft"})
        self.assertEqual(wizard.channel_ids.client_id, self.client)
        self.assertEqual(
            [erp.order_owner, erp.catalog_owner, erp.inventory_owner, shop.catalog_owner, shop.return_owner],
            ["channel", "channel", "warehouse", "warehouse", "channel"],
        )
        self.assertEqual(shop.valid_to_pick_trigger, "address_validated")
        self.assertEqual((shop.edit_cutoff_state, shop.partial_policy), ("validated", "backorder"))
        self.assertEqual((shop.publish_interval_minutes, shop.safety_buffer, shop.inventory_share_pct), (15, 2, 80))
        self.assertEqual(shop.default_service_level_id, self.express)
        self.assertEqual(shop.shipping_method_ids.mapped("method"), ["Envío urgente"])
        self.assertEqual(shop.vat_required_country_ids, self.spain)
        self.assertIn("SKUs identified by: GTIN / EAN", self.client.hub_onboarding_answers)
        logged = self.env["integration.audit.log"].search(
            [("action", "=", "config_change"), ("res_id", "in", wizard.channel_ids.ids)]
        )
        self.assertEqual(logged.user_id, self.user_manager)
        self.assertEqual(len(logged), 2)

        # the map, rendered for real by wkhtmltopdf as the manager prints it
        report = self.env["ir.actions.report"].with_user(self.user_manager)
        with patch("odoo.modules.module.current_test", None):
            pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
                "integration_hub.action_report_integration_map", self.client.ids
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = pdf_text(pdf)
        self.assertIn("Integration map: Tienda Sol", text)
        self.assertIn("Every object has exactly one owner.", text)
        self.assertIn("Catalog: owned by Sol ERP.", text)
        self.assertIn("Inventory: owned by the warehouse (this Odoo).", text)
        self.assertIn("Sol ERP: owns the catalog but has sent no product master yet.", text)
        self.assertIn("Sol ERP: draft, run the go-live check and put it live.", text)
        self.assertIn("Sol shop: no credential stored yet", text)
        self.assertIn("/integration_hub/v1/webhooks/<token of SOL-SHOP>", text)
        self.assertIn("Envío urgente Express 24h", text)
        self.assertIn("a VAT id for deliveries to ES", text)
        self.assertIn("Sells bundles or kits: yes", text)
        # every guard comes from the state tables, as written there
        for guard in (
            order_states.TRANSITIONS[(order_states.PACKED, order_states.DISPATCHED)],
            return_states.TRANSITIONS[next(iter(return_states.TRANSITIONS))],
        ):
            self.assertIn(" ".join(guard.split()), text)
        for threshold in (
            "Stuck Picking Hours 4 4",
            "Carrier Receipt Hours 24 24",
            "SKU transition window (days) 30 30",
        ):
            self.assertIn(threshold, text)
        self.assertIn("Divergence threshold (%) 5 5", text)

    def test_tour_onboarding_wizard(self):
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_channel",
            "integration_hub_onboarding_tour",
            login="hub_manager",
        )
        channel = self.env["integration.channel"].search([("code", "=", "SOL-TOUR")])
        self.assertEqual((channel.state, channel.client_id, channel.order_owner), ("draft", self.client, "channel"))

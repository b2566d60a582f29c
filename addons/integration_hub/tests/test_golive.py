"""The go-live check (issue 21): the seed's six acceptance tests run on a channel inside a savepoint that is
rolled back; the go-live guard and the manager's override."""

import base64
import os
import unittest
from pathlib import Path

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, TransactionCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import HubFactoryMixin
from .role_matrix import MANAGERS, NOBODY, RoleMatrixMixin, Row

LEFT_BEHIND = (
    "integration.channel.order",
    "sale.order",
    "stock.picking",
    "stock.move",
    "stock.quant",
    "integration.job",
    "integration.event",
    "integration.sync.exception",
    "integration.return",
    "product.product",
    "mrp.bom",
)


def counts(env):
    return {model: env[model].sudo().with_context(active_test=False).search_count([]) for model in LEFT_BEHIND}


def run_check(channel, env):
    """The 'Go-live check' button as the user of ``env``; returns the result record the button opens."""
    action = channel.with_env(env).action_run_golive_check()
    return env["integration.golive.check"].browse(action["res_id"])


def override(channel, env, reason):
    """The 'Override go-live check' wizard filled in through its form."""
    form = Form(env["integration.golive.override"].with_context(default_channel_id=channel.id))
    form.reason = reason
    form.save().action_confirm()


@tagged("post_install", "-at_install")
class TestGoliveCheck(RoleMatrixMixin, HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_roles()
        cls.channel.state = "draft"

    @freeze_time("2026-11-27 09:00:00")
    def test_all_six_pass_and_nothing_stays(self):
        before = counts(self.env)
        check = run_check(self.channel, self.env(user=self.user_manager))
        self.assertEqual(counts(self.env), before, "orders, moves, jobs, exceptions: all rolled back")
        evidence = {line.test: line.evidence for line in check.line_ids}
        self.assertEqual(
            list(evidence),
            ["order_flow", "inventory_sync", "variant_order", "kit_order", "partial_order", "return_flow"],
        )
        self.assertTrue(check.passed, "\n".join(f"{k}: {v}" for k, v in evidence.items()))
        self.assertEqual((check.user_id, check.summary), (self.user_manager, "6 of 6 tests passed"))
        # the generic platform has no fulfillment message: the dispatched order status carries the tracking
        self.assertIn("order_status job (not sent)", evidence["order_flow"])
        self.assertIn('"status": "dispatched"', evidence["order_flow"])
        self.assertRegex(evidence["order_flow"], r"tracking GOLIVE\w+")
        self.assertRegex(evidence["inventory_sync"], r'10 -> 17: inventory job \(not sent\): .*"GL\w+-PLAIN": 17')
        self.assertIn("interval 30 min, within the 60 min window", evidence["inventory_sync"])
        self.assertIn("M 5 -> 3, S untouched at 5", evidence["variant_order"])
        self.assertIn("Policy 'Hold the whole order': held", evidence["partial_order"])
        self.assertIn("restocked: stock 9.0 -> 10.0", evidence["return_flow"])
        # the guard: the passed check lets an administrator put the channel live
        self.channel.with_user(self.user_admin).action_go_live()
        self.assertEqual(self.channel.state, "live")

    @freeze_time("2026-11-27 09:00:00")
    def test_a_misconfigured_channel_fails_with_evidence_and_cannot_go_live(self):
        self.channel.write({"send_order_status": False})
        check = run_check(self.channel, self.env(user=self.user_manager))
        failed = check.line_ids.filtered(lambda line: not line.passed)
        self.assertFalse(check.passed)
        self.assertEqual(failed.mapped("test"), ["order_flow"])
        self.assertIn("nothing would tell the channel it shipped", failed.evidence)
        self.assertIn("'Send order status'", failed.evidence)
        self.assertIn("Platform 'generic' does not declare fulfillment with tracking", failed.evidence)
        with self.assertRaisesRegex(UserError, "latest go-live check did not pass"):
            self.channel.with_user(self.user_admin).action_go_live()
        self.assertEqual(self.channel.state, "draft")

        # fixed: passes; a configuration change afterwards makes the check stale again
        self.channel.write({"send_order_status": True})
        self.assertTrue(run_check(self.channel, self.env(user=self.user_manager)).passed)
        self.channel.write({"partial_policy": "backorder"})
        with self.assertRaisesRegex(UserError, "before the last configuration change"):
            self.channel.with_user(self.user_admin).action_go_live()

    def test_override_needs_a_reason_and_is_audited(self):
        with self.assertRaisesRegex(UserError, "never run"):
            self.channel.with_user(self.user_admin).action_go_live()
        form = Form(
            self.env(user=self.user_manager)["integration.golive.override"].with_context(
                default_channel_id=self.channel.id
            )
        )
        with self.assertRaises(AssertionError):  # the reason is required
            form.save()
        override(self.channel, self.env(user=self.user_manager), "Sandbox down; tested by hand with the client")
        self.assertEqual(self.channel.state, "draft", "a manager overrides; an administrator puts it live")
        entry = self.env["integration.audit.log"].search([("channel_id", "=", self.channel.id)], limit=1)
        self.assertEqual((entry.action, entry.user_id), ("config_change", self.user_manager))
        self.assertIn("Go-live check overridden: Sandbox down", entry.reason)
        self.channel.with_user(self.user_admin).action_go_live()
        self.assertEqual(self.channel.state, "live")

    def test_role_matrix(self):
        self.check_matrix(
            [
                Row(
                    "Channel: run the go-live check",
                    MANAGERS,
                    lambda t, env: run_check(t.channel, env),
                ),
                Row(
                    "Channel: override the go-live check (with a reason)",
                    MANAGERS,
                    lambda t, env: override(t.channel, env, "tested by hand"),
                    lambda t: t.env["integration.golive.check"].search(
                        [("channel_id", "=", t.channel.id), ("kind", "=", "override")]
                    ),
                ),
                Row(
                    "Go-live check: write a result by hand",
                    NOBODY,
                    lambda t, env: env["integration.golive.check"].create(
                        {"channel_id": t.channel.id, "user_id": env.uid, "passed": True}
                    ),
                ),
            ]
        )


@tagged("post_install", "-at_install")
class TestGoliveTour(HubFactoryMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.channel.state = "draft"

    def test_manager_runs_the_check_and_reads_the_result(self):
        self.start_tour(
            f"/odoo/action-integration_hub.action_integration_channel/{self.channel.id}",
            "integration_hub_golive_tour",
            login="hub_manager",
        )
        check = self.env["integration.golive.check"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual((len(check), check.passed, check.user_id), (1, True, self.user_manager))

    @unittest.skipUnless(os.environ.get("HUB_SCREENSHOTS"), "writes the README's screenshot: HUB_SCREENSHOTS=1")
    def test_readme_screenshot(self):
        check = run_check(self.channel, self.env(user=self.user_manager))
        browser = ChromeBrowser(self)
        try:
            self.authenticate("hub_manager", "hub_manager", browser=browser)
            self.cr.flush()
            self.cr.clear()
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            )
            browser.navigate_to(
                self.base_url() + f"/odoo/action-integration_hub.action_integration_golive_check/{check.id}",
                wait_stop=True,
            )
            self.assertTrue(browser._wait_ready("document.querySelector('.o_golive_lines') !== null"))
            browser._wait_ready("new Promise((resolve) => setTimeout(() => resolve(true), 800))")
            data = browser._websocket_request("Page.captureScreenshot")["data"]
        finally:
            browser.stop()
            self._wait_remaining_requests()
        folder = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
        (folder / "golive_result.png").write_bytes(base64.b64decode(data))

"""The control tower (issue 21): the overview and its history, exceptions acted on where they are read,
Force state limited to the lifecycle table, and the hub's own texts in the reader's language."""

import base64
import os
import unittest
from pathlib import Path

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import code_translations

from ..lib.durations import format_duration
from .common import CatalogMixin, HubFactoryMixin
from .order_common import OrderCase
from .role_matrix import ADMINS, MANAGERS, READERS, RoleMatrixMixin, Row


def overview_figure(case, env, figure):
    """A click on one figure of the overview card: the records behind it, as the user of ``env``."""
    action = case.channel.with_env(env).with_context(overview=figure).action_overview_open()
    return env[action["res_model"]].search(action["domain"])


def open_overview(case, env):
    """The app's landing page as the web client loads it: the kanban view and its cards' figures."""
    action = env["ir.actions.act_window"]._for_xml_id("integration_hub.action_integration_overview")
    Channel = env["integration.channel"]
    Channel.get_views([(action["view_id"][0], "kanban")])
    domain = [("id", "=", case.channel.id), *safe_eval(action["domain"])]
    cards = Channel.web_search_read(domain, {"overview_on_hold": {}, "overview_order_lag": {}})["records"]
    return listed(cards)


def listed(rows):
    """The rows a user sees; none (another company's records): refused, as role_matrix.open_list says."""
    if not rows:
        raise AccessError("not listed for this user")
    return rows


def release_from_exception(case, env):
    case.exc_hold.with_env(env).action_release_order()


def retry_from_exception(case, env):
    case.exc_failed_event.with_env(env).action_retry()


def map_sku_from_exception(case, env):
    action = case.exc_unknown_sku.with_env(env).action_map_unknown_code()
    form = Form(env[action["res_model"]].with_context(**action["context"]))
    form.product_id = case.cap.with_env(env)
    form.save()


def reconcile_from_exception(case, env):
    action = case.exc_divergence.with_env(env).action_reconcile()
    form = Form(env[action["res_model"]].with_context(**action["context"]))
    form.counted_qty = 5
    form.reason = "miscount"
    form.save().action_apply()


def bulk_decide(case, env):
    exceptions = case.exc_other
    action = env["ir.actions.act_window"]._for_xml_id("integration_hub.action_integration_exception_bulk_decide")
    context = {"active_model": exceptions._name, "active_ids": exceptions.ids}
    form = Form(env[action["res_model"]].with_context(**context))
    form.decision = "Duplicates of one shop outage, checked with the client"
    form.save().action_confirm()


def resolved(exceptions):
    return lambda case: all(state == "resolved" for state in exceptions(case).mapped("state"))


class TowerRecordsMixin:
    @classmethod
    def setup_tower_records(cls):
        """On 27 November: an order on hold now ready to release, a failed message, an unknown SKU in a
        stock report, a divergence on the mug, and three exceptions of one outage."""
        env = cls.env
        Exception_ = env["integration.sync.exception"]
        with freeze_time("2026-11-27 08:00:00"):
            # an order on hold whose data is now complete (ready to release)
            data = cls.order_payload("T-HOLD")["data"]
            cls.receive(dict(data, shipping_address=dict(data["shipping_address"], zip="")), "order.created", "h1")
            cls.receive(dict(data, updated_at="2026-11-20T12:00:00+01:00"), "order.updated", "h2")
            cls.order_held = env["integration.channel.order"].search([("external_id", "=", "T-HOLD")])
            cls.exc_hold = Exception_._open_about(cls.order_held, "invalid_order")
            # a message of an unknown type (failed), a stock report naming an unknown SKU
            cls.event_failed = cls.receive({"id": "x"}, "nonsense.type", "f1")
            cls.exc_failed_event = Exception_.search([("event_id", "=", cls.event_failed.id)])
            cls.receive({"sku": "CAP-OLD", "quantity": 4}, "inventory.reported", "u1")
            cls.exc_unknown_sku = Exception_.search([("dedupe_key", "like", "unknown-skus:%")])
            cls.cap = env["product.product"].create({"name": "Cap", "default_code": "CAP-1", "is_storable": True})
            # the channel shows 3 mugs where the warehouse published 50: a divergence
            cls.channel._publish_inventory()
            cls.level = env["integration.inventory.level"].search(
                [("channel_id", "=", cls.channel.id), ("product_id", "=", cls.mug.id)]
            )
            cls.level.sudo().write({"reported_qty": 3, "divergence_pct": 94.0})
            cls.level._open_divergence_exception(cls.channel, 3, 50, 94.0)
            cls.exc_divergence = Exception_._open_about(cls.level, "inventory_mismatch")
            env["integration.channel.health"]._count_rejection(cls.channel)
            env["integration.monitoring.sample"]._cron_sample_monitoring()
            cls.exc_other = Exception_.browse(
                [
                    Exception_._open("other", f"Shop outage {n}", "Check with the shop.", record=cls.channel).id
                    for n in range(3)
                ]
            )

    @classmethod
    def receive(cls, data, event_type, key):
        Event = cls.env["integration.event"]
        event_id, _created = Event._receive(cls.channel, f"tower-{key}", event_type, data)
        Event.browse(event_id)._process()
        return Event.browse(event_id)


@tagged("post_install", "-at_install")
class TestControlTower(TowerRecordsMixin, RoleMatrixMixin, OrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_roles()
        cls.setup_tower_records()

    def test_fixtures(self):
        self.assertEqual((self.order_held.state, self.order_held.ready_to_release), ("on_hold", True))
        for exception in (self.exc_hold, self.exc_failed_event, self.exc_unknown_sku, self.exc_divergence):
            self.assertEqual((len(exception), exception.state), (1, "open"))
        self.assertEqual(self.exc_unknown_sku.unknown_codes, "CAP-OLD")

    # --- overview --------------------------------------------------------------------------------
    def test_overview_figures_open_the_records_behind_them(self):
        # create_date is the transaction's clock, not freezegun's: all were opened on 27 November
        self.env.cr.execute(
            "UPDATE integration_sync_exception SET create_date = '2026-11-27 08:00:00' WHERE channel_id = %s",
            [self.channel.id],
        )
        self.env.invalidate_all()
        with freeze_time("2026-11-30 09:00:00"):
            env = self.env(user=self.user_manager)
            channel = self.channel.with_env(env)
            self.assertEqual(channel.overview_on_hold, 1)
            # a ship-by date within the channel's own warning hours (6 h) is near; one beyond is not
            self.order_held.sudo().write({"ship_by": "2026-11-30 14:00:00"})
            channel.invalidate_recordset()
            self.assertEqual(channel.overview_deadline, 1)
            self.assertEqual(overview_figure(self, env, "deadline"), self.order_held.with_env(env))
            self.order_held.sudo().write({"ship_by": "2026-11-30 16:00:00"})
            channel.invalidate_recordset()
            self.assertEqual(channel.overview_deadline, 0)
            self.assertEqual(overview_figure(self, env, "on_hold"), self.order_held.with_env(env))
            by_state = self.channel.with_env(env).with_context(overview="orders").action_overview_open()
            self.assertEqual(by_state["context"]["group_by"], ["state"])
            open_count = self.env["integration.sync.exception"].search_count(
                [("channel_id", "=", self.channel.id), ("state", "=", "open")]
            )
            self.assertEqual(channel.overview_queue_depth, open_count)
            # everything was opened on 27 November: three days and one hour ago, "over 3 days"
            self.assertEqual((channel.overview_exceptions_new, channel.overview_exceptions_old), (0, open_count))
            self.assertEqual(len(overview_figure(self, env, "exceptions_old")), open_count)
            self.assertIn("Inventory divergence: 2", channel.overview_exception_types)
            self.assertEqual(channel.overview_divergence_pct, 94.0)
            self.assertTrue(channel.overview_divergence_alert)
            self.assertEqual(overview_figure(self, env, "divergence"), self.level.with_env(env))
            self.assertEqual(channel.overview_order_lag_limit, "2 h")
            self.assertTrue(channel.overview_last_publication_at)
            open_overview(self, env)

    def test_durations_read_in_minutes_hours_and_days(self):
        self.assertEqual(
            [format_duration(s) for s in (0, 59, 600, 3600, 5400, 47 * 3600, 528824 * 60, None)],
            ["0 min", "1 min", "10 min", "1 h", "1 h 30 min", "47 h", "367 d 5 h", ""],
        )
        # placed 20 Nov 10:00 (+01:00), received 27 Nov 08:00 UTC: 7 days minus one hour late
        self.assertEqual(self.order_held.lag_received_display, "6 d 23 h")
        # the hourly alert reads the lag as a duration too (not "10020 min")
        self.channel.monitor_order_lag_minutes = 60
        with freeze_time("2026-11-27 08:30:00"):
            self.channel._cron_monitor_health()
        alert = self.env["integration.sync.exception"].search([("exception_type", "=", "monitoring")])
        self.assertIn("6 d 23 h (threshold 1 h)", alert.description)

    def test_monitoring_history_one_sample_per_channel_and_hour(self):
        Sample = self.env["integration.monitoring.sample"]
        with freeze_time("2026-11-27 08:40:00"):
            for _n in range(6):
                self.env["integration.channel.health"]._count_rejection(self.channel)
            Sample._cron_sample_monitoring()
            Sample._cron_sample_monitoring()  # run twice in one hour: the sample is redone, not doubled
        with freeze_time("2026-11-28 09:10:00"):
            Sample._cron_sample_monitoring()
        samples = Sample.search([("channel_id", "=", self.channel.id)], order="sampled_at")
        self.assertEqual(len(samples), 2)
        first = samples[0]
        self.assertEqual(str(first.sampled_at), "2026-11-27 08:00:00")
        # rejected / (rejected + accepted webhooks) over the hour
        received = self.env["integration.event"].search_count(
            [("channel_id", "=", self.channel.id), ("source", "=", "webhook")]
        )
        self.assertEqual(first.webhooks_rejected, 7)  # and the one of the fixtures
        self.assertAlmostEqual(first.failed_webhook_pct, 700.0 / (7 + received), places=2)
        self.assertEqual(first.divergence_pct, 94.0)
        self.assertEqual((first.divergence_limit, first.queue_depth_limit), (5.0, 25))
        self.assertEqual(samples[1].webhooks_rejected, 0, "yesterday's rejections are not today's")
        # the graph over days, as the overview's History button opens it
        env = self.env(user=self.user_operations)
        action = self.channel.with_env(env).with_context(overview="history").action_overview_open()
        self.assertEqual(action["views"][0][1], "graph")
        env["integration.monitoring.sample"].get_views([(False, "graph"), (False, "pivot")])
        groups = env["integration.monitoring.sample"].read_group(
            action["domain"], ["queue_depth:max"], ["sampled_at:day"]
        )
        self.assertEqual(len(groups), 2)

    # --- exceptions acted on where they are read ---------------------------------------------------
    def test_each_type_offers_its_action_and_doing_it_decides(self):
        manager = self.env(user=self.user_manager)
        release_from_exception(self, manager)
        self.assertEqual(self.order_held.state, "accepted")
        self.assertEqual(self.exc_hold.state, "resolved")
        self.assertIn("Released by Mario Manager", self.exc_hold.decision)

        retry_from_exception(self, manager)
        self.assertEqual((self.event_failed.state, self.exc_failed_event.state), ("received", "resolved"))
        self.assertIn("sent through the inbox again by Mario Manager", self.exc_failed_event.decision)

        action = self.exc_divergence.with_env(manager).action_reconcile()
        self.assertEqual(action["context"]["default_product_id"], self.mug.id)
        self.assertIn("reported 3", action["context"]["default_note"])
        reconcile_from_exception(self, manager)
        self.assertEqual(self.exc_divergence.state, "resolved")
        self.assertIn("Counted 5", self.exc_divergence.decision)

        map_sku_from_exception(self, self.env(user=self.user_admin))
        equivalence = self.env["integration.sku.equivalence"].search([("old_code", "=", "CAP-OLD")])
        self.assertEqual(equivalence.product_id, self.cap)
        self.assertEqual(self.exc_unknown_sku.state, "resolved")
        self.assertIn("CAP-OLD -> [CAP-1] Cap", self.exc_unknown_sku.decision)
        audit = self.env["integration.audit.log"].search(
            [("action", "=", "exception_decision"), ("res_id", "in", (self.exc_hold | self.exc_divergence).ids)]
        )
        self.assertEqual(len(audit), 2)

    def test_the_same_cause_is_counted_on_one_exception(self):
        Exception_ = self.env["integration.sync.exception"]
        with freeze_time("2026-11-27 09:00:00"):
            first = Exception_._open("other", "Feed late", "Wait.", record=self.channel, dedupe_key="late-feed")
        with freeze_time("2026-11-27 10:30:00"):
            again = Exception_._open("other", "Feed late", "Wait.", record=self.channel, dedupe_key="late-feed")
        self.assertEqual(again, first)
        self.assertEqual((first.occurrences, str(first.last_seen_at)), (2, "2026-11-27 10:30:00"))

    def test_a_transfer_exception_shows_on_its_order(self):
        order = self.order_held
        self.order_held.with_user(self.user_manager).action_release()
        picking = order.picking_ids[:1]
        exception = self.env["integration.sync.exception"]._open(
            "other", "No carrier rule for this parcel", "Add a carrier rule.", record=picking, channel=self.channel
        )
        self.assertIn(exception, order.exception_ids)
        self.assertEqual(exception.order_id, order)
        action = order.with_user(self.user_operations).action_view_order_exceptions()
        self.assertIn(exception.id, action["domain"][0][2])

    def test_bulk_decide_one_decision_many_exceptions_audited(self):
        bulk_decide(self, self.env(user=self.user_manager))
        self.assertEqual(set(self.exc_other.mapped("state")), {"resolved"})
        audit = self.env["integration.audit.log"].search(
            [("action", "=", "exception_decision"), ("res_id", "in", self.exc_other.ids)]
        )
        self.assertEqual(len(audit), 3)
        self.assertEqual(set(audit.mapped("reason")), {"Duplicates of one shop outage, checked with the client"})

    # --- force state ----------------------------------------------------------------------------
    def test_force_state_offers_only_the_lifecycle_and_names_the_evidence(self):
        Wizard = self.env["integration.order.force.state"].with_user(self.user_manager)
        offered = Wizard.with_context(default_order_id=self.order_held.id).fields_get(["target_state"])
        self.assertEqual([state for state, _label in offered["target_state"]["selection"]], ["received", "cancelled"])
        form = Form(Wizard.with_context(default_order_id=self.order_held.id))
        self.assertIn("Received: a manager's release decision", form.bypassed_evidence)
        wizard = Wizard.create({"order_id": self.order_held.id, "target_state": "packed", "reason": "x"})
        with self.assertRaisesRegex(Exception, "does not allow packed from on_hold"):
            wizard.action_confirm()
        self.assertEqual(self.order_held.state, "on_hold")

    # --- the reader's language ------------------------------------------------------------------
    def test_a_spanish_user_reads_the_hubs_texts_in_spanish(self):
        self.env["res.lang"]._activate_lang("es_ES")
        spanish = new_test_user(
            self.env, "hub_es", groups="integration_hub.group_hub_manager", name="Sara Sánchez", lang="es_ES"
        )
        with freeze_time("2026-11-27 08:00:00"):
            _event, order = self.ingest(
                self.order_data(
                    "S1",
                    lines=[{"id": "1", "sku": "MUG-001", "quantity": 1}, {"id": "2", "sku": "TSHIRT-S", "quantity": 1}],
                )
            )
            self.chain(order)["out"].move_line_ids[:1].picked = True
        with freeze_time("2026-11-27 12:01:00"):
            # the cron runs as OdooBot, in English
            self.env["integration.channel.order"].with_context(lang="en_US")._cron_check_stuck_picking()
        stuck = self.open_exceptions(order, "stuck_picking")
        self.assertEqual(stuck.with_context(lang="en_US").name, "Order #S1: no pick activity for 4.0 h")
        as_spanish = stuck.with_user(spanish).with_context(lang="es_ES")
        self.assertNotEqual(as_spanish.name, stuck.with_context(lang="en_US").name)
        self.assertIn("#S1", as_spanish.name)
        self.assertIn("cola de preparación", as_spanish.description)
        # an order held by the hub (in English): its summary and its reasons, each found again in Spanish
        _event, held = self.ingest(self.order_data("S2", shipping_address={"country_code": "XX"}))
        hold = self.open_exceptions(held, "invalid_order")
        self.assertIn("country code 'XX' is unknown", hold.with_context(lang="en_US").description)
        hold_es = hold.with_user(spanish).with_context(lang="es_ES")
        self.assertEqual(hold_es.name, "El pedido #S2 está retenido: faltan datos o no son válidos")
        self.assertIn("el código de país 'XX' es desconocido", hold_es.description)
        self.assertNotIn("is unknown", hold_es.description)
        # the channel corrects the order: the summary changes in every language, not only in English
        self.ingest(self.order_data("S2", updated_at="2026-11-20T12:00:00+01:00"), kind="updated")
        self.env.invalidate_all()
        self.assertEqual(hold.with_context(lang="en_US").name, "Order #S2: data now complete — ready to release")
        self.assertEqual(hold_es.name, "Pedido #S2: datos ya completos, listo para liberar")
        spanish_source = code_translations.get_python_translations("integration_hub", "es_ES")
        expected = spanish_source["Order %(order)s: no pick activity for %(hours)s h"] % {"order": "#S1", "hours": 4.0}
        self.assertEqual(as_spanish.name, expected)

    # --- who may ------------------------------------------------------------------------------
    def test_role_matrix(self):
        self.check_matrix(
            [
                Row("Overview: open the landing page", READERS, open_overview),
                Row(
                    "Overview: a figure opens its records",
                    READERS,
                    lambda t, env: listed(overview_figure(t, env, "on_hold")),
                ),
                Row(
                    "Monitoring history: open the graph",
                    READERS,
                    lambda t, env: listed(
                        env["integration.monitoring.sample"].read_group([], ["queue_depth:max"], ["channel_id"])
                    ),
                ),
                Row(
                    "Rejected webhooks: open the list",
                    READERS,
                    lambda t, env: listed(env["integration.channel.health"].search_read([], ["webhooks_rejected"])),
                ),
                Row("Exception: Release order", MANAGERS, release_from_exception, resolved(lambda t: t.exc_hold)),
                Row("Exception: Retry", MANAGERS, retry_from_exception, resolved(lambda t: t.exc_failed_event)),
                Row("Exception: Reconcile", MANAGERS, reconcile_from_exception, resolved(lambda t: t.exc_divergence)),
                Row("Exception: Map SKU", ADMINS, map_sku_from_exception, resolved(lambda t: t.exc_unknown_sku)),
                Row("Exceptions: bulk Decide", MANAGERS, bulk_decide, resolved(lambda t: t.exc_other)),
            ]
        )


@tagged("post_install", "-at_install")
class TestMorningReviewTour(TowerRecordsMixin, HubFactoryMixin, CatalogMixin, HttpCase):
    """In Chromium: the overview, then three exception types acted on where they are read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)
        cls.list_products(cls.channel, cls.mug | cls.tshirt_s | cls.tshirt_m | cls.kit)
        cls.setup_tower_records()

    def test_manager_morning_review(self):
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_overview",
            "integration_hub_morning_review_tour",
            login="hub_manager",
        )
        self.assertEqual(
            (self.exc_hold.state, self.exc_failed_event.state, self.exc_divergence.state), ("resolved",) * 3
        )
        self.assertEqual(self.order_held.state, "accepted")
        self.assertEqual(self.event_failed.state, "received")
        self.assertIn("Counted 5", self.exc_divergence.decision)
        self.assertEqual(set((self.exc_hold | self.exc_divergence).mapped("decided_by_id")), {self.user_manager})

    @unittest.skipUnless(os.environ.get("HUB_SCREENSHOTS"), "writes the README's screenshots: HUB_SCREENSHOTS=1")
    def test_readme_screenshots(self):
        """The README's pictures, taken with the tours' Chromium (docs/screenshots/*.png)."""
        with freeze_time("2026-11-28 09:00:00"):
            self.env["integration.monitoring.sample"]._cron_sample_monitoring()
        self.screenshot("/odoo/action-integration_hub.action_integration_overview", ".o_hub_on_hold", "overview")
        self.screenshot(
            f"/odoo/action-integration_hub.action_integration_sync_exception/{self.exc_divergence.id}",
            ".o_statusbar_buttons button[name=action_reconcile]",
            "exception_actions",
        )
        self.screenshot(
            "/odoo/action-integration_hub.action_integration_monitoring_sample", ".o_graph_renderer canvas", "history"
        )

    def screenshot(self, url_path, ready_selector, name, login="hub_manager"):
        browser = ChromeBrowser(self)
        try:
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": 1366, "height": 800, "deviceScaleFactor": 1, "mobile": False},
            )
            browser.navigate_to(self.base_url() + url_path, wait_stop=True)
            self.assertTrue(browser._wait_ready(f"document.querySelector({ready_selector!r}) !== null"))
            browser._wait_ready("new Promise((resolve) => setTimeout(() => resolve(true), 800))")
            data = browser._websocket_request("Page.captureScreenshot")["data"]
        finally:
            browser.stop()
            self._wait_remaining_requests()
        folder = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
        (folder / f"{name}.png").write_bytes(base64.b64decode(data))

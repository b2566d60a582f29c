"""Each finding of the roles review, held by a test that exercises it the way the person meets it."""

import json
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.integration_hub.models.integration_channel_inventory import IntegrationChannelInventory

from .common import CatalogMixin, HubFactoryMixin
from .order_common import OrderCase


def pii_entries(env, records):
    return env["integration.audit.log"].search(
        [("action", "=", "pii_access"), ("res_model", "=", records._name), ("res_id", "in", records.ids)]
    )


@tagged("post_install", "-at_install")
class TestActionsForTheirRoles(OrderCase):
    """Documented actions work for the role the README gives them, through the web client's way in."""

    def authorized_return(self, external_id="R-1"):
        _event, order = self.ingest(self.order_data(f"O-{external_id}"))
        self.validate_picking(order._first_step_pickings())
        event_id, _new = self.env["integration.event"]._receive(
            self.channel,
            f"ret-{external_id}",
            "return.created",
            {"id": external_id, "order_id": order.external_id, "status": "authorized", "lines": [{"sku": "MUG-001"}]},
        )
        self.env["integration.event"].browse(event_id)._process()
        return self.env["integration.return"].search([("external_id", "=", external_id)])

    def test_operations_and_admins_prepare_the_receipt_into_quarantine(self):
        for user in (self.user_operations, self.user_admin):
            ret = self.authorized_return(f"R-{user.login}")
            ret.with_user(user).action_create_receipt()
            self.assertEqual(ret.receipt_id.location_dest_id, self.warehouse.hub_quarantine_location_id)
            self.assertEqual(ret.receipt_id.state, "assigned")
        ret = self.authorized_return("R-finance")
        with self.assertRaisesRegex(AccessError, "Only Integration Hub operations"):
            ret.with_user(self.user_finance).action_create_receipt()
        self.assertFalse(ret.receipt_id)

    def test_a_manager_without_an_email_address_publishes_now(self):
        manager = new_test_user(
            self.env, "hub_manager_no_mail", groups="integration_hub.group_hub_manager", name="Nora No-Mail"
        )
        manager.partner_id.email = False
        self.stock(self.mug, 3)
        result = self.channel.with_user(manager).action_publish_inventory_now()
        self.assertEqual(result["params"]["type"], "success")
        job = self.env["integration.job"].search([("channel_id", "=", self.channel.id), ("job_type", "=", "inventory")])
        self.assertEqual(len(job), 1)
        note = self.channel.message_ids.filtered(lambda m: "Inventory republished" in str(m.body))
        self.assertEqual(note.author_id, manager.partner_id, "the note says who published")

    def test_the_sale_order_button_opens_for_every_hub_role(self):
        _event, order = self.ingest(self.order_data("SO-1"))
        for user in (self.user_operations, self.user_manager, self.user_admin, self.user_finance):
            action = order.with_user(user).action_view_sale_order()
            view_id = action.get("views", [(False, "form")])[0][0]
            form = Form(self.env["sale.order"].with_user(user).browse(action["res_id"]), view=view_id or None)
            self.assertEqual(form.name, order.sale_order_id.name, user.login)

    def test_hold_reasons_follow_the_stock_and_leave_with_the_hold(self):
        _event, order = self.ingest(self.order_data("H-1", lines=[{"id": "1", "sku": "MUG-001", "quantity": 60}]))
        self.assertEqual(order.state, "on_hold")
        self.assertIn("not enough stock of MUG-001: 60 needed, 50 free", order.hold_reasons)
        self.assertFalse(order.ready_to_release)
        self.assertNotIn(order, order.search([("ready_to_release", "=", True)]))
        self.stock(self.mug, 20)  # the goods arrive
        order.invalidate_recordset()
        self.assertFalse(order.hold_reasons, "the banner no longer says there is no stock")
        self.assertTrue(order.ready_to_release)
        self.assertIn(order, order.search([("ready_to_release", "=", True)]))
        order.with_user(self.user_manager).action_release()
        self.assertEqual(order.state, "accepted")
        self.assertFalse(order.validation_problems or order.hold_reasons, "an accepted order shows no hold reason")
        form = Form(order.with_user(self.user_operations))
        self.assertFalse(form.hold_reasons)

    def test_the_ready_to_release_filter_reads_the_stock_once_per_channel_not_per_order(self):
        held = [
            self.ingest(self.order_data(f"H-N{n}", lines=[{"id": "1", "sku": "MUG-001", "quantity": 60}]))[1]
            for n in range(5)
        ]
        self.assertEqual({order.state for order in held}, {"on_hold"})
        self.env.invalidate_all()
        with patch.object(
            IntegrationChannelInventory,
            "_free_stock",
            autospec=True,
            side_effect=IntegrationChannelInventory._free_stock,
        ) as free_stock:
            found = (
                self.env["integration.channel.order"]
                .with_user(self.user_manager)
                .search([("ready_to_release", "=", False), ("state", "=", "on_hold")])
            )
        self.assertTrue(set(held) <= set(found))
        self.assertEqual(free_stock.call_count, 1, "one stock query for the five orders of the channel")

    def test_the_settings_form_shows_the_key_status(self):
        admin = self.user_admin
        admin.groups_id = [(4, self.env.ref("base.group_system").id)]
        self.assertIn("Configured", Form(self.env["res.config.settings"].with_user(admin)).integration_hub_key_status)


@tagged("post_install", "-at_install")
class TestGuardsCannotBeTalkedAround(OrderCase):
    """A context key sent along with a write opens no door: hub-recorded facts have one way in."""

    SNEAKY = {"integration_exception_decision": True, "integration_guarded_transition": True}

    def test_an_exception_is_not_closed_by_a_context_key(self):
        exception = self.env["integration.sync.exception"]._open("other", "Check me", "Details", record=self.channel)
        for user in (self.user_manager, self.user_admin):
            with self.assertRaisesRegex(AccessError, "Decide"):
                exception.with_user(user).with_context(**self.SNEAKY).write(
                    {"state": "resolved", "decision": "closed quietly"}
                )
        self.assertEqual(exception.state, "open")
        self.assertFalse(self.env["integration.audit.log"].search([("action", "=", "exception_decision")]))
        exception.with_user(self.user_manager)._decide("resolved", "Checked with the client")
        self.assertEqual((exception.state, exception.decided_by_id), ("resolved", self.user_manager))

    def test_a_return_does_not_skip_receipt_and_triage_by_a_context_key(self):
        _event, order = self.ingest(self.order_data("G-1"))
        self.validate_picking(order._first_step_pickings())
        event_id, _new = self.env["integration.event"]._receive(
            self.channel,
            "g-ret",
            "return.created",
            {"id": "G-RMA", "order_id": "G-1", "status": "authorized", "lines": [{"sku": "MUG-001"}]},
        )
        self.env["integration.event"].browse(event_id)._process()
        ret = self.env["integration.return"].search([("external_id", "=", "G-RMA")])
        for user in (self.user_operations, self.user_manager, self.user_admin):
            sneaky = ret.with_user(user).with_context(**self.SNEAKY)
            with self.assertRaisesRegex(AccessError, "recorded by the Integration Hub"):
                sneaky.write({"state": "completed"})
            with self.assertRaisesRegex(AccessError, "recorded by the Integration Hub"):
                sneaky.write({"received_at": "2026-11-20 10:00:00", "credit_to_review": True})
            with self.assertRaisesRegex(AccessError, "Grades are decided"):
                ret.line_ids.with_user(user).with_context(**self.SNEAKY).write({"grade": "sellable"})
        self.assertEqual(ret.state, "authorized")
        self.assertFalse(ret.received_at or ret.line_ids.grade)

    def test_a_released_order_needs_the_managers_release_not_a_context_key(self):
        _event, order = self.ingest(self.order_data("G-2", shipping_address={"zip": ""}))
        self.assertEqual(order.state, "on_hold")
        with self.assertRaisesRegex(UserError, "a manager's release decision"):
            order.with_context(integration_release=True)._transition("received")
        self.assertEqual(order.state, "on_hold")

    def test_the_audit_log_takes_no_forged_entry(self):
        with self.assertRaisesRegex(AccessError, "written by the hub itself"):
            self.env["integration.audit.log"].with_context(integration_audit_append=True).create(
                {"user_id": self.user_admin.id, "action": "config_change", "reason": "forged"}
            )

    def test_a_list_sent_in_the_context_does_not_swallow_the_release_note(self):
        """The pipeline gathers its notes in-process; a list sent by a client collects nothing."""
        _event, order = self.ingest(self.order_data("G-3", shipping_address={"zip": ""}))
        self.ingest(self.order_data("G-3", updated_at="2026-11-20T12:00:00+01:00"), kind="updated")
        sent = []
        order.with_user(self.user_manager).with_context(integration_order_notes=sent).action_release()
        self.assertEqual((order.state, sent), ("accepted", []))
        self.assertTrue(order.message_ids.filtered(lambda m: "released by a manager" in str(m.body)))


@tagged("post_install", "-at_install")
class TestCompanies(OrderCase):
    """Users of one company never read, change or delete another company's hub records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Client B"})
        cls.warehouse_b = cls.env["stock.warehouse"].search([("company_id", "=", cls.company_b.id)])
        cls.channel_b = cls.env["integration.channel"].create(
            {
                "name": "Shop B",
                "code": "SHOP-B",
                "platform": "generic",
                "state": "live",
                "company_id": cls.company_b.id,
                "warehouse_id": cls.warehouse_b.id,
            }
        )
        cls.channel_b.webhook_secret = "whsec_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
        cls.mug.company_id = False
        cls.env["stock.quant"]._update_available_quantity(cls.mug, cls.warehouse_b.lot_stock_id, 10)

    def order_of_b(self):
        _event, order = self.ingest(self.order_data("B-1"), channel=self.channel_b)
        self.validate_picking(order._first_step_pickings())
        event_id, _new = self.env["integration.event"]._receive(
            self.channel_b,
            "b-ret",
            "return.created",
            {"id": "B-RMA", "order_id": "B-1", "status": "authorized", "lines": [{"sku": "MUG-001"}]},
        )
        self.env["integration.event"].browse(event_id)._process()
        return order, self.env["integration.return"].search([("external_id", "=", "B-RMA")])

    def test_order_and_return_lines_stay_in_their_company(self):
        order, ret = self.order_of_b()
        for user in (self.user_operations, self.user_manager, self.user_admin, self.user_finance):
            Lines = self.env["integration.channel.order.line"].with_user(user)
            self.assertFalse(Lines.search([("id", "in", order.line_ids.ids)]), user.login)
            self.assertFalse(
                self.env["integration.return.line"].with_user(user).search([("id", "in", ret.line_ids.ids)])
            )
            with self.assertRaises(AccessError):
                order.line_ids.with_user(user).read(["sku"])
            with self.assertRaises(AccessError):
                ret.line_ids.with_user(user).read(["note"])
        with self.assertRaises(AccessError):
            ret.line_ids.with_user(self.user_operations).write({"note": "written from company A"})
        self.assertFalse(ret.line_ids.note)

    def test_secrets_of_another_company_are_neither_listed_nor_deleted(self):
        secret_b = self.env["integration.secret"].search([("channel_id", "=", self.channel_b.id)])
        Secret = self.env["integration.secret"].with_user(self.user_admin)
        self.assertFalse(Secret.search([("channel_id", "=", self.channel_b.id)]))
        self.assertEqual(Secret.search([]).channel_id, self.channel, "an administrator lists their own company's")
        with self.assertRaises(AccessError):
            secret_b.with_user(self.user_admin).unlink()
        with self.assertRaises(AccessError):
            self.channel_b.with_user(self.user_admin).with_context(secret_name="webhook_secret").action_clear_secret()
        self.assertTrue(self.channel_b._get_secret("webhook_secret"), "B's webhooks still verify")

    def test_nobody_deletes_a_secret_by_hand_the_channel_clears_it_audited(self):
        secret = self.env["integration.secret"].search([("channel_id", "=", self.channel.id)])
        with self.assertRaisesRegex(AccessError, "never deleted by hand"):
            secret.unlink()  # not even the superuser
        self.channel.with_user(self.user_admin).with_context(secret_name="webhook_secret").action_clear_secret()
        self.assertFalse(secret.exists())
        self.assertTrue(
            self.env["integration.audit.log"]
            .search([("action", "=", "credential_change"), ("channel_id", "=", self.channel.id)])
            .filtered(lambda entry: "cleared" in entry.reason)
        )

    def test_every_hub_model_has_its_company_rule(self):
        """Any model the hub adds (lines, secrets, health counters, shares...) is kept apart per company."""
        hub_models = self.env["ir.model"].search([("model", "=like", "integration.%"), ("transient", "=", False)])
        hub_models = hub_models.filtered(lambda model: not self.env[model.model]._abstract)
        rules = self.env["ir.rule"].search([("model_id", "in", hub_models.ids), ("global", "=", True)])
        ruled = {rule.model_id.model for rule in rules if "company_id" in rule.domain_force}
        # reference data that is the same for everybody, not any company's records
        shared = {"integration.territory"}  # legal geography (EU VAT and customs areas)
        self.assertEqual(sorted(set(hub_models.mapped("model")) - ruled - shared), [])

    def test_wizards_refuse_another_companys_records(self):
        order, ret = self.order_of_b()
        exception = self.env["integration.sync.exception"]._open("other", "B", "B", record=self.channel_b)
        manager = self.user_manager
        with self.assertRaises(AccessError):
            self.env["integration.order.force.state"].with_user(manager).create(
                {"order_id": order.id, "target_state": "cancelled", "reason": "x"}
            ).action_confirm()
        with self.assertRaises(AccessError):
            self.env["integration.exception.decision"].with_user(manager).create(
                {"exception_ids": [(6, 0, exception.ids)], "decision": "x"}
            ).action_confirm()
        with self.assertRaises(AccessError):
            self.env["integration.return.triage"].with_user(manager).create(
                {"return_id": ret.id, "reason": "x"}
            ).action_confirm()
        with self.assertRaises(AccessError):
            ret.with_user(manager).action_create_receipt()
        self.assertEqual((order.state, exception.state, ret.state), ("packed", "open", "authorized"))


@tagged("post_install", "-at_install")
class TestPersonalData(OrderCase):
    """Who read delivery data is logged, whatever the way in; nothing is logged for what was never opened."""

    def orders(self, count=3):
        return self.env["integration.channel.order"].concat(
            *(self.ingest(self.order_data(f"P-{n}"))[1] for n in range(count))
        )

    def test_kanban_cards_and_lists_are_not_openings(self):
        orders = self.orders()
        Orders = self.env["integration.channel.order"].with_user(self.user_finance)
        kanban = {"name": {}, "customer_name": {}, "ship_city": {}, "state": {}, "channel_id": {"fields": {}}}
        Orders.web_search_read([("id", "in", orders.ids)], kanban)
        Orders.web_search_read([("id", "=", orders[0].id)], kanban)  # a kanban column of one card
        Orders.web_read_group([("id", "in", orders.ids)], ["state"], ["state"])
        self.assertFalse(pii_entries(self.env, orders))

    def test_opening_an_order_is_logged_once_a_day(self):
        order = self.orders(1)
        Form(order.with_user(self.user_operations))
        Form(order.with_user(self.user_operations))
        entries = pii_entries(self.env, order)
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries.user_id, self.user_operations)

    def test_rpc_listings_and_exports_are_one_entry_each_with_the_count_grouping_is_refused(self):
        orders = self.orders()
        Orders = self.env["integration.channel.order"].with_user(self.user_operations)
        exports = self.env["integration.audit.log"].search  # read back as superuser
        Orders.search_read([("id", "in", orders.ids)], ["name", "ship_street", "customer_phone"])
        entries = exports([("action", "=", "pii_export"), ("user_id", "=", self.user_operations.id)])
        self.assertEqual(len(entries), 1)
        self.assertIn("3 record(s)", entries.reason)
        self.assertIn("Street", entries.reason)
        self.assertFalse(pii_entries(self.env, orders), "a listing is not three openings")
        # the export right on top of a role that ships (Finance exports lists, not addresses)
        shipper = new_test_user(
            self.env, "hub_shipper", groups="integration_hub.group_hub_operations,base.group_allow_export"
        )
        exporter = Orders.with_user(shipper).browse(orders.ids)
        exporter.export_data(["name", "customer_email"])
        exporter.export_data(["name", "customer_email"])  # exported again: logged again
        entries = exports([("action", "=", "pii_export"), ("user_id", "=", shipper.id)])
        self.assertEqual(len(entries), 2)
        Orders.search_read([("id", "in", orders.ids)], ["name", "ship_city"])  # no delivery data asked
        self.assertEqual(len(exports([("action", "=", "pii_export")])), 3)
        with self.assertRaisesRegex(UserError, "cannot be grouped"):
            Orders.read_group([("id", "in", orders.ids)], ["ship_zip"], ["ship_zip"])

    def test_raw_payload_reads_are_logged_stock_levels_are_not(self):
        self.orders(1)
        order_event = self.env["integration.event"].search([("event_type", "=", "order.created")], limit=1)
        stock_id, _new = self.env["integration.event"]._receive(
            self.channel, "inv-1", "inventory.reported", {"sku": "MUG-001", "quantity": 3}
        )
        stock_event = self.env["integration.event"].browse(stock_id)
        events = (order_event | stock_event).with_user(self.user_operations)
        events.read(["payload"])
        self.assertEqual(len(pii_entries(self.env, order_event)), 1)
        self.assertFalse(pii_entries(self.env, stock_event))
        events.read(["event_type", "state"])  # the list: no payload, nothing logged again
        self.assertEqual(len(pii_entries(self.env, order_event | stock_event)), 1)

    def test_tracking_keeps_no_old_or_new_phone_or_address(self):
        _event, order = self.ingest(self.order_data("T-1"))
        shipping = order.sale_order_id.partner_shipping_id
        edited = self.order_data(
            "T-1",
            updated_at="2026-11-20T12:00:00+01:00",
            shipping_address={"street": "Avinguda del Port 3", "phone": "+34 699 111 222"},
        )
        self.ingest(edited, kind="updated")
        self.assertEqual(order.ship_street, "Avinguda del Port 3")
        messages = order.message_ids | shipping.message_ids | order.sale_order_id.partner_shipping_id.message_ids
        values = self.env["mail.tracking.value"].search([("mail_message_id", "in", messages.ids)])
        seen = " ".join(str(v) for v in values.mapped("old_value_char") + values.mapped("new_value_char"))
        for personal in ("Colón", "Avinguda", "612", "699"):
            self.assertNotIn(personal, seen)
        bodies = " ".join(str(body) for body in messages.mapped("body"))
        for personal in ("Avinguda", "699 111"):
            self.assertNotIn(personal, bodies)

    def test_special_handling_is_text_in_the_sale_order_note(self):
        _event, order = self.ingest(
            self.order_data("S-1", special_handling='Fragile <img src="https://evil.example/x.png"> top side up')
        )
        note = str(order.sale_order_id.note)
        self.assertNotIn("<img", note)
        self.assertIn("&lt;img", note)
        self.assertIn("Fragile", note)


@tagged("post_install", "-at_install")
class TestFinanceReadsOnly(HubFactoryMixin, CatalogMixin, HttpCase):
    """Read-only means no chatter notes either: through the web client's post route and over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.exception = cls.env["integration.sync.exception"]._open("other", "Check", "Details", record=cls.channel)

    def post(self, login, record):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": record._name,
                "thread_id": record.id,
                "post_data": {"body": f"note by {login}", "message_type": "comment", "subtype_xmlid": "mail.mt_note"},
            },
        )

    def test_finance_posts_no_note_operations_do(self):
        with self.assertRaises(JsonRpcException):
            self.post("hub_finance", self.exception)
        with self.assertRaises(AccessError):
            self.exception.with_user(self.user_finance).message_post(body="note by finance")
        self.post("hub_ops", self.exception)
        bodies = json.dumps(self.exception.message_ids.mapped("body"), default=str)
        self.assertIn("note by hub_ops", bodies)
        self.assertNotIn("note by hub_finance", bodies)

"""Personal data encrypted at rest (README "Personal data"): a database dump holds none of it.

The dump test commits its data (the webhook is stored by the real HTTP server in its own
transaction, the inbox is processed by a worker with its own connection, as in production),
dumps the database with ``pg_dump`` and removes the data afterwards.
"""

import contextlib
import importlib.util
import os
import subprocess
import uuid
from datetime import timedelta
from unittest.mock import patch

import requests
from cryptography.fernet import Fernet

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from odoo.addons.integration_hub.lib import crypto

from .common import HubFactoryMixin, committed_generic_channel
from .order_common import OrderCase

ROUTE = "/integration_hub/v1/webhooks/"


@contextlib.contextmanager
def no_environment_key():
    with patch.dict(os.environ):
        os.environ.pop(crypto.ENV_VARIABLE, None)
        yield


def personal_order(external_id, marker):
    """An order message whose every personal value is unique to this run (``marker``)."""
    return {
        "type": "order.created",
        "data": {
            "id": external_id,
            "name": f"#{external_id}",
            "placed_at": "2026-11-20T10:00:00+01:00",
            "updated_at": "2026-11-20T10:00:00+01:00",
            "financial_status": "paid",
            "customer": {
                "name": f"Zoraida Quintanilla {marker}",
                "email": f"zoraida.{marker}@example.org",
                "phone": "+34 655 918 273",
                "vat": f"ESX{marker[:7]}",
            },
            "shipping_address": {
                "name": f"Zoraida Quintanilla {marker}",
                "company": f"Cerámicas {marker} S.L.",
                "street": f"Calle Almirante {marker} 27",
                "street2": f"Escalera {marker}",
                "zip": "46021",
                "city": "Valencia",
                "state": "Valencia",
                "country_code": "ES",
                "phone": "+34 655 918 273",
            },
            "service_level": "next_day",
            "special_handling": "",
            # a SKU nobody sells: the order stops on hold with an exception (whose text must not quote the customer)
            "lines": [{"id": "l1", "sku": f"NOPE-{marker}", "quantity": 1}],
        },
    }


@tagged("post_install", "-at_install")
class TestPersonalDataDump(HubFactoryMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.registry_ = Registry(self.env.cr.dbname)
        self.marker = uuid.uuid4().hex[:10]
        code = f"PD-{uuid.uuid4().hex[:8]}"  # not the marker: a channel code is not personal
        self.channel_id, self.token = committed_generic_channel(self.registry_, "Dump test", code)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            cr.execute("SELECT id FROM integration_channel_order WHERE channel_id = %s", [self.channel_id])
            order_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'integration.channel.order' AND res_id = ANY(%s)", [order_ids]
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'integration.channel.order' AND res_id = ANY(%s)",
                [order_ids],
            )
            cr.execute("DELETE FROM integration_channel_order_line WHERE order_id = ANY(%s)", [order_ids])
            cr.execute(
                """SELECT table_name FROM information_schema.columns
                    WHERE column_name = 'channel_id' AND table_name LIKE 'integration%%'
                      AND table_name <> 'integration_channel_order_line'"""
            )
            tables = [row[0] for row in cr.fetchall()]
            for _attempt in range(3):  # foreign keys between them: whatever failed goes again after the others
                left = []
                for table in tables:
                    try:
                        with cr.savepoint():
                            cr.execute(f'DELETE FROM "{table}" WHERE channel_id = %s', [self.channel_id])  # noqa: S608
                    except Exception:  # noqa: BLE001 - a row still referenced: retried after the others
                        left.append(table)
                tables = left
            cr.execute("DELETE FROM integration_channel WHERE id = %s", [self.channel_id])
            crons = [
                self.env.ref(f"integration_hub.{xmlid}").id for xmlid in ("ir_cron_process_inbox", "ir_cron_run_outbox")
            ]
            cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [crons])

    def pg_dump(self):
        """The data of the hub's tables and of the chatter, as ``pg_dump`` writes them (plain SQL)."""
        command = ["pg_dump", "--data-only", "--no-owner", "-t", "integration_*", "-t", "mail_message"]
        command += ["-t", "mail_tracking_value", "-d", self.env.cr.dbname]
        for option, flag in (("db_host", "-h"), ("db_port", "-p"), ("db_user", "-U")):
            if config.get(option):
                command += [flag, str(config[option])]
        environ = {"PGPASSWORD": config["db_password"]} if config.get("db_password") else {}
        done = subprocess.run(  # noqa: S603 - fixed program, arguments from the test's own config
            command, capture_output=True, check=True, timeout=300, env={"PATH": "/usr/bin:/bin", **environ}
        )
        return done.stdout.decode()

    def test_a_dump_holds_none_of_the_personal_data_an_order_sent(self):
        message = personal_order(f"DUMP-{self.marker}", self.marker)
        body, headers = self.signed_request(message)
        url = f"http://127.0.0.1:{config['http_port']}{ROUTE}{self.token}"
        answer = requests.post(url, data=body, headers=headers, timeout=60)
        self.assertEqual(answer.json()["message"], "accepted")
        with self.registry_.cursor() as cr:  # the inbox worker, in its own transaction
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.event"]._queue_drain()
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["integration.channel.order"].search([("channel_id", "=", self.channel_id)])
            self.assertEqual(order.state, "on_hold", "processed: held for the unknown SKU")
            # the hub reads its own data back in clear
            self.assertEqual(order.ship_street, f"Calle Almirante {self.marker} 27")
            self.assertEqual(order.customer_email, f"zoraida.{self.marker}@example.org")
            event = env["integration.event"].search([("channel_id", "=", self.channel_id)])
            self.assertIn(f"Calle Almirante {self.marker}", event.payload)
            self.assertTrue(env["integration.sync.exception"].search([("channel_id", "=", self.channel_id)]))

        dump = self.pg_dump()
        self.assertIn(f"DUMP-{self.marker}", dump, "the order and its message are in the dump")
        self.assertIn(crypto.SEALED_PREFIX, dump)
        for personal in (
            self.marker,  # in the name, e-mail, company, street, street2, VAT id (and the SKU: see below)
            "Zoraida",
            "Quintanilla",
            "Almirante",
            "655 918 273",
            "+34655918273",
            "655918273",
            "46021",
        ):
            # a line naming the order or the SKU (not personal) is checked below; the whole line is searched
            hits = [
                line[:80]
                for line in dump.splitlines()
                if personal in line and f"DUMP-{self.marker}" not in line and f"NOPE-{self.marker}" not in line
            ]
            self.assertFalse(hits, f"{personal!r} found in the dump")
        # lines that name the order (its id, the SKU) carry no personal value either
        for line in dump.splitlines():
            if f"DUMP-{self.marker}" in line or f"NOPE-{self.marker}" in line:
                for personal in ("Zoraida", "Almirante", "655 918 273", "46021", f"zoraida.{self.marker}"):
                    self.assertNotIn(personal, line)


@tagged("post_install", "-at_install")
class TestPersonalDataKeys(OrderCase):
    """The hub's key opens the data; another key or no key: a clear error, never other text."""

    def stored(self, order, column):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT {column} FROM integration_channel_order WHERE id = %s", [order.id])  # noqa: S608
        return self.env.cr.fetchone()[0]

    def test_values_are_sealed_in_the_columns_and_clear_through_the_orm(self):
        _event, order = self.ingest(self.order_data("K-1"))
        for column in ("customer_name", "customer_email", "ship_street", "ship_zip", "ship_phone", "phone_e164"):
            self.assertTrue(self.stored(order, column).startswith(crypto.SEALED_PREFIX), column)
        self.assertEqual(self.stored(order, "ship_city"), "Valencia", "the city stays in clear")
        order.invalidate_recordset()
        self.assertEqual(order.ship_street, "Calle de Colón 12")
        self.assertEqual(order.read(["ship_zip"])[0]["ship_zip"], "46004")

    def test_special_handling_is_sealed_and_the_upgrade_seals_older_clear_values(self):
        gift = "Gift message: para Lucía, grabado LUCÍA"
        _event, order = self.ingest(self.order_data("K-4", special_handling=gift))
        self.assertTrue(self.stored(order, "special_handling").startswith(crypto.SEALED_PREFIX))
        self.assertNotIn("special_handling", order._track_get_fields(), "never copied into the chatter's tracking")
        # as an older version stored it: in clear, tracked in the chatter
        field = self.env["ir.model.fields"]._get("integration.channel.order", "special_handling")
        self.env.cr.execute(
            "UPDATE integration_channel_order SET special_handling = %s WHERE id = %s", [gift, order.id]
        )
        message = order.message_post(body="tracked")
        self.env["mail.tracking.value"].create(
            {"field_id": field.id, "mail_message_id": message.id, "old_value_char": "", "new_value_char": gift}
        )
        self.env.flush_all()
        migration = os.path.join(os.path.dirname(__file__), "..", "migrations", "18.0.1.4.0", "post-migration.py")
        spec = importlib.util.spec_from_file_location("integration_hub_migration_18_0_1_4_0", migration)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.3.0")
        self.assertTrue(self.stored(order, "special_handling").startswith(crypto.SEALED_PREFIX))
        order.invalidate_recordset()
        self.assertEqual(order.special_handling, gift)
        self.assertFalse(self.env["mail.tracking.value"].search([("field_id", "=", field.id)]))

    def test_an_encrypted_field_cannot_be_searched_by_value_only_by_being_set(self):
        _event, order = self.ingest(self.order_data("K-2"))
        Orders = self.env["integration.channel.order"]
        with self.assertRaisesRegex(UserError, "encrypted personal data"):
            Orders.search([("customer_email", "=", "lucia@example.com")])
        self.assertIn(order, Orders.search([("customer_email", "!=", False)]))

    def test_rotation_reencrypts_and_a_database_without_the_key_says_so(self):
        _event, order = self.ingest(self.order_data("K-3"))
        old_key = config.get(crypto.CONFIG_OPTION)
        new_key = Fernet.generate_key().decode()
        before = self.stored(order, "ship_street")
        with patch.dict(config.options, {crypto.CONFIG_OPTION: f"{new_key},{old_key}"}):
            # the hub's Settings page needs Odoo's Settings right too, as `admin` has (README "Roles")
            settings = self.env["res.config.settings"].with_user(self.env.ref("base.user_admin")).create({})
            settings.action_integration_hub_rotate_secrets()
        after = self.stored(order, "ship_street")
        self.assertNotEqual(before, after)
        entry = self.env["integration.audit.log"].search([("action", "=", "key_rotation")], limit=1)
        self.assertIn("integration.channel.order", entry.after)
        with patch.dict(config.options, {crypto.CONFIG_OPTION: new_key}):  # the old key removed: still readable
            order.invalidate_recordset()
            self.assertEqual(order.ship_street, "Calle de Colón 12")
        for keys in (old_key, Fernet.generate_key().decode()):  # a restore with an old or another key
            with patch.dict(config.options, {crypto.CONFIG_OPTION: keys}):
                order.invalidate_recordset()
                with self.assertRaisesRegex(UserError, "restored without its key"):
                    order.ship_street  # noqa: B018
        with patch.dict(config.options, {crypto.CONFIG_OPTION: ""}), no_environment_key():
            order.invalidate_recordset()
            with self.assertRaisesRegex(UserError, "No encryption key is configured"):
                order.read(["ship_street"])

    def test_messages_are_not_stored_without_a_key(self):
        with patch.dict(config.options, {crypto.CONFIG_OPTION: ""}), no_environment_key():
            with self.assertRaisesRegex(UserError, "No encryption key"):
                self.ingest(self.order_data("K-4"))


@tagged("post_install", "-at_install")
class TestPersonalDataDumpOdoo(TestPersonalDataDump):
    """An order that reached a sale order and a reserved transfer: the hub's tables hold none of the personal data;
    once the retention period is over, no table of the whole database does (Odoo's contacts included)."""

    def setUp(self):
        super().setUp()
        self.sku = f"DMP-{uuid.uuid4().hex[:8]}"  # not the marker: a SKU is not personal
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            channel = env["integration.channel"].browse(self.channel_id)
            product = env["product.product"].create({"name": "Dump mug", "default_code": self.sku, "is_storable": True})
            env["stock.quant"]._update_available_quantity(product, channel.warehouse_id.lot_stock_id, 5)
            env["integration.external.id"].create({"channel_id": channel.id, "product_id": product.id, "sku": self.sku})
            channel.personal_data_retention_days = 1
            self.product_id = product.id
        self.addCleanup(self._cleanup_odoo)  # runs before the hub's cleanup (cleanups run last-in first-out)

    def _cleanup_odoo(self):
        with self.registry_.cursor() as cr:
            cr.execute("SELECT id FROM integration_channel_order WHERE channel_id = %s", [self.channel_id])
            order_ids = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id, name FROM sale_order WHERE integration_order_id = ANY(%s)", [order_ids])
            sales = cr.fetchall()
            sale_ids, sale_names = [row[0] for row in sales], [row[1] for row in sales]
            cr.execute("SELECT id FROM stock_picking WHERE sale_id = ANY(%s)", [sale_ids])
            picking_ids = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id FROM res_partner WHERE integration_order_id = ANY(%s)", [order_ids])
            partner_ids = [row[0] for row in cr.fetchall()]
            statements = [
                ("UPDATE stock_picking SET group_id = NULL WHERE id = ANY(%s)", picking_ids),
                ("DELETE FROM mail_message WHERE model = 'sale.order' AND res_id = ANY(%s)", sale_ids),
                ("DELETE FROM mail_followers WHERE res_model = 'sale.order' AND res_id = ANY(%s)", sale_ids),
                ("DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id = ANY(%s)", picking_ids),
                ("DELETE FROM mail_followers WHERE res_model = 'stock.picking' AND res_id = ANY(%s)", picking_ids),
                ("DELETE FROM mail_message WHERE model = 'res.partner' AND res_id = ANY(%s)", partner_ids),
                ("DELETE FROM mail_followers WHERE partner_id = ANY(%s)", partner_ids),
                ("DELETE FROM stock_move_line WHERE picking_id = ANY(%s)", picking_ids),
                ("DELETE FROM stock_move WHERE picking_id = ANY(%s)", picking_ids),
                ("DELETE FROM stock_picking WHERE id = ANY(%s)", picking_ids),
                ("DELETE FROM sale_order_line WHERE order_id = ANY(%s)", sale_ids),
                ("DELETE FROM sale_order WHERE id = ANY(%s)", sale_ids),
                ("DELETE FROM stock_quant WHERE product_id = %s", self.product_id),
                ("DELETE FROM integration_external_id WHERE product_id = %s", self.product_id),
            ]
            for statement, value in statements:
                with cr.savepoint():
                    cr.execute(statement, [value])
            cr.execute("UPDATE integration_channel_order SET sale_order_id = NULL WHERE id = ANY(%s)", [order_ids])
            cr.execute("SELECT product_tmpl_id FROM product_product WHERE id = %s", [self.product_id])
            template_ids = [row[0] for row in cr.fetchall()]
            with cr.savepoint():
                cr.execute("DELETE FROM procurement_group WHERE name = ANY(%s)", [sale_names])
            for table, ids in (
                ("res_partner", partner_ids),
                ("product_product", [self.product_id]),
                ("product_template", template_ids),
            ):
                try:
                    with cr.savepoint():
                        cr.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608 - fixed names
                except Exception:  # noqa: BLE001 - still referenced elsewhere: archived instead
                    cr.execute(f"UPDATE {table} SET active = false WHERE id = ANY(%s)", [ids])  # noqa: S608

    def pg_dump(self, whole=False):
        if not whole:
            return super().pg_dump()
        command = ["pg_dump", "--data-only", "--no-owner", "-d", self.env.cr.dbname]
        for option, flag in (("db_host", "-h"), ("db_port", "-p"), ("db_user", "-U")):
            if config.get(option):
                command += [flag, str(config[option])]
        environ = {"PGPASSWORD": config["db_password"]} if config.get("db_password") else {}
        done = subprocess.run(  # noqa: S603 - fixed program, arguments from the test's own config
            command, capture_output=True, check=True, timeout=300, env={"PATH": "/usr/bin:/bin", **environ}
        )
        return done.stdout.decode()

    def personal_hits(self, dump):
        """Lines of the dump holding a personal value (lines naming the order are checked for the others)."""
        hits = []
        for line in dump.splitlines():
            names_order = f"DUMP-{self.marker}" in line
            for personal in (self.marker, "Zoraida", "Quintanilla", "Almirante", "655 918 273", "655918273", "46021"):
                if personal in line and not (names_order and personal == self.marker):
                    hits.append((personal, line[:100]))
        return hits

    def test_a_dump_holds_none_of_the_personal_data_an_order_sent(self):
        message = personal_order(f"DUMP-{self.marker}", self.marker)
        message["data"]["lines"] = [{"id": "l1", "sku": self.sku, "quantity": 2}]
        # special handling is personal too (a gift message naming the buyer, an engraving)
        message["data"]["special_handling"] = f"Gift message: para Zoraida, grabado {self.marker}"
        body, headers = self.signed_request(message)
        url = f"http://127.0.0.1:{config['http_port']}{ROUTE}{self.token}"
        self.assertEqual(requests.post(url, data=body, headers=headers, timeout=60).json()["message"], "accepted")
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.event"]._queue_drain()
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["integration.channel.order"].search([("channel_id", "=", self.channel_id)])
            self.assertTrue(order.sale_order_id, order.validation_problems)
            picking = order.sale_order_id.picking_ids
            self.assertEqual(picking.state, "assigned", "a reserved transfer")
            self.assertEqual(picking.partner_id.street, f"Calle Almirante {self.marker} 27", "Odoo's own record")
            self.assertIn(f"grabado {self.marker}", str(picking.note), "the picker reads it while the order is open")
        self.assertFalse(self.personal_hits(self.pg_dump()), "the hub's tables and the chatter hold none of it")
        self.assertTrue(self.personal_hits(self.pg_dump(whole=True)), "Odoo's contact holds it while needed")

        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["integration.channel.order"].search([("channel_id", "=", self.channel_id)])
            order.sale_order_id.picking_ids.action_cancel()
            order._transition("cancelled", "dump test: the customer cancelled", forced=True)
            later = order.closed_at + timedelta(days=2)
            counts = env["integration.personal.data"]._apply_retention(now=later)
            self.assertGreaterEqual(counts["contacts"], 2, counts)
        hits = self.personal_hits(self.pg_dump(whole=True))
        self.assertFalse(hits, "after the retention run no table of the database holds it")

import threading
import uuid

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestOrderConcurrency(HubFactoryMixin, TransactionCase):
    """Webhook + poll of the same order processed by two workers at the same time."""

    def setUp(self):
        super().setUp()
        self.registry_ = Registry(self.env.cr.dbname)
        self.suffix = uuid.uuid4().hex[:6].upper()
        # Committed data: the workers use their own database connections.
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            product = env["product.product"].create(
                {"name": "Race mug", "default_code": f"RACE-{self.suffix}", "is_storable": True}
            )
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
            channel = env["integration.channel"].create(
                {
                    "name": "Race",
                    "code": f"RACE-{self.suffix}",
                    "platform": "generic",
                    "state": "live",
                    "warehouse_id": warehouse.id,
                }
            )
            data = self.order_payload("RACE-1")["data"]
            data["lines"] = [{"id": "1", "sku": product.default_code, "quantity": 1}]
            for source in ("webhook", "poll"):
                env["integration.event"]._receive(
                    channel, f"{source}-{self.suffix}", "order.created", data, source=source
                )
            self.channel_id, self.product_id = channel.id, product.id
        self.addCleanup(self._archive)

    def _archive(self):
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.channel"].browse(self.channel_id).write({"state": "paused", "active": False})
            env["product.product"].browse(self.product_id).active = False

    def test_two_workers_create_one_order_and_one_sale_order(self):
        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                with self.registry_.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    event = env["integration.event"]._queue_claim_next()  # the attempt is committed
                    self.assertTrue(event._queue_lock())
                    barrier.wait(10)  # both hold one event: process them at the same moment
                    event._queue_work()
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors)
        with self.registry_.cursor() as cr:
            # the loser saw no order in its snapshot and was told to retry: it is now a duplicate
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.event"]._cron_process_inbox()
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["integration.channel.order"].search([("channel_id", "=", self.channel_id)])
            self.assertEqual(len(orders), 1)
            self.assertEqual(orders.state, "accepted")
            self.assertEqual(env["sale.order"].search_count([("integration_order_id", "=", orders.id)]), 1)
            events = env["integration.event"].search([("channel_id", "=", self.channel_id)])
            self.assertEqual(sorted(events.mapped("state")), ["done", "duplicate"])

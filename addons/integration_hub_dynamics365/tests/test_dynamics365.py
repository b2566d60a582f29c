"""Business Central on the hub's seam, against a fake BC built from Microsoft's documentation (bc_fake.py):
the issue's acceptance scenarios for an ERP and BC's own gotchas."""

import json
from datetime import timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.tests.order_common import validate_picking

from .bc_fake import COMPANY, LOCATION_MAIN
from .common import ROUTE, Dynamics365Mixin

QUIET = (
    "odoo.addons.integration_hub.controllers.webhook",
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)
ORDERS = f"api/v2.0/companies({COMPANY})/salesOrders"


@tagged("post_install", "-at_install")
class TestDynamics365(Dynamics365Mixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dynamics365()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5)):
            cls.stock(product, quantity)
        service = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.correos = cls.env["delivery.carrier"].create({"name": "Correos", "product_id": service.id})
        cls.bc.partial_policy = "backorder"

    def ship(self, order, pickup, tracking, quantities=None, picking=None):
        """Pick and pack (``quantities`` by product: a backorder for the rest), then the carrier's scan."""
        picking = picking or order._first_step_pickings()
        picking.carrier_id = self.correos
        validate_picking(picking, quantities)
        order._record_carrier_pickup(pickup, tracking, fields.Datetime.now(), "carrier scan")
        return picking

    def lines(self, bc, order_id):
        return {
            line["lineObjectNumber"]: line
            for line in bc.orders[order_id]["salesOrderLines"]
            if line.get("lineObjectNumber")
        }

    # --- the acceptance scenarios --------------------------------------------------------------
    def test_order_in_shipped_in_two_parcels_with_tracking_through_ship_and_invoice(self):
        """An order flows in, ships partially then completely; each parcel is posted once (ship and invoice)."""
        self.bc.dynamics365_shipment_mode = "ship_and_invoice"
        bc = self.fake_bc()
        lines = [
            {"lineObjectNumber": "MUG-001", "quantity": 3, "description": "Mug"},
            {"lineType": "Comment", "description": "Deliver mornings"},
            {"lineObjectNumber": "TSHIRT-S", "quantity": 1, "description": "Tee blue S"},
        ]
        order_id = bc.add_order(lines=lines)["id"]
        bc.add_order("a0000000-0000-4000-8000-000000000002", status="Draft", number="101006")  # not released
        self.poll()
        self.process()
        order = self.bc_order(order_id)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(order.name, "101005")
        self.assertEqual(
            (order.ship_name, order.ship_company, order.ship_zip), ("Lucía Ferrer", "Tienda Ejemplo SL", "46004")
        )
        self.assertEqual(sorted(order.line_ids.mapped("sku")), ["MUG-001", "TSHIRT-S"], "the comment line is no goods")
        self.assertFalse(self.bc_order("a0000000-0000-4000-8000-000000000002"), "a Draft order is not released")
        self.ship(order, "PICKUP-1", "PQ111", quantities={self.mug: 2})  # 2 of 3 mugs: a backorder
        self.run_jobs()
        mug, tee = self.lines(bc, order_id)["MUG-001"], self.lines(bc, order_id)["TSHIRT-S"]
        self.assertEqual(bc.posted, [("101005", {mug["id"]: 2, tee["id"]: 1})], "Qty. to Ship was set to the parcel")
        rows = bc.orders[order_id]["salesOrderLines"]
        comments = [line["description"] for line in rows if line["lineType"] == "Comment"]
        self.assertIn("Tracking: Correos PQ111", comments)
        job = self.env["integration.job"].search([("channel_id", "=", self.bc.id), ("job_type", "=", "fulfillment")])
        self.assertIn("shipped AND invoiced", job.response_summary)
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # a manager sends it again
        self.run_jobs()
        self.assertEqual(len(bc.posted), 1, "a retried job never posts the parcel twice")
        bc.fail("PATCH", r"/salesOrderLines\(", 412)  # a BC user edits the order while the hub writes it
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.carrier_id = self.correos
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-2", "PQ222", fields.Datetime.now())
        with mute_logger(*QUIET):
            self.run_jobs()
        second = self.env["integration.job"].search(
            [("channel_id", "=", self.bc.id), ("job_type", "=", "fulfillment")], order="id desc", limit=1
        )
        self.assertEqual((second.state, len(bc.posted)), ("pending", 1), "412: read again and retried later")
        self.assertIn("changed in Business Central meanwhile", second.last_error)
        second.sudo().next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(bc.posted[1], ("101005", {mug["id"]: 1}), "the second parcel: the last mug only")
        self.assertNotIn(order_id, bc.orders, "fully shipped and invoiced: BC deleted the order")
        deleted = {"subscriptionId": "s1", "resource": f"{ORDERS}({order_id})", "changeType": "deleted"}
        self.env["integration.event"]._receive(self.bc, "entry:posted", "entry", deleted, source="webhook")
        self.process()
        self.assertEqual(order.state, "dispatched", "BC deletes a posted order: that is no cancellation")

    def test_client_posts_the_shipment_the_hub_prepares_it_and_says_what_to_do(self):
        bc = self.fake_bc()
        lines = [
            {"lineObjectNumber": "MUG-001", "quantity": 1},
            {"lineObjectNumber": "TSHIRT-S", "quantity": 4, "locationId": LOCATION_MAIN},
        ]
        order_id = bc.add_order(lines=lines)["id"]
        self.poll()
        self.process()
        order = self.bc_order(order_id)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        elsewhere = order.line_ids.filtered(lambda line: line.sku == "TSHIRT-S")
        self.assertEqual(elsewhere.line_kind, "elsewhere", "a line at BC's MAIN location is not this warehouse's")
        self.ship(order, "PICKUP-3", "PQ333")
        self.run_jobs()
        self.assertFalse(bc.posted, "nothing posted, nothing invoiced")
        lines = self.lines(bc, order_id)
        self.assertEqual((lines["MUG-001"]["shipQuantity"], lines["TSHIRT-S"]["shipQuantity"]), (1, 0))
        (exception,) = self.bc_exceptions("dynamics365_shipment_to_post")
        self.assertIn("Post > Ship (not Ship and Invoice)", exception.description)
        self.assertIn("101005", exception.name)

    def test_purchase_order_in_and_its_receipt_confirmed_back(self):
        bc = self.fake_bc()
        purchase_order = bc.add_purchase_order(
            [
                {"lineObjectNumber": "MUG-001", "quantity": 12},
                {"lineObjectNumber": "TSHIRT-S", "quantity": 6},
                {"lineObjectNumber": "MUG-001", "quantity": 50, "locationId": LOCATION_MAIN},
                {"lineType": "Comment", "description": "Fragile"},
            ],
            lastModifiedDateTime=fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        self.poll("receipts")
        self.process()
        receipt = self.env["integration.receipt"].search([("channel_id", "=", self.bc.id)])
        self.assertEqual((receipt.external_id, receipt.state), ("106001", "expected"))
        self.assertEqual(sorted(receipt.line_ids.mapped("quantity_expected")), [6, 12], "only this warehouse's lines")
        self.receive(receipt, quantities={self.mug: 10}, damaged={self.mug: 1})
        self.run_jobs()
        po_lines = {line["quantity"]: line for line in bc.purchase_orders[purchase_order["id"]]["purchaseOrderLines"]}
        self.assertEqual((po_lines[12]["receiveQuantity"], po_lines[6]["receiveQuantity"]), (10, 6), "damaged included")
        self.assertEqual(po_lines[50]["receiveQuantity"], 0, "the other location's line untouched")
        rows = bc.purchase_orders[purchase_order["id"]]["purchaseOrderLines"]
        comment = [line for line in rows if line["lineType"] == "Comment"]
        self.assertEqual(comment[-1]["description"], "Warehouse receipt: 15 received, 1 damaged, 1 short")
        self.assertEqual(receipt.state, "confirmed")

    def test_a_count_reaches_bc_through_the_clients_api_page_only(self):
        bc = self.fake_bc()

        def count(quantity):
            wizard = Form(self.env["integration.inventory.reconcile"].with_user(self.user_manager))
            wizard.product_id, wizard.location_id = self.mug, self.warehouse.lot_stock_id
            wizard.counted_qty, wizard.reason = quantity, "miscount"
            wizard.save().action_apply()
            return self.env["integration.job"].search(
                [("channel_id", "=", self.bc.id), ("job_type", "=", "inventory_position")], order="id desc", limit=1
            )

        with mute_logger(*QUIET):
            job = count(8)
            self.run_jobs()
        self.assertEqual(job.state, "dead", "no standard inventory write: never a silent success")
        self.assertIn("no inventory write", job.last_error)
        self.assertIn("Inventory positions API", job.last_error)
        self.bc.dynamics365_inventory_endpoint = "api/contoso/warehouse/v1.0/companies({company})/inventoryPositions"
        job = count(7)
        bc.fail("POST", r"/inventoryPositions$", requests.Timeout)
        with mute_logger(*QUIET):
            self.run_jobs()
        self.assertEqual(job.state, "pending", "a timeout is retried")
        job.sudo().next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        (position,) = bc.inventory_positions
        self.assertEqual(
            (position["itemNumber"], position["locationCode"], position["countedQuantity"], position["quantityDelta"]),
            ("MUG-001", "3PL", 7.0, -1.0),
        )
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})
        self.run_jobs()
        self.assertEqual(len(bc.inventory_positions), 1, "posted once per count reference")
        refused = "The Item does not exist. Identification fields and values: No.='MUG-001'"
        with mute_logger(*QUIET):
            job = count(6)
            bc.fail("POST", r"/inventoryPositions$", 400, message=refused)
            self.run_jobs()
        self.assertEqual(job.state, "dead", "BC's refusal of the item is permanent")
        self.assertIn(refused, job.last_error)

    # --- authentication, paging, throttling -------------------------------------------------------
    @mute_logger(*QUIET)
    def test_token_refresh_paging_throttling_and_refused_credentials(self):
        bc = self.fake_bc()
        bc.page_size = 2
        for number in range(3):
            bc.add_order(f"a0000000-0000-4000-8000-00000000001{number}", number=f"10100{number}")
        self.assertEqual(self.poll(), 3, "two pages in one run, through @odata.nextLink")
        self.assertEqual(bc.token_requests, 1, "one token for the run")
        paged = [call for call in bc.calls if call[1].endswith("/salesOrders")]
        self.assertEqual(len(paged), 2)
        self.assertIn("status eq 'Open'", paged[0][2]["$filter"])
        bc.expire_tokens()
        bc.add_order("a0000000-0000-4000-8000-000000000020", number="101020")
        self.assertEqual(self.poll(), 1, "the expired token answered 401: a new one was asked for")
        self.assertEqual(bc.token_requests, 2)
        cursor = self.bc._poll_cursor("orders")
        before = cursor.cursor
        bc.fail("GET", r"/salesOrders$", 429, {"Retry-After": "120"})
        self.assertEqual(self.poll(), 0)
        self.assertIn("rate limited", cursor.last_error)
        self.assertEqual(cursor.cursor, before, "the cursor waits")
        bc.fail("GET", r"/salesOrders$", 503)
        bc.fail("GET", r"/salesOrders$", 503)
        self.assertEqual(self.poll(), 0)
        self.assertIn("server error", cursor.last_error)
        bc.secret = "rotated-in-entra"
        bc.expire_tokens()
        self.poll()
        self.assertTrue(self.bc.outbound_paused, "refused client credentials park the channel")
        (exception,) = self.bc_exceptions("channel_access")
        self.assertIn("invalid_client", exception.description)
        self.assertNotIn("entra-secret", exception.description)

    # --- webhooks -------------------------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_subscription_handshake_notifications_renewal_and_expiry(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        bc = self.fake_bc()
        result = self.bc.with_user(self.user_admin).action_register_webhooks()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        url = self.bc.sudo().webhook_url
        self.assertEqual(bc.handshakes, [(url, 200, True)], "BC's validationToken echoed as plain text")
        (subscription,) = bc.subscriptions.values()
        self.assertEqual(subscription["resource"], f"/api/v2.0/companies({COMPANY})/salesOrders")
        self.assertEqual(subscription["clientState"], self.bc._get_secret("webhook_secret"))
        sub_id = subscription["subscriptionId"]

        order_id = bc.add_order()["id"]
        forged = bc.notify(url, [(sub_id, f"{ORDERS}({order_id})", "created")], client_state="guess")
        self.assertEqual(forged.status_code, 401, "a wrong clientState is refused (BC would drop that subscription)")
        self.assertFalse(self.bc_events())
        entry = (sub_id, f"{ORDERS}({order_id})", "created")
        answer = bc.notify(url, [entry])
        self.assertEqual((answer.status_code, answer.json()["message"]), (200, "accepted"))
        self.process()
        order = self.bc_order(order_id)
        self.assertEqual(order.state, "accepted", "the notification is a hint: the order was read from BC")
        self.assertNotIn("clientState", self.bc_events("entry").mapped(lambda e: e._payload()).__repr__())
        cursor = self.bc._poll_cursor("orders")
        cursor.polled_at = fields.Datetime.now()
        collection = {
            "subscriptionId": sub_id,
            "clientState": subscription["clientState"],
            "resource": f"/{ORDERS}?$filter=lastModifiedDateTime%20gt%202026-11-20T11:00:00Z",
            "changeType": "collection",
            "lastModifiedDateTime": "2026-11-20T11:00:30Z",
        }
        self.assertEqual(bc.notify(url, [collection]).status_code, 200)
        self.process()
        self.assertFalse(cursor.polled_at, "over 1,000 changes: the orders are read by the next polling run")
        bc.orders.pop(order_id)  # cancelled in BC: deleted
        bc.notify(url, [(sub_id, f"{ORDERS}({order_id})", "deleted")])
        self.process()
        self.assertEqual(order.state, "cancelled")

        with freeze_time(fields.Datetime.now() + timedelta(days=2, hours=1)):
            self.bc.webhooks_checked_at = False
            self.bc._check_webhook_health(fields.Datetime.now())
            self.assertEqual(len(bc.handshakes), 2, "renewed on its last day: a new handshake")
            renewed_until = bc.subscriptions[sub_id]["expirationDateTime"]
        self.assertGreater(renewed_until, subscription["lastModifiedDateTime"])
        self.assertFalse(self.bc_exceptions("webhook_disabled"))
        with freeze_time(fields.Datetime.now() + timedelta(days=6)):
            bc.expire_subscriptions()
            self.bc.webhooks_checked_at = False
            self.bc._check_webhook_health(fields.Datetime.now())
        (exception,) = self.bc_exceptions("webhook_disabled")
        self.assertIn("salesOrders", exception.name)
        self.bc.with_user(self.user_admin).action_register_webhooks()
        self.assertEqual(len(bc.subscriptions), 1, "Register webhooks created it again")

    def test_handshake_is_only_for_live_channels_and_never_stored(self):
        response = self.opener.post(f"{self.base_url()}{ROUTE}{self.bc.webhook_token}?validationToken=abc123")
        self.assertEqual((response.status_code, response.text), (200, "abc123"))
        self.assertIn("text/plain", response.headers["Content-Type"])
        self.assertFalse(self.bc_events())
        self.bc.sudo().state = "paused"
        paused = self.opener.post(f"{self.base_url()}{ROUTE}{self.bc.webhook_token}?validationToken=x")
        self.assertEqual(
            (paused.status_code, paused.headers.get("Retry-After")),
            (503, "3600"),
            "paused: BC is asked to retry (for 36 hours) instead of deleting its subscription on a 404",
        )
        self.bc.sudo().state = "draft"
        draft = self.opener.post(f"{self.base_url()}{ROUTE}{self.bc.webhook_token}?validationToken=x")
        self.assertEqual(draft.status_code, 404, "a draft channel is unknown")
        payload = json.dumps({"value": []}).encode()
        self.bc.sudo().state = "live"
        self.assertEqual(self.url_open(ROUTE + self.bc.webhook_token, data=payload).status_code, 401)

    def test_items_become_the_catalog_when_business_central_owns_it(self):
        bc = self.fake_bc()
        bowl = bc.add_item("BOWL-9", "Bowl", gtin="8400000000109")
        bc.add_item("SRV-1", "Assembly service", type="Service")
        self.assertEqual(self.poll("catalog"), 0, "the warehouse owns the catalog: BC's items are not read")
        self.bc.sudo().catalog_owner = "channel"
        self.assertEqual(self.poll("catalog"), 2)
        self.process()
        (item,) = self.env["integration.catalog.item"].search([("channel_id", "=", self.bc.id)])
        self.assertEqual((item.external_id, item.sku), (bowl["id"], "BOWL-9"))
        self.assertEqual(item.product_tmpl_id.product_variant_ids.default_code, "BOWL-9")
        self.assertEqual(item.state, "variants_assigned", "API v2.0 has no pack levels nor weight: it waits for them")

    @mute_logger(*QUIET)
    def test_a_notification_of_many_changes_is_stored_at_once_and_no_row_keeps_the_client_state(self):
        secret = "client-state-7f3a"
        self.bc.sudo().webhook_secret = secret
        bc = self.fake_bc()
        Event = self.env["integration.event"].sudo()

        def change(number):
            resource = f"/api/v2.0/companies({COMPANY})/customers(c000000{number})"
            return {
                "subscriptionId": "s1",
                "clientState": secret,
                "resource": resource,
                "changeType": "updated",
                "lastModifiedDateTime": "2026-11-20T11:00:00Z",
            }

        known = change(3)
        key = f"entry:s1|{known['resource']}|{known['lastModifiedDateTime']}"
        earlier = {k: v for k, v in known.items() if k != "clientState"}  # as an earlier notification stored it
        known_id, _created = Event._receive(self.bc, key, "entry", earlier, source="webhook")
        url = f"{self.base_url()}{ROUTE}{self.bc.webhook_token}"
        self.assertEqual(bc.notify(url, [change(1), change(2), change(1), known]).status_code, 200)
        with patch.object(type(Event), "_insert_rows", autospec=True, side_effect=type(Event)._insert_rows) as insert:
            self.process()
        entries = self.bc_events("entry")
        self.assertEqual(len(entries), 3, "change 1 twice in the notification and change 3 already known")
        self.assertEqual(insert.call_count, 1, "the notification's changes are written by one INSERT")
        first = entries.filtered(lambda event: "c0000001" in event.idempotency_key)
        self.assertEqual((first.duplicate_count, Event.browse(known_id).duplicate_count), (1, 1), "recorded")
        (notification,) = self.bc_events("notification")
        self.assertEqual(notification.state, "done")
        for event in notification | entries:
            self.assertNotIn(secret, f"{event.payload}{event.headers}", "the webhook secret is never stored")
        self.assertIn("customers(c0000002)", notification.payload, "the rest of the body is kept as received")

    def test_cancelled_and_dead_fulfillment_jobs_are_not_counted_as_shipped(self):
        Job = self.env["integration.job"].sudo()

        def job(parcel, quantity, state="pending"):
            payload = {"order_external_id": "O-1", "lines": [{"line_id": "L1", "quantity": quantity}]}
            queued = Job._enqueue(self.bc, "fulfillment", f"fulfillment:O-1:{parcel}", payload)
            queued.state = state
            return queued

        job("P1", 2, "done")
        job("P2", 5, "dead")
        job("P3", 7, "cancelled")
        current = job("P4", 1, "running")
        job("P5", 4)  # a later parcel: not yet
        targets = self.env["integration.adapter.dynamics365_bc"]._dynamics365_shipped_targets(current)
        self.assertEqual(dict(targets), {"L1": 3.0}, "P1 and this parcel only")

"""The access log tells the truth, over HTTP as the web client does it (README "Personal data").

A kanban or list rendering is no opening; a form load is one (once a day per user and record); an
export and a print are each one entry with the number of records.
"""

import json

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .order_common import OrderCase

KANBAN = {"name": {}, "customer_name": {}, "ship_city": {}, "state": {}, "channel_id": {"fields": {"display_name": {}}}}
# the list with its optional columns, and a personal one added: still a list
LIST = {"received_at": {}, "name": {}, "customer_name": {}, "ship_city": {}, "ship_zip": {}, "state": {}}
FORM = {
    "name": {},
    "customer_name": {},
    "customer_email": {},
    "ship_name": {},
    "ship_street": {},
    "ship_zip": {},
    "ship_phone": {},
    "state": {},
}


@tagged("post_install", "-at_install")
class TestPersonalDataAccessOverHttp(OrderCase, HttpCase):
    def setUp(self):
        super().setUp()
        self.orders = self.env["integration.channel.order"].concat(
            *(self.ingest(self.order_data(f"H-{n}"))[1] for n in range(3))
        )
        self.authenticate("hub_ops", "hub_ops")

    def call(self, method, args=(), **kwargs):
        route = f"/web/dataset/call_kw/integration.channel.order/{method}"
        return self.make_jsonrpc_request(
            route, {"model": "integration.channel.order", "method": method, "args": list(args), "kwargs": kwargs}
        )

    def entries(self, action, user=None):
        return self.env["integration.audit.log"].search(
            [("action", "=", action), ("user_id", "=", (user or self.user_operations).id)]
        )

    def test_kanban_and_list_renders_are_not_openings_a_form_load_is_an_export_counts(self):
        domain = [("id", "in", self.orders.ids)]
        self.call("web_search_read", domain=domain, specification=KANBAN, limit=80)
        self.call("web_search_read", domain=domain, specification=LIST, limit=80)
        self.call("web_read_group", domain=domain, fields=["state"], groupby=["state"])
        self.assertFalse(self.entries("pii_access") | self.entries("pii_export"), "nobody opened anything")

        values = self.call("web_read", [self.orders[0].id], specification=FORM)
        self.assertEqual(values[0]["ship_street"], "Calle de Colón 12", "the form shows the address in clear")
        self.call("web_read", [self.orders[0].id], specification=FORM)  # reopened the same day
        opened = self.entries("pii_access")
        self.assertEqual(len(opened), 1)
        self.assertEqual((opened.res_model, opened.res_id), (self.orders._name, self.orders[0].id))

        # the export right on top of a role that ships (Finance exports lists, not addresses)
        shipper = new_test_user(
            self.env, "hub_shipper", groups="integration_hub.group_hub_operations,base.group_allow_export"
        )
        self.authenticate("hub_shipper", "hub_shipper")
        for _twice in range(2):  # every export is an entry, with its count
            response = self.url_open(
                "/web/export/csv",
                data={
                    "data": json.dumps(
                        {
                            "model": "integration.channel.order",
                            "fields": [{"name": "name", "label": "Order"}, {"name": "ship_street", "label": "Street"}],
                            "ids": self.orders.ids,
                            "domain": [],
                            "import_compat": False,
                        }
                    ),
                    "csrf_token": http.Request.csrf_token(self),
                },
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("Calle de Colón 12", response.text)
        exports = self.entries("pii_export", shipper)
        self.assertEqual(len(exports), 2)
        self.assertEqual({json.loads(entry.after)["records"] for entry in exports}, {3})
        self.assertIn("Street", exports[0].reason)
        self.assertFalse(self.entries("pii_access", shipper), "an export is not counted as openings")

    def test_printing_the_delivery_slip_is_logged_with_its_count(self):
        pickings = self.orders.sale_order_id.picking_ids
        self.assertTrue(pickings)
        response = self.url_open(f"/report/pdf/stock.report_deliveryslip/{','.join(map(str, pickings.ids))}")
        self.assertEqual(response.status_code, 200)
        printed = self.entries("pii_export")
        self.assertEqual(len(printed), 1)
        self.assertEqual(json.loads(printed.after)["records"], len(pickings))
        self.assertIn("Printed", printed.reason)

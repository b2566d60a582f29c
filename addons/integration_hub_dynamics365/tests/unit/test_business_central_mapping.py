"""Business Central documents to the hub's (no database): lib/business_central.py."""

import unittest
from datetime import datetime

from odoo.addons.integration_hub_dynamics365.lib import business_central as B

ORDER = {
    "id": "b6f4017a-b749-ee11-ad0b-a1422c0f7f1f",
    "number": "101005",
    "orderDate": "2025-03-04",
    "status": "Open",
    "customerName": "Tienda Ejemplo SL",
    "shipToName": "Tienda Ejemplo SL",
    "shipToContact": "Lucía Ferrer",
    "shipToCountry": "ES",
    "lastModifiedDateTime": "2025-03-04T09:13:40.5Z",
    "shipmentMethod": {"code": "EXPRESS"},
    "salesOrderLines": [
        {"id": "l1", "lineType": "Item", "lineObjectNumber": "TEE-BLU-M", "quantity": 2, "itemVariantId": B.NO_ID},
        {"id": "l2", "lineType": "Item", "lineObjectNumber": "TEE", "quantity": 1, "itemVariantId": "v-1"},
        {"id": "l3", "lineType": "Comment", "description": "Fragile"},
        {"id": "l4", "lineType": "Resource", "lineObjectNumber": "INSTALL", "quantity": 1},
        {"id": "l5", "lineType": "Item", "lineObjectNumber": "MUG", "quantity": 1, "locationId": "main"},
    ],
}


class TestBusinessCentralMapping(unittest.TestCase):
    def test_order_lines_by_kind_variant_and_location(self):
        document = B.order_document(ORDER, location_id="3pl")
        lines = {line["id"]: line for line in document["lines"]}
        self.assertEqual(sorted(lines), ["l1", "l2", "l4", "l5"], "a comment line is no line")
        self.assertEqual(lines["l1"]["sku"], "TEE-BLU-M")
        self.assertEqual((lines["l2"]["sku"], lines["l2"]["variant_id"]), ("", "v-1"), "a variant resolves by its id")
        self.assertIs(lines["l4"]["ships"], False, "a resource is no goods")
        self.assertEqual(lines["l5"]["fulfilled_by"], "another Business Central location")
        self.assertNotIn("fulfilled_by", lines["l1"], "no location on the line: this warehouse's")
        address = document["shipping_address"]
        self.assertEqual((address["name"], address["company"]), ("Lucía Ferrer", "Tienda Ejemplo SL"))
        self.assertEqual((document["service_level"], document["financial_status"]), ("EXPRESS", "paid"))
        self.assertEqual(document["placed_at"], "2025-03-04T00:00:00+00:00")

    def test_texts_times_and_resources(self):
        self.assertEqual(B.parse_time("2025-03-07T09:13:40.5Z"), datetime(2025, 3, 7, 9, 13, 40, 500000))
        self.assertEqual(B.parse_time(""), datetime.min)
        self.assertEqual(B.parse_resource("api/v2.0/companies(c-1)/salesOrders(o-9)"), ("c-1", "salesOrders", "o-9"))
        self.assertEqual(B.parse_resource("/api/v2.0/companies(c-1)/items?$filter=x")[1:], ("items", None))
        comment = B.tracking_comment({"company": "Correos " * 20, "number": "PQ1"})
        self.assertEqual(len(comment), B.COMMENT_LENGTH, "a sales line's description is Text[100]")
        confirmation = {
            "lines": [
                {"received": 9, "damaged": 1, "result": "short"},
                {"received": 6, "damaged": 0, "result": "as_expected"},
            ],
            "unexpected": [{"sku": "POLO-S"}],
        }
        self.assertEqual(
            B.receipt_comment(confirmation), "Warehouse receipt: 15 received, 1 damaged, 1 short, not expected: POLO-S"
        )
        self.assertEqual(
            B.modified_since(datetime(2025, 3, 4, 9), "status eq 'Open'")["$filter"],
            "lastModifiedDateTime gt 2025-03-04T09:00:00Z and status eq 'Open'",
        )

    def test_the_client_secret_never_reaches_the_debug_log(self):
        import responses  # noqa: PLC0415 - only this test stubs HTTP

        logged = []
        secret = "a+b/c=d~e"
        with responses.RequestsMock() as remote:
            remote.post(
                f"{B.LOGIN_HOST}/t-1/oauth2/v2.0/token",
                json={"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ.token"},
            )
            client = B.EntraTokenClient(log=lambda what, text: logged.append(text))
            token, expires = client.token("t-1", "c-1", secret, datetime(2025, 3, 4, 9))
        self.assertEqual((token, expires), ("eyJ.token", datetime(2025, 3, 4, 9, 59, 59)))
        self.assertRegex(
            logged[0], r"^POST \S+/t-1/oauth2/v2.0/token \(attempt 1\): sent \d+ bytes; HTTP 200, \d+ bytes$"
        )
        self.assertNotIn("client_secret", logged[0], "no request body is logged")
        self.assertNotIn("eyJ.token", logged[0], "the access token in the answer is redacted too")

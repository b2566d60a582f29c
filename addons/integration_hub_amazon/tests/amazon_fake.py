"""A stand-in for Amazon's Selling Partner API (EU) and Login with Amazon, plugged into ``responses``.

Written from ../shared/platforms/amazon.md (the SP-API models it cites), small and scrubbed. It enforces
what Amazon does and the hub must cope with:
- LWA: ``grant_type=refresh_token`` with the app's client id and secret → a one-hour ``Atza|`` token;
  a revoked refresh token → 400 ``invalid_grant``; an expired or unknown access token → 403 ``Unauthorized``;
- the Restricted Data Token (``/tokens/2021-03-01/restrictedDataToken``) only when the app has the restricted
  role (else 403); without it ``ShippingAddress`` has no name, street nor phone and there is no ``BuyerInfo``;
- getOrders: ``LastUpdatedAfter`` (or ``NextToken`` alone), ``OrderStatuses``, ``FulfillmentChannels``,
  ``payload.NextToken`` pages and ``LastUpdatedBefore``; getOrderItems with its own ``NextToken``;
- shipmentConfirmation: 204; ``packageReferenceId`` numeric and unique per order; ``carrierName`` required with
  ``Other``; an item quantity above what is left to ship → 400;
- Feeds 2021-06-30: document → pre-signed PUT URL (Content-Type checked) → createFeed (202) with the
  JSON_LISTINGS_FEED quota (5 per 5 minutes: 429 ``QuotaExceeded`` without Retry-After) → IN_QUEUE until
  ``process_feeds()`` → DONE with a processing report (``issues`` ERROR / WARNING), possibly GZIP;
- Reports 2021-06-30 (returns flat file, tab separated) made by ``process_reports()``;
- scripted SP-API failures (``fail_next``): 429 with or without Retry-After, 500/503, timeouts.
"""

import copy
import gzip
import json
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import requests
import responses

API = "https://sellingpartnerapi-eu.amazon.com"
LWA = "https://api.amazon.com/auth/o2/token"
S3 = "https://tortuga-prod-eu.s3-eu-west-1.amazonaws.com"
SPAIN = "A1RKKUPIHCS9HS"

ORDER = {
    "AmazonOrderId": "171-1234567-7654321",
    "PurchaseDate": "2026-11-20T09:12:01Z",
    "LastUpdateDate": "2026-11-20T09:40:00Z",
    "OrderStatus": "Unshipped",
    "FulfillmentChannel": "MFN",
    "MarketplaceId": SPAIN,
    "ShipServiceLevel": "Std ES Dom_1",
    "ShipmentServiceLevelCategory": "Standard",
    "EarliestShipDate": "2026-11-20T23:00:00Z",
    "LatestShipDate": "2026-11-21T22:59:59Z",
    "IsPrime": False,
    "IsBusinessOrder": False,
    "OrderTotal": {"CurrencyCode": "EUR", "Amount": "29.90"},
    "NumberOfItemsShipped": 0,
    "NumberOfItemsUnshipped": 2,
    "ShippingAddress": {
        "Name": "Lucía Ferrer",
        "AddressLine1": "C/ Colón 12",
        "AddressLine2": "3º B",
        "City": "Valencia",
        "StateOrRegion": "Valencia",
        "PostalCode": "46004",
        "CountryCode": "ES",
        "Phone": "+34600111222",
        "AddressType": "Residential",
    },
    "BuyerInfo": {"BuyerEmail": "abc123@marketplace.amazon.es", "BuyerName": "Lucía Ferrer"},
}
ITEM = {
    "OrderItemId": "53412345678901",
    "SellerSKU": "TSHIRT-S",
    "ASIN": "B0EXAMPLE1",
    "Title": "Tee blue S",
    "QuantityOrdered": 2,
    "QuantityShipped": 0,
    "ItemPrice": {"CurrencyCode": "EUR", "Amount": "25.00"},
    "ItemTax": {"CurrencyCode": "EUR", "Amount": "4.34"},
    "ShippingPrice": {"CurrencyCode": "EUR", "Amount": "4.90"},
    "ShippingTax": {"CurrencyCode": "EUR", "Amount": "0.85"},
    "PromotionDiscount": {"CurrencyCode": "EUR", "Amount": "0.00"},
    "IsGift": "false",
    "BuyerRequestedCancel": {"IsBuyerRequestedCancel": "false", "BuyerCancelReason": ""},
}
PII_ADDRESS_KEYS = ("Name", "AddressLine1", "AddressLine2", "AddressLine3", "Phone", "CompanyName")
RETURNS_HEADER = [
    "Order ID",
    "Order date",
    "Return request date",
    "Return request status",
    "Amazon RMA ID",
    "Merchant SKU",
    "Item name",
    "Return quantity",
    "Return reason",
    "Return carrier",
    "Tracking ID",
    "Resolution",
]


def errors(status, code, message, headers=None):
    return (
        status,
        {"x-amzn-RequestId": "req-fake", **(headers or {})},
        json.dumps({"errors": [{"code": code, "message": message, "details": ""}]}),
    )


def ok(body, status=200):
    return status, {"x-amzn-RequestId": "req-fake", "Content-Type": "application/json"}, json.dumps(body)


def now():
    return datetime.now(UTC).replace(tzinfo=None)  # freezegun moves it too


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeAmazon:
    def __init__(
        self, client_id="amzn1.application-oa2-client.test", client_secret="lwa-secret", refresh="Atzr|refresh"
    ):
        self.client_id, self.client_secret, self.refresh_token = client_id, client_secret, refresh
        self.tokens = {}  # access token -> expiry
        self.restricted_role = True
        self.rdts = {}  # RDT -> path it opens
        self.orders, self.items = {}, {}  # id -> order; id -> [items]
        self.shipments = []  # (order id, package)
        self.documents, self.feeds, self.feed_times = {}, {}, []
        self.feed_issues = {}  # sku -> (severity, code, message) for the next processed feeds
        self.quantities = {}  # sku -> quantity Amazon holds
        self.reports, self.returns_rows = {}, []
        self.page_size, self.items_page_size = 100, 100
        self.gzip_reports = False
        self.calls, self.failures = [], []
        self.count = 0

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        for method in (responses.GET, responses.POST, responses.PUT):
            for host in (API, LWA, S3):
                mock.add_callback(method, re.compile(re.escape(host) + ".*"), callback=self._callback)
        return self

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def expire_tokens(self):
        self.tokens.clear()

    def add_order(self, order_id, updated=None, items=None, **changes):
        order = copy.deepcopy(ORDER)
        order.update(AmazonOrderId=order_id, LastUpdateDate=updated or stamp(now() - timedelta(minutes=10)), **changes)
        self.orders[order_id] = order
        self.items[order_id] = [dict(copy.deepcopy(ITEM), **item) for item in (items or [{}])]
        return order

    def update_order(self, order_id, **changes):
        """A change on Amazon's side, 3 minutes ago (getOrders serves updates older than 2 minutes)."""
        changes.setdefault("LastUpdateDate", stamp(now() - timedelta(minutes=3)))
        self.orders[order_id].update(**changes)

    def request_cancel(self, order_id, reason="I no longer need it"):
        for item in self.items[order_id]:
            item["BuyerRequestedCancel"] = {"IsBuyerRequestedCancel": "true", "BuyerCancelReason": reason}
        self.update_order(order_id)

    def notification(self, order_id, notification_id, status=None, change="OrderStatusChange"):
        """An ORDER_CHANGE notification body as Amazon puts it in the seller's SQS queue (no personal data)."""
        order = self.orders[order_id]
        return json.dumps(
            {
                "NotificationVersion": "1.0",
                "NotificationType": "ORDER_CHANGE",
                "PayloadVersion": "1.0",
                "EventTime": stamp(now()),
                "Payload": {
                    "OrderChangeNotification": {
                        "NotificationLevel": "OrderLevel",
                        "SellerId": "A3TESTSELLER",
                        "AmazonOrderId": order_id,
                        "OrderChangeType": change,
                        "OrderChangeTrigger": {"TimeOfOrderChange": stamp(now()), "ChangeReason": "StatusChange"},
                        "Summary": {
                            "MarketplaceId": SPAIN,
                            "OrderStatus": status or order["OrderStatus"],
                            "FulfillmentType": "MFN",
                            "LatestShipDate": order["LatestShipDate"],
                            "OrderItems": [
                                {
                                    "OrderItemId": i["OrderItemId"],
                                    "SellerSKU": i["SellerSKU"],
                                    "Quantity": i["QuantityOrdered"],
                                    "IsBuyerRequestedCancel": i["BuyerRequestedCancel"]["IsBuyerRequestedCancel"],
                                }
                                for i in self.items[order_id]
                            ],
                        },
                    }
                },
                "NotificationMetadata": {
                    "ApplicationId": "amzn1.sellerapps.app.test",
                    "SubscriptionId": "sub-1",
                    "PublishTime": stamp(now()),
                    "NotificationId": notification_id,
                },
            }
        )

    def process_feeds(self):
        """Amazon processes the waiting feeds: quantities applied, a report with the scripted issues."""
        for feed in self.feeds.values():
            if feed["processingStatus"] != "IN_QUEUE":
                continue
            body = json.loads(self.documents[feed["inputFeedDocumentId"]]["content"])
            issues = []
            for message in body["messages"]:
                sku = message["sku"]
                if sku in self.feed_issues:
                    severity, code, text = self.feed_issues[sku]
                    issues.append(
                        {
                            "messageId": message["messageId"],
                            "sku": sku,
                            "code": code,
                            "severity": severity,
                            "message": text,
                        }
                    )
                    if severity == "ERROR":
                        continue
                self.quantities[sku] = message["patches"][0]["value"][0]["quantity"]
            errors_ = sum(1 for i in issues if i["severity"] == "ERROR")
            report = {
                "header": {"sellerId": body["header"]["sellerId"], "version": "2.0", "feedId": feed["feedId"]},
                "issues": issues,
                "summary": {
                    "errors": errors_,
                    "warnings": len(issues) - errors_,
                    "messagesProcessed": len(body["messages"]),
                    "messagesAccepted": len(body["messages"]) - errors_,
                    "messagesInvalid": errors_,
                },
            }
            feed.update(
                processingStatus="DONE",
                resultFeedDocumentId=self._document(json.dumps(report), gzipped=self.gzip_reports),
            )

    def process_reports(self):
        for report in self.reports.values():
            if report["processingStatus"] != "IN_QUEUE":
                continue
            if not self.returns_rows:
                report["processingStatus"] = "CANCELLED"  # Amazon cancels a report with no data
                continue
            lines = ["\t".join(RETURNS_HEADER)] + [
                "\t".join(str(row.get(h, "")) for h in RETURNS_HEADER) for row in self.returns_rows
            ]
            report.update(
                processingStatus="DONE",
                reportDocumentId=self._document("\n".join(lines) + "\n", gzipped=self.gzip_reports),
            )

    # --- the HTTP side ----------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        self.calls.append((request.method, url.path, dict(request.headers)))
        if url.netloc == urlparse(S3).netloc:
            return self._s3(request, url)
        if self.failures and not request.url.startswith(LWA):  # scripted failures are the SP-API's
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            if status == 429:
                return errors(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", headers)
            return errors(status, "InternalFailure", "We encountered an internal error. Please try again.", headers)
        if request.url.startswith(LWA):
            return self._lwa(request)
        token = request.headers.get("x-amz-access-token")
        restricted_path = self.rdts.get(token)
        if restricted_path is None and (token not in self.tokens or self.tokens[token] < now()):
            return errors(403, "Unauthorized", "The access token you provided has expired.")
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else {}
        for pattern, handler in self.ROUTES:
            match = re.fullmatch(pattern, f"{request.method} {url.path}")
            if match:
                if restricted_path is not None and not url.path.startswith(restricted_path):
                    return errors(403, "Unauthorized", "The RDT does not open this resource.")
                return handler(self, query, body, restricted_path is not None, *match.groups())
        return errors(404, "NotFound", "Resource not found")

    def _lwa(self, request):
        form = {
            key: values[-1]
            for key, values in parse_qs(
                request.body if isinstance(request.body, str) else request.body.decode()
            ).items()
        }
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return 401, {}, json.dumps({"error": "invalid_client", "error_description": "Client authentication failed"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return (
                400,
                {},
                json.dumps(
                    {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter"}
                ),
            )
        self.count += 1
        token = f"Atza|token-{self.count}"
        self.tokens[token] = now() + timedelta(seconds=3600)
        return ok(
            {"access_token": token, "token_type": "bearer", "expires_in": 3600, "refresh_token": self.refresh_token}
        )

    def _s3(self, request, url):
        document = self.documents.get(url.path.strip("/"))
        if document is None or "X-Amz-Signature" not in url.query:
            return 403, {}, "<Error><Code>AccessDenied</Code></Error>"
        if request.method == "PUT":
            if request.headers.get("Content-Type") != document["contentType"]:
                return 403, {}, "<Error><Code>SignatureDoesNotMatch</Code></Error>"
            document["content"] = request.body.decode() if isinstance(request.body, bytes) else request.body
            return 200, {}, ""
        return 200, {}, document["raw"]

    def _document(self, content=None, content_type="application/json; charset=UTF-8", gzipped=False):
        self.count += 1
        document_id = f"amzn1.tortuga.4.eu.doc{self.count}"
        raw = gzip.compress(content.encode()) if (content is not None and gzipped) else (content or "").encode()
        self.documents[document_id] = {"contentType": content_type, "content": content, "raw": raw, "gzip": gzipped}
        return document_id

    def _url(self, document_id):
        return f"{S3}/{document_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=f00d"

    # routes: (self, query, body, restricted, *groups)
    def _rdt(self, query, body, restricted):
        if not self.restricted_role:
            return errors(
                403, "Unauthorized", "Application does not have access to one or more requested data elements"
            )
        resources = body.get("restrictedResources") or []
        if not resources or len(resources) > 50:
            return errors(400, "InvalidInput", "restrictedResources")
        self.count += 1
        token = f"Atz.sprdt|rdt-{self.count}"
        self.rdts[token] = resources[0]["path"]
        return ok({"restrictedDataToken": token, "expiresIn": 3600})

    def _visible(self, order, restricted):
        order = copy.deepcopy(order)
        if not restricted:
            for key in PII_ADDRESS_KEYS:
                order["ShippingAddress"].pop(key, None)
            order.pop("BuyerInfo", None)
        return order

    def _orders(self, query, body, restricted):
        if query.get("MarketplaceIds") != SPAIN:
            return errors(400, "InvalidInput", "MarketplaceIds")
        if "NextToken" in query:
            state = json.loads(query["NextToken"])
        else:
            if bool(query.get("LastUpdatedAfter")) == bool(query.get("CreatedAfter")):
                return errors(400, "InvalidInput", "Either CreatedAfter or LastUpdatedAfter must be given, not both")
            state = {
                "after": query["LastUpdatedAfter"],
                "statuses": query.get("OrderStatuses", ""),
                "channels": query.get("FulfillmentChannels", ""),
                "offset": 0,
            }
        before = stamp(now() - timedelta(minutes=2))
        matching = [
            o
            for o in sorted(self.orders.values(), key=lambda o: o["LastUpdateDate"])
            if state["after"] <= o["LastUpdateDate"] <= before
            and (not state["statuses"] or o["OrderStatus"] in state["statuses"].split(","))
            and (not state["channels"] or o["FulfillmentChannel"] in state["channels"].split(","))
        ]
        size = min(int(query.get("MaxResultsPerPage") or 100), self.page_size)
        chunk = matching[state["offset"] : state["offset"] + size]
        payload = {"Orders": [self._visible(o, restricted) for o in chunk], "LastUpdatedBefore": before}
        if state["offset"] + size < len(matching):
            payload["NextToken"] = json.dumps({**state, "offset": state["offset"] + size})
        return ok({"payload": payload})

    def _order(self, query, body, restricted, order_id):
        if order_id not in self.orders:
            return errors(404, "NotFound", "Order not found")
        return ok({"payload": self._visible(self.orders[order_id], restricted)})

    def _items(self, query, body, restricted, order_id):
        items = self.items[order_id]
        offset = int(query.get("NextToken", "0"))
        payload = {"AmazonOrderId": order_id, "OrderItems": items[offset : offset + self.items_page_size]}
        if offset + self.items_page_size < len(items):
            payload["NextToken"] = str(offset + self.items_page_size)
        return ok({"payload": payload})

    def _confirm(self, query, body, restricted, order_id):
        package = body.get("packageDetail") or {}
        if body.get("marketplaceId") != SPAIN or not str(package.get("packageReferenceId", "")).isdigit():
            return errors(400, "InvalidInput", "marketplaceId / packageReferenceId")
        if package.get("carrierCode") == "Other" and not package.get("carrierName"):
            return errors(400, "InvalidInput", "carrierName is required when carrierCode is Other")
        if any(o == order_id and p["packageReferenceId"] == package["packageReferenceId"] for o, p in self.shipments):
            return errors(400, "InvalidInput", "packageReferenceId already used for this order")
        items = {i["OrderItemId"]: i for i in self.items[order_id]}
        for line in package.get("orderItems") or []:
            item = items.get(line["orderItemId"])
            if item is None or line["quantity"] > item["QuantityOrdered"] - item["QuantityShipped"]:
                return errors(400, "InvalidInput", f"orderItemId {line['orderItemId']}: quantity")
        for line in package["orderItems"]:
            items[line["orderItemId"]]["QuantityShipped"] += line["quantity"]
        self.shipments.append((order_id, package))
        done = all(i["QuantityShipped"] >= i["QuantityOrdered"] for i in items.values())
        self.update_order(order_id, OrderStatus="Shipped" if done else "PartiallyShipped")
        return 204, {}, ""

    def _feed_document(self, query, body, restricted):
        document_id = self._document(content_type=body.get("contentType"))
        return ok({"feedDocumentId": document_id, "url": self._url(document_id)}, 201)

    def _create_feed(self, query, body, restricted):
        moment = time.time()
        self.feed_times = [t for t in self.feed_times if t > moment - 300]
        if body.get("feedType") == "JSON_LISTINGS_FEED" and len(self.feed_times) >= 5:
            return errors(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
        document = self.documents.get(body.get("inputFeedDocumentId"))
        if document is None or document["content"] is None or body.get("marketplaceIds") != [SPAIN]:
            return errors(400, "InvalidInput", "inputFeedDocumentId / marketplaceIds")
        self.feed_times.append(moment)
        feed_id = str(50000 + len(self.feeds))
        self.feeds[feed_id] = {
            "feedId": feed_id,
            "feedType": body["feedType"],
            "processingStatus": "IN_QUEUE",
            "inputFeedDocumentId": body["inputFeedDocumentId"],
        }
        return ok({"feedId": feed_id}, 202)

    def _feed(self, query, body, restricted, feed_id):
        return ok(self.feeds[feed_id])

    def _get_document(self, query, body, restricted, document_id):
        document = self.documents[document_id]
        answer = {"feedDocumentId": document_id, "url": self._url(document_id)}
        if document["gzip"]:
            answer["compressionAlgorithm"] = "GZIP"
        return ok(answer)

    def _create_report(self, query, body, restricted):
        report_id = str(70000 + len(self.reports))
        self.reports[report_id] = {
            "reportId": report_id,
            "reportType": body["reportType"],
            "processingStatus": "IN_QUEUE",
            "dataStartTime": body.get("dataStartTime"),
        }
        return ok({"reportId": report_id}, 202)

    def _report(self, query, body, restricted, report_id):
        return ok(self.reports[report_id])

    def _participations(self, query, body, restricted):
        return ok(
            {
                "payload": [
                    {
                        "marketplace": {"id": SPAIN, "name": "Amazon.es", "countryCode": "ES"},
                        "participation": {"isParticipating": True},
                    }
                ]
            }
        )

    ROUTES = [
        (r"POST /tokens/2021-03-01/restrictedDataToken", _rdt),
        (r"GET /orders/v0/orders", _orders),
        (r"GET /orders/v0/orders/([\d-]+)", _order),
        (r"GET /orders/v0/orders/([\d-]+)/orderItems", _items),
        (r"POST /orders/v0/orders/([\d-]+)/shipmentConfirmation", _confirm),
        (r"POST /feeds/2021-06-30/documents", _feed_document),
        (r"POST /feeds/2021-06-30/feeds", _create_feed),
        (r"GET /feeds/2021-06-30/feeds/(\d+)", _feed),
        (r"GET /(?:feeds|reports)/2021-06-30/documents/([\w.]+)", _get_document),
        (r"POST /reports/2021-06-30/reports", _create_report),
        (r"GET /reports/2021-06-30/reports/(\d+)", _report),
        (r"GET /sellers/v1/marketplaceParticipations", _participations),
    ]

import gzip
import json
import logging
from datetime import timedelta
from urllib.parse import urlparse

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Accepted, Delivered, StillProcessing
from odoo.addons.integration_hub.lib.errors import AuthError, PayloadError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import HttpClient
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor

from ..lib import amazon as A

_logger = logging.getLogger(__name__)

FEED_CHECK_SECONDS = 60  # a listings feed is usually processed within minutes
REPORT_DONE = "DONE"
FEED_WAITING = {"IN_QUEUE", "IN_PROGRESS"}
SQS_BATCH = 10  # ReceiveMessage returns at most 10 messages


class IntegrationAdapterAmazon(models.AbstractModel):
    """Amazon SP-API: MFN orders polled and announced through the seller's SQS queue; listings feeds,
    shipment confirmations and the returns report. Maps and talks only."""

    _name = "integration.adapter.amazon"
    _inherit = "integration.adapter"
    _description = "Amazon adapter"

    _capabilities = frozenset(
        (C.POLL_ORDERS, C.POLL_NOTIFICATIONS, C.POLL_RETURNS, C.RETURNS_IN, C.INVENTORY_ASYNC, C.FULFILLMENT)
        + (C.CONNECTION_TEST, C.TOKEN_REFRESH)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = []
        if not channel.amazon_seller_id:
            problems.append(_("no Amazon seller id"))
        if not (
            channel.amazon_lwa_client_id
            and channel._get_secret("amazon_lwa_client_secret")
            and channel._get_secret("amazon_refresh_token")
        ):
            problems.append(_("no Login with Amazon client id, client secret and refresh token"))
        if capability == C.POLL_NOTIFICATIONS and not (
            channel.amazon_sqs_queue_url
            and channel.amazon_aws_access_key_id
            and channel._get_secret("amazon_aws_secret_access_key")
        ):
            problems.append(_("no SQS queue URL and AWS key to read it"))
        return problems

    # --- authentication ---------------------------------------------------------------------
    @api.model
    def _refresh_access_token(self, channel):
        """Login with Amazon: the refresh token for a one-hour access token."""
        return A.LwaClient().token(
            channel.amazon_lwa_client_id,
            channel._get_secret("amazon_lwa_client_secret"),
            channel._get_secret("amazon_refresh_token"),
            fields.Datetime.now(),
        )

    @api.model
    def _client(self, channel):
        if not (channel.amazon_lwa_client_id and channel._get_secret("amazon_refresh_token")):
            raise AuthError(
                _("Amazon channel '%s' has no Login with Amazon client id and refresh token.", channel.name)
            )
        channel = channel.sudo()
        return A.AmazonClient(
            A.ENDPOINTS[channel.amazon_region or "eu"],
            lambda renew: channel._channel_access_token(renew=renew),
        )

    # --- in: orders ----------------------------------------------------------------------------
    @api.model
    def _poll(self, channel, stream, cursor):
        if stream == "notifications":
            return self._amazon_read_queue(channel)
        if stream == "returns":
            return self._amazon_poll_returns(channel, cursor)
        return self._amazon_poll_orders(channel, cursor)

    @api.model
    def _amazon_poll_orders(self, channel, cursor):
        """One page of MFN orders updated since the cursor (``LastUpdatedAfter``, then ``NextToken``).

        The next window starts at the answer's ``LastUpdatedBefore``; the addresses come with a Restricted
        Data Token when the app has the role (else they are withheld and the order is held).
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        client = self._client(channel)
        params = {"MarketplaceIds": channel.amazon_marketplace or A.SPAIN}
        if state.get("next"):
            params["NextToken"] = state["next"]
        else:
            start = since(state.get("since"), fields.Datetime.now())
            params.update(
                LastUpdatedAfter=A.iso(start),
                FulfillmentChannels="MFN",
                OrderStatuses=A.POLLED_STATUSES,
                MaxResultsPerPage=A.PAGE_SIZE,
            )
        rdt = client.restricted_data_token("/orders/v0/orders")
        payload = client.call("GET", "/orders/v0/orders", "getOrders", params=params, restricted=rdt)["payload"]
        page = PollPage()
        for listed in payload.get("Orders") or []:
            order = {**listed, "OrderItems": self._amazon_items(client, listed["AmazonOrderId"])}
            key = f"order:{order['AmazonOrderId']}:{order.get('LastUpdateDate')}"
            page.messages.append((key, "order", {"order": order, "restricted": bool(rdt)}))
        if payload.get("NextToken"):
            page.more = True
            page.cursor = json.dumps({**state, "next": payload["NextToken"]})
        else:
            before = payload.get("LastUpdatedBefore")
            page.cursor = before[:19] if before else state.get("since")
        return page

    @api.model
    def _amazon_items(self, client, order_id):
        items, params = [], {}
        while True:
            answer = client.call("GET", f"/orders/v0/orders/{order_id}/orderItems", "getOrderItems", params=params)
            payload = answer["payload"]
            items += payload.get("OrderItems") or []
            if not payload.get("NextToken"):
                return items
            params = {"NextToken": payload["NextToken"]}

    @api.model
    def _amazon_fetch_order(self, channel, order_id):
        """The order now, with its items and, when the role allows, its address and buyer (RDT)."""
        client = self._client(channel)
        path = f"/orders/v0/orders/{order_id}"
        rdt = client.restricted_data_token(path)
        order = client.call("GET", path, "getOrder", restricted=rdt)["payload"]
        return {"order": {**order, "OrderItems": self._amazon_items(client, order_id)}, "restricted": bool(rdt)}

    @api.model
    def _normalize_event(self, event, payload):
        if event.event_type == "ORDER_CHANGE":  # a ping carrying no personal data: read the order itself
            payload = self._amazon_fetch_order(
                event.channel_id, payload["Payload"]["OrderChangeNotification"]["AmazonOrderId"]
            )
        elif event.event_type == "return":
            return "return.created", payload
        elif event.event_type == "unreadable":  # kept as it came from the queue: a manager sees why
            raise PayloadError(_("unreadable message from the Amazon SQS queue: %s", payload.get("error")))
        elif event.event_type != "order":
            raise PayloadError(_("Amazon message type '%s' is not handled by the hub.", event.event_type))
        return A.order_document(payload["order"], payload.get("restricted"))

    # --- in: the SQS queue ---------------------------------------------------------------------
    @api.model
    def _amazon_sqs(self, channel):
        import boto3  # noqa: PLC0415  (only channels reading a queue need it)
        from botocore.config import Config  # noqa: PLC0415

        url = urlparse(channel.amazon_sqs_queue_url)
        host_parts = url.hostname.split(".")
        region = host_parts[1] if host_parts[0] == "sqs" and len(host_parts) > 3 else "eu-west-1"
        return boto3.client(
            "sqs",
            region_name=region,
            endpoint_url=f"{url.scheme}://{url.netloc}",
            aws_access_key_id=channel.amazon_aws_access_key_id,
            aws_secret_access_key=channel.sudo()._get_secret("amazon_aws_secret_access_key"),
            config=Config(connect_timeout=10, read_timeout=20, retries={"max_attempts": 2}),
        )

    @api.model
    def _amazon_read_queue(self, channel):
        """Up to 10 ORDER_CHANGE notifications; they are deleted from the queue once the inbox rows are committed.

        A message that is not a readable notification is stored as it came (the inbox shows it failed) and
        deleted too: SQS would otherwise deliver it again and again.
        """
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        if not channel.amazon_sqs_queue_url:
            return PollPage()  # no queue set up: the poll of the orders is the only way in
        sqs, queue = self._amazon_sqs(channel), channel.amazon_sqs_queue_url
        try:
            answer = sqs.receive_message(
                QueueUrl=queue, MaxNumberOfMessages=SQS_BATCH, WaitTimeSeconds=0, VisibilityTimeout=120
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("AccessDenied", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"):
                raise AuthError(
                    _(
                        "Amazon SQS refused the AWS key of channel %(channel)s (%(code)s)",
                        channel=channel.name,
                        code=code,
                    )
                ) from None
            raise RetryableError(_("Amazon SQS: %s", code or error)) from None
        except BotoCoreError as error:
            raise RetryableError(_("Amazon SQS could not be read: %s", error)) from None
        received = answer.get("Messages") or []
        page = PollPage(more=len(received) == SQS_BATCH)
        for message in received:
            try:
                key, _order_id, _change = A.notification(message["Body"])
                page.messages.append((f"notification:{key}", "ORDER_CHANGE", json.loads(message["Body"])))
            except PayloadError as error:
                raw = {"body": message["Body"][:100000], "error": str(error)}
                page.messages.append((f"sqs:{message['MessageId']}", "unreadable", raw))
        handles = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received)]

        def delete():
            if not handles:
                return
            try:
                sqs.delete_message_batch(QueueUrl=queue, Entries=handles)
            except (BotoCoreError, ClientError) as error:  # they come back after the visibility timeout: duplicates
                _logger.warning("Amazon SQS: stored messages of channel %s not deleted: %s", channel.code, error)

        page.after_commit = delete
        return page

    # --- in: returns ---------------------------------------------------------------------------
    @api.model
    def _amazon_poll_returns(self, channel, cursor):
        """The returns report: requested for the window since the cursor, read once Amazon has made it."""
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        client, now = self._client(channel), fields.Datetime.now()
        if not state.get("report"):
            start = max(since(state.get("since"), now), now - timedelta(days=A.RETURNS_REPORT_MAX_DAYS))
            answer = client.call(
                "POST",
                "/reports/2021-06-30/reports",
                "createReport",
                {
                    "reportType": A.RETURNS_REPORT,
                    "marketplaceIds": [channel.amazon_marketplace or A.SPAIN],
                    "dataStartTime": A.iso(start),
                    "dataEndTime": A.iso(now),
                },
            )
            return PollPage(
                cursor=json.dumps({"since": time_cursor(start), "report": answer["reportId"], "end": A.iso(now)})
            )
        report = client.call("GET", f"/reports/2021-06-30/reports/{state['report']}", "getReport")
        status = report.get("processingStatus")
        if status in ("IN_QUEUE", "IN_PROGRESS"):
            return PollPage()
        if status == "FATAL":  # Amazon could not make it: the same window is asked for again
            return PollPage(cursor=json.dumps({"since": state.get("since")}))
        page = PollPage(cursor=state["end"][:19])  # the next window starts where this report ended
        if status == REPORT_DONE:
            text = self._amazon_document(
                client, f"/reports/2021-06-30/documents/{report['reportDocumentId']}", "getReportDocument"
            )
            page.messages = [(key, "return", document) for key, document in A.return_documents(text)]
        return page  # CANCELLED: no data in the window (Amazon cancels a report with nothing in it)

    @api.model
    def _amazon_document(self, client, path, operation):
        """A feed or report document's content (pre-signed URL, maybe GZIP)."""
        document = client.call("GET", path, operation)
        response = HttpClient(name="Amazon document").request("GET", document["url"], "download")
        content = response.content
        if document.get("compressionAlgorithm") == "GZIP":
            content = gzip.decompress(content)
        return content.decode("utf-8-sig")

    # --- out: inventory ------------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity} in one JSON_LISTINGS_FEED (Amazon's seller SKU is the listing's id); confirmed later."""
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        Listing = self.env["integration.external.id"]
        listings, refused = Listing._to_push(
            channel, quantities, lambda skus: {sku: {"external_id": sku} for sku in skus}, _("not listed")
        )
        if not listings:
            return Delivered(_("Amazon already holds these quantities"), refused)
        send = {sku: quantities[sku] for sku in listings}
        if len(send) > A.FEED_MAX_MESSAGES:
            raise PermanentError(_("%s SKUs: more than a listings feed takes (25,000)", len(send)))
        client = self._client(channel)
        content_type = "application/json; charset=UTF-8"
        document = client.call(
            "POST", "/feeds/2021-06-30/documents", "createFeedDocument", {"contentType": content_type}
        )
        body = A.listings_feed(channel.amazon_seller_id, send, A.LOCALES.get(channel.amazon_marketplace, "es_ES"))
        HttpClient(name="Amazon feed document").request(
            "PUT", document["url"], "upload", data=json.dumps(body).encode(), headers={"Content-Type": content_type}
        )
        feed = client.call(
            "POST",
            "/feeds/2021-06-30/feeds",
            "createFeed",
            {
                "feedType": A.FEED_TYPE,
                "marketplaceIds": [channel.amazon_marketplace or A.SPAIN],
                "inputFeedDocumentId": document["feedDocumentId"],
            },
        )
        return Accepted(
            feed["feedId"], FEED_CHECK_SECONDS, _("feed %(feed)s: %(n)s SKUs", feed=feed["feedId"], n=len(send))
        )

    @api.model
    def _check_inventory(self, job):
        """The feed's status, then its processing report: errors refuse their SKUs (one exception), warnings noted."""
        client = self._client(job.channel_id)
        feed = client.call("GET", f"/feeds/2021-06-30/feeds/{job.remote_ref}", "getFeed")
        status = feed.get("processingStatus")
        if status in FEED_WAITING:
            return StillProcessing(FEED_CHECK_SECONDS)
        if status == "CANCELLED":
            raise PermanentError(_("Amazon cancelled feed %s before processing it", job.remote_ref))
        report = {}
        if feed.get("resultFeedDocumentId"):
            text = self._amazon_document(
                client, f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}", "getFeedDocument"
            )
            report = json.loads(text)
        if status == "FATAL":
            issues = "; ".join(f"{i.get('code')}: {i.get('message')}" for i in report.get("issues") or [])
            raise PermanentError(
                _("Amazon could not process feed %(feed)s: %(why)s", feed=job.remote_ref, why=issues or "FATAL")
            )
        quantities = {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        skus = sorted(quantities)
        errors, warnings = A.feed_issues(report, {})
        Listing = self.env["integration.external.id"]
        listed = Listing._listings_by_sku(job.channel_id, skus)
        errors.update({sku: _("not listed on this channel") for sku in skus if sku not in listed})
        accepted = [sku for sku in skus if sku not in errors]
        listings = Listing._listings_by_sku(job.channel_id, {sku: quantities[sku] for sku in accepted})
        Listing._record_pushed(Listing.concat(*listings.values()), quantities)
        summary = _(
            "feed %(feed)s: %(ok)s accepted, %(bad)s refused", feed=job.remote_ref, ok=len(accepted), bad=len(errors)
        )
        if warnings:
            summary += _("; warnings: %s", "; ".join(f"{sku}: {text}" for sku, text in sorted(warnings.items())))
        return Delivered(summary, errors, grouped=True)

    # --- out: shipments ------------------------------------------------------------------------
    @api.model
    def _push_fulfillment(self, job):
        """One ``shipmentConfirmation`` for this package with its items (a new packageReferenceId per package)."""
        channel, payload = job.channel_id, job._payload()
        Shipment = self.env["integration.external.id"]
        if Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):
            return _("already confirmed")  # a retried job never confirms a package twice
        order = self.env["integration.channel.order"].sudo().browse(payload["order_id"])
        ordered = {line.external_line_id: float(line.quantity_sent or 0) for line in order.line_ids}
        items = [
            {
                "orderItemId": line["line_id"],
                "quantity": int(min(line["quantity"], ordered.get(line["line_id"], line["quantity"]))),
            }
            for line in payload["lines"]
        ]
        tracking = payload.get("tracking") or {}
        code, name = A.carrier(tracking.get("company"))
        package = {
            "packageReferenceId": str(len(Shipment._of(channel, "shipment", order_id=order.id)) + 1),
            "carrierCode": code,
            "trackingNumber": tracking.get("number") or "",
            "shipDate": A.iso(fields.Datetime.from_string(payload.get("shipped_at")) or fields.Datetime.now()),
            "orderItems": items,
        }
        if name:
            package["carrierName"] = name
        self._client(channel).call(
            "POST",
            f"/orders/v0/orders/{payload['order_external_id']}/shipmentConfirmation",
            "confirmShipment",
            {"marketplaceId": channel.amazon_marketplace or A.SPAIN, "packageDetail": package},
        )
        Shipment._remember(
            channel,
            "shipment",
            f"{payload['order_external_id']}/{package['packageReferenceId']}",  # unique per order on Amazon
            hub_reference=payload["shipment_key"],
            order_id=order.id,
        )
        return _(
            "package %(ref)s confirmed with %(carrier)s %(number)s",
            ref=package["packageReferenceId"],
            carrier=name or code,
            number=tracking.get("number"),
        )

    # --- administration ------------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        answer = self._client(channel).call(
            "GET", "/sellers/v1/marketplaceParticipations", "getMarketplaceParticipations"
        )
        names = [
            (p.get("marketplace") or {}).get("name") or (p.get("marketplace") or {}).get("id")
            for p in answer.get("payload") or []
        ]
        return _("Amazon answers: the seller sells on %s.", ", ".join(filter(None, names)) or "-")

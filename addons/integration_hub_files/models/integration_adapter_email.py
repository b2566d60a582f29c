import base64

from odoo import _, api, fields, models
from odoo.tools import plaintext2html

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError

REPORT = "integration_hub_files.action_report_packing_list"


def whole(quantity):
    """4.0 -> 4 (units counted on a packing list); other quantities as they are."""
    return int(quantity) if isinstance(quantity, float) and quantity.is_integer() else quantity


class IntegrationChannelOrderPacking(models.Model):
    _inherit = "integration.channel.order"

    def _packing_list(self, payload=None):
        """What left with the carrier: {"lines": [{"sku", "name", "quantity"}], "cartons": [{"name", "contents"}],
        "carrier", "tracking", "expected"}. Lines from the shipment message (else the order's warehouse lines),
        cartons from the packages of the order's done transfers."""
        self.ensure_one()
        payload = payload or {}
        by_line = {line.external_line_id: line for line in self.line_ids}
        shipped = payload.get("lines") or [
            {"line_id": line.external_line_id, "quantity": line.quantity} for line in self.line_ids
        ]
        lines = []
        for entry in shipped:
            line = by_line.get(str(entry["line_id"]))
            lines.append(
                {
                    "sku": line.sku if line else "",
                    "name": (line.product_id.display_name or line.name) if line else "",
                    "quantity": whole(entry["quantity"]),
                }
            )
        cartons = {}
        pickings = self.sale_order_id.picking_ids.filtered(lambda p: p.state == "done")
        for move_line in pickings.move_line_ids.filtered("result_package_id"):
            carton = cartons.setdefault(move_line.result_package_id.name, {})
            code = move_line.product_id.default_code or move_line.product_id.display_name
            carton[code] = carton.get(code, 0) + move_line.quantity
        tracking = payload.get("tracking") or {}
        expected = payload.get("expected_delivery") or self.requested_date or False
        return {
            "lines": lines,
            "cartons": [
                {
                    "name": name,
                    "contents": [{"sku": sku, "quantity": whole(qty)} for sku, qty in sorted(contents.items())],
                }
                for name, contents in sorted(cartons.items())
            ],
            "carrier": tracking.get("company") or pickings.carrier_id[:1].name or "",
            "tracking": tracking.get("number") or self.tracking_number or "",
            "expected": fields.Date.to_string(expected) if expected and not isinstance(expected, str) else expected,
        }


class IntegrationAdapterEmailFiles(models.AbstractModel):
    """Email channels: orders come in through the mail alias; the shipment confirmation goes to the buyer."""

    _inherit = "integration.adapter.email"

    _capabilities = frozenset({C.FULFILLMENT})

    @api.model
    def _configuration_problems(self, channel, capability):
        if capability == C.FULFILLMENT and not channel.file_buyer_id.email:
            return [_("no B2B buyer with an email address to send shipment confirmations to")]
        return super()._configuration_problems(channel, capability)

    @api.model
    def _push_fulfillment(self, job):
        """The shipment confirmation email: packing list attached, cartons, carrier, tracking, expected date.

        Sent now, inside the outbox job: an SMTP failure is retried with the channel's backoff and, after the
        last attempt, the job is dead with an exception. The email is logged on the order.
        """
        payload, channel = job._payload(), job.channel_id
        order = self.env["integration.channel.order"].sudo().browse(payload["order_id"]).exists()
        if not order:
            raise PermanentError(_("order %s no longer exists", payload.get("order_external_id")))
        packing = order._packing_list(payload)
        content, report_type = (
            self.env["ir.actions.report"].sudo()._render_qweb_pdf(REPORT, order.ids, data={"payload": payload})
        )
        # PDF with wkhtmltopdf; Odoo renders HTML instead while tests run
        extension, mimetype = ("pdf", "application/pdf") if report_type == "pdf" else ("html", "text/html")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"packing_list_{order.external_id}.{extension}",
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": order._name,
                    "res_id": order.id,
                }
            )
        )
        text = _(
            "Hello,\n\nyour order %(order)s has been handed to the carrier.\n\nCarrier: %(carrier)s\nTracking: "
            "%(tracking)s\nExpected delivery: %(expected)s\nCartons: %(cartons)s\n\nThe packing list is attached.\n\n"
            "%(company)s",
            order=order.external_id,
            carrier=packing["carrier"] or "-",
            tracking=packing["tracking"] or "-",
            expected=packing["expected"] or "-",
            cartons=len(packing["cartons"]) or "-",
            company=channel.company_id.name,
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "email_from": channel.email_alias_id.display_name or channel.company_id.email,
                    "email_to": channel.file_buyer_id.email,
                    "subject": _(
                        "Shipped: order %(order)s (tracking %(tracking)s)",
                        order=order.external_id,
                        tracking=packing["tracking"] or "-",
                    ),
                    "body_html": plaintext2html(text),
                    "attachment_ids": [(4, attachment.id)],
                    "auto_delete": False,
                    # the order's message: a bounce quoting its Message-ID comes back to the order
                    "model": order._name,
                    "res_id": order.id,
                    "message_type": "email_outgoing",
                }
            )
        )
        try:
            mail.send(raise_exception=True)
        except Exception as error:  # noqa: BLE001  the SMTP server's or the connection's: try again later
            raise RetryableError(_("the shipment confirmation could not be sent: %s", error)) from None
        if mail.state == "exception":
            raise RetryableError(_("the shipment confirmation could not be sent: %s", mail.failure_reason))
        order._message_log(
            body=_(
                "Shipment confirmation sent to the buyer (%(to)s) with the packing list.",
                to=channel.file_buyer_id.email,
            ),
            attachment_ids=attachment.ids,
        )
        return _("shipment confirmation emailed to the buyer")


class IntegrationChannelOrderBounce(models.Model):
    """A shipment confirmation that bounces opens an exception on its order (Odoo's own bounce detection)."""

    _inherit = "integration.channel.order"

    def _message_receive_bounce(self, email, partner):
        """Called by the mail gateway for a bounce (a delivery status report) of a message of this order.

        Opens one *Shipment confirmation bounced* exception per order and address (counted again if it bounces
        again): the buyer did not get the packing list; a manager checks the buyer's address and sends it again.
        """
        result = super()._message_receive_bounce(email, partner)
        for order in self.sudo():
            order.env["integration.sync.exception"]._open(
                "other",
                _("Shipment confirmation of %s bounced", order.name),
                _(
                    "The email to the B2B buyer about order %(order)s came back undelivered (a bounce from the "
                    "receiving mail server): the buyer did not get the shipment confirmation nor the packing "
                    "list. Check the B2B buyer's email address on the channel (Files tab), then print the "
                    "packing list from the order and send it, or ask for the job to be sent again.",
                    order=order.name,
                ),
                record=order,
                dedupe_key=f"bounce:{order.id}",
            )
            order._hub_note(_("The shipment confirmation to the buyer bounced."))
        return result

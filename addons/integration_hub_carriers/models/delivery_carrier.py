import base64
import json
import logging
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.integration_hub.lib.errors import AuthError, HubError
from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import correos, dhl_parcel_de, dpd, ups
from ..lib import shipment as shipment_lib
from ..lib.transport import CarrierRejected, Transport

_logger = logging.getLogger(__name__)

HUB_TYPES = {
    "hub_dhl": dhl_parcel_de,
    "hub_ups": ups,
    "hub_dpd": dpd,
    "hub_correos": correos,
}
FALLBACK = {key: lambda carriers: carriers.write({"delivery_type": "fixed", "fixed_price": 0}) for key in HUB_TYPES}


class DeliveryCarrier(models.Model):
    """The hub's carrier connectors, through Odoo's own delivery.carrier contract.

    Each connector's wire format lives in a plain module (lib/<carrier>.py);
    the methods here only gather the picking's data, check it, call, attach
    the label and turn failures into exceptions that name the problem.
    """

    _name = "delivery.carrier"
    _inherit = ["delivery.carrier", "integration.secret.owner"]

    delivery_type = fields.Selection(
        selection_add=[
            ("hub_dhl", "DHL Parcel DE (Shipping API v2)"),
            ("hub_ups", "UPS (REST, OAuth)"),
            ("hub_dpd", "DPD (Web Connect)"),
            ("hub_correos", "Correos (Preregistro)"),
        ],
        ondelete=FALLBACK,
    )
    hub_account_number = fields.Char(
        string="Account number",
        help="DHL: billing number (EKP + procedure + participation, 14 digits). UPS: shipper number. "
        "DPD: sending depot. Correos: labeller code (CodEtiquetador).",
    )
    hub_service_code = fields.Char(
        string="Default service code",
        help="Used when no service selection rule gave one. DHL: product (V01PAK); UPS: Service.Code "
        "(11 Standard, 07 Express, 65 Saver); DPD: product (CL); Correos: CodProducto (S0132).",
    )
    hub_api_version = fields.Char(string="API version", default="v2409", help="UPS Shipping/Rating API version.")
    # write-only credentials in the hub's one secret store (the meaning per carrier is in the form)
    hub_username = secret_field("User name / DelisID")
    hub_password = secret_field("Password")
    hub_api_key = secret_field("API key / client id")
    hub_api_secret = secret_field("API secret / client secret")
    hub_push_token = fields.Char(
        copy=False,
        readonly=True,
        index=True,
        groups="integration_hub.group_hub_admin",
        help="Where the carrier pushes tracking events: /integration_hub/v1/carriers/<token>/tracking "
        "(UPS Track Alert).",
    )
    hub_connector = fields.Boolean(compute="_compute_hub_connector")

    _sql_constraints = [("hub_push_token_unique", "unique(hub_push_token)", "Push tokens must be unique.")]

    @api.model_create_multi
    def create(self, vals_list):
        carriers = super().create(vals_list)
        carriers._hub_ensure_push_token()
        return carriers

    def write(self, vals):
        result = super().write(vals)
        if vals.get("delivery_type"):
            self._hub_ensure_push_token()
        return result

    def _hub_ensure_push_token(self):
        # one random token per connector carrier (never a shared column default)
        for carrier in self.sudo().filtered(lambda c: c.delivery_type in HUB_TYPES and not c.hub_push_token):
            carrier.hub_push_token = secrets.token_urlsafe(32)

    @api.depends("delivery_type")
    def _compute_hub_connector(self):
        for carrier in self:
            carrier.hub_connector = carrier.delivery_type in HUB_TYPES

    # --- plumbing ------------------------------------------------------------
    def _hub_lib(self):
        return HUB_TYPES[self.delivery_type]

    def _hub_environment(self):
        return "production" if self.prod_environment else "test"

    def _hub_log(self, operation, text):
        """Request logging (Odoo's 'Debug logging' switch); the text is already redacted."""
        _logger.debug("%s %s\n%s", self.delivery_type, operation, text)
        if self.debug_logging:
            self.env["ir.logging"].sudo().create(
                {
                    "name": "delivery.carrier",
                    "type": "server",
                    "dbname": self.env.cr.dbname,
                    "level": "DEBUG",
                    "message": text,
                    "path": self.delivery_type,
                    "func": operation,
                    "line": "1",
                }
            )

    def _hub_transport(self, extra_secrets=()):
        parameters = self.env["ir.config_parameter"].sudo()
        credentials = [self._get_secret(name) for name in self._hub_secret_fields()] + list(extra_secrets)
        return Transport(
            self._hub_lib().NAME,
            secrets=credentials,
            log=self._hub_log,
            attempts=int(parameters.get_param("integration_hub_carriers.http_attempts", 3)),
            backoff_seconds=float(parameters.get_param("integration_hub_carriers.retry_backoff_seconds", 1.0)),
        )

    # --- the picking's data -------------------------------------------------
    @api.model
    def _hub_address(self, partner, vat=False):
        partner = partner.sudo()
        commercial = partner.commercial_partner_id
        return shipment_lib.Address(
            name=partner.name or commercial.name or "",
            # a company customer, or the company typed at a person's delivery address ("Cerámica García S.L.")
            company=commercial.name
            if commercial.is_company
            else (partner.company_name or commercial.company_name or ""),
            street=partner.street or "",
            street2=partner.street2 or "",
            zip=(partner.zip or "").strip(),
            city=partner.city or "",
            state=partner.state_id.name or "",
            state_code=partner.state_id.code or "",
            country_code=partner.country_id.code or "",
            phone=partner.phone or partner.mobile or commercial.phone or "",
            email=partner.email or "",
            vat=commercial.vat or "" if vat else "",
        )

    def _hub_weight_kg(self, weight):
        uom = self.env["product.template"]._get_weight_uom_id_from_ir_config_parameter()
        kilogram = self.env.ref("uom.product_uom_kgm")
        return uom._compute_quantity(weight, kilogram, round=False) if uom != kilogram else weight

    @api.model
    def _hub_length_cm(self, value):
        length_uom = self.env["product.template"]._get_length_uom_id_from_ir_config_parameter()
        centimeter = self.env.ref("uom.product_uom_cm")
        return length_uom._compute_quantity(value, centimeter, round=False) if value else 0.0

    def _hub_parcels(self, picking):
        """One parcel per package (shipping weight, else its content), plus the bulk content."""
        parcels = []
        for package in picking.move_line_ids.result_package_id:
            package_type = package.package_type_id
            parcels.append(
                shipment_lib.Parcel(
                    weight_kg=self._hub_weight_kg(package.shipping_weight or package.weight),
                    length_cm=self._hub_length_cm(package_type.packaging_length),
                    width_cm=self._hub_length_cm(package_type.width),
                    height_cm=self._hub_length_cm(package_type.height),
                    name=package.name,
                )
            )
        bulk_lines = picking.move_line_ids.filtered(lambda line: not line.result_package_id)
        if bulk_lines or not parcels:
            parcels.append(shipment_lib.Parcel(weight_kg=self._hub_weight_kg(picking.weight_bulk), name="bulk"))
        return parcels

    def _hub_shipment_from_picking(self, picking):
        warehouse_partner = picking.picking_type_id.warehouse_id.partner_id or picking.company_id.partner_id
        order = picking.sale_id.integration_order_id.sudo()
        recipient = self._hub_address(picking.partner_id)
        # the channel's own words fill what the partner record does not hold (province, phone)
        recipient.state = recipient.state or order.ship_state or ""
        recipient.phone = recipient.phone or order.phone_e164 or order.ship_phone or ""
        recipient.company = recipient.company or order.ship_company or ""
        return shipment_lib.Shipment(
            reference=picking.name,
            shipper=self._hub_address(warehouse_partner, vat=True),
            recipient=recipient,
            parcels=self._hub_parcels(picking),
            service_code=picking.hub_service_code or self.hub_service_code or "",
            account_number=self.hub_account_number or "",
            description=order.name or picking.origin or picking.name,
        )

    def _hub_validation_problems(self, shipment):
        module = self._hub_lib()
        return shipment_lib.validate(
            shipment,
            phone_required=self.delivery_type in ("hub_correos", "hub_ups"),
            max_parcel_kg=module.MAX_PARCEL_KG,
            spanish_rules=True,
        )

    # --- Odoo's contract, shared by the four connectors -----------------------
    def _hub_send_shipping(self, pickings):
        """Odoo's contract: [{exact_price, tracking_number}] per picking (no tracking number: no label).

        Inside ``send_to_shipper`` (context ``hub_label_must_exist``) a failed label raises
        ``LabelNotCreated`` instead, so that Odoo never posts "Shipment sent to carrier" for it.
        """
        results = []
        for picking in pickings:
            result = self._hub_send_one(picking)
            if not result["tracking_number"] and self.env.context.get("hub_label_must_exist"):
                raise shipment_lib.LabelNotCreated(picking.name)
            results.append(result)
        return results

    def _hub_send_one(self, picking):
        nothing = {"exact_price": 0.0, "tracking_number": False}
        shipment = self._hub_shipment_from_picking(picking)
        problems = self._hub_validation_problems(shipment)
        if problems:
            picking._hub_open_exception(
                "shipment_incomplete_data",
                _("%(picking)s: no label — missing %(what)s", picking=picking.name, what=", ".join(problems)),
                _(
                    "The label was not requested from %(carrier)s because the shipment is incomplete: %(what)s. "
                    "Complete the data (product weights or package weight, the partner's address and phone) "
                    "and create the label again.",
                    carrier=self.name,
                    what="; ".join(problems),
                ),
                key="data",
            )
            return nothing
        module = self._hub_lib()
        notes, problems = shipment_lib.fit_for_carrier(shipment, module.LABEL, module.NAME)
        if problems:
            picking._hub_open_exception(
                "shipment_incomplete_data",
                _(
                    "%(picking)s: no label — the address does not fit %(carrier)s",
                    picking=picking.name,
                    carrier=self.name,
                ),
                _(
                    "The label was not requested from %(carrier)s: %(what)s. Shorten the text on the customer's "
                    "delivery address (or the warehouse's address) and create the label again.",
                    carrier=self.name,
                    what="; ".join(problems),
                ),
                key="fit",
            )
            return nothing
        if notes:
            picking.message_post(
                body=_(
                    "Label text adapted to what %(carrier)s can print: %(changes)s.",
                    carrier=self.name,
                    changes="; ".join(notes),
                )
            )
        try:
            labels, price = getattr(self, f"_{self.delivery_type}_create_labels")(shipment)
        except HubError as error:
            picking._hub_carrier_error(self, _("label"), error)
            return nothing
        attachments = self.env["ir.attachment"]
        for tracking, content in labels:
            if not content:
                continue
            extension = "gif" if self.delivery_type == "hub_ups" else "pdf"
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": f"{self._get_delivery_label_prefix()}-{tracking}.{extension}",
                    "datas": base64.b64encode(content),
                    "res_model": "stock.picking",
                    "res_id": picking.id,
                    "mimetype": "image/gif" if extension == "gif" else "application/pdf",
                }
            )
        picking.message_post(
            body=_(
                "%(carrier)s label created: %(tracking)s",
                carrier=self.name,
                tracking=", ".join(tracking for tracking, _content in labels),
            ),
            attachment_ids=attachments.ids,
        )
        picking.sudo().hub_labelled_at = fields.Datetime.now()  # evidence: the hub records it
        return {"exact_price": price or 0.0, "tracking_number": ",".join(tracking for tracking, _c in labels)}

    def _hub_tracking_numbers(self, picking):
        return [number.strip() for number in (picking.carrier_tracking_ref or "").split(",") if number.strip()]

    def _hub_get_tracking_link(self, picking):
        template = self._hub_lib().PUBLIC_TRACKING_URL
        numbers = self._hub_tracking_numbers(picking)
        if not numbers:
            return False
        if len(numbers) == 1:
            return template.format(tracking=numbers[0])
        return json.dumps([[number, template.format(tracking=number)] for number in numbers])

    def _hub_cancel_shipment(self, pickings):
        for picking in pickings:
            if picking.hub_shipment_state and picking.hub_shipment_state != "staged":
                raise UserError(
                    _("%s: the carrier already has the goods; a shipment cannot be cancelled now.", picking.name)
                )
            for number in self._hub_tracking_numbers(picking):
                try:
                    getattr(self, f"_{self.delivery_type}_cancel")(number)
                except HubError as error:
                    picking._hub_carrier_error(self, _("cancellation"), error)
                    raise UserError(
                        _(
                            "%(carrier)s did not cancel %(number)s: %(error)s",
                            carrier=self.name,
                            number=number,
                            error=error,
                        )
                    ) from None
            picking.sudo().hub_labelled_at = False

    def _hub_rates_not_available(self):
        return {
            "success": False,
            "price": 0.0,
            "error_message": _(
                "%s publishes no rating API: rates are not available. Use a fixed or rule-based delivery "
                "method for quotes; the label still goes through this connector.",
                self._hub_lib().NAME,
            ),
            "warning_message": False,
        }

    def _hub_fetch_tracking(self, tracking_numbers):
        """Carrier events of these shipments: [{tracking, code, status, at, description, carrier_event_id}]."""
        return getattr(self, f"_{self.delivery_type}_fetch_tracking")(tracking_numbers)

    @api.model
    def _hub_error_kind(self, error):
        if isinstance(error, AuthError):
            return _("authentication failed (check the credentials in the carrier's settings)")
        if isinstance(error, CarrierRejected):
            return _("the carrier refused the data")
        return _("the carrier could not be reached")

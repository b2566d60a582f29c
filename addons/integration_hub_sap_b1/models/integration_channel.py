from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field


class IntegrationChannel(models.Model):
    """SAP Business One settings of a channel (the SAP Business One page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("sap_b1", "SAP Business One")], ondelete={"sap_b1": "set default"})
    sap_b1_service_url = fields.Char(
        string="Service Layer URL",
        tracking=True,
        help="The client's Service Layer over HTTPS, e.g. https://sap.example.com:50000/b1s/v1 (OData v3) "
        "or /b1s/v2 (OData v4).",
    )
    sap_b1_company_db = fields.Char(
        string="Company database", tracking=True, help="The SAP company database the hub logs in to, e.g. SBO_CLIENT."
    )
    sap_b1_username = fields.Char(
        string="SAP user", tracking=True, help="The licensed B1 user the client's partner created for the warehouse."
    )
    sap_b1_password = secret_field("SAP Business One password")
    sap_b1_warehouse_code = fields.Char(
        string="SAP warehouse code",
        tracking=True,
        help="The code of this warehouse in SAP (WarehouseCode, e.g. 3PL): order lines of other warehouses are "
        "not this warehouse's; deliveries, receipts and inventory positions are posted to it.",
    )
    sap_b1_damaged_warehouse_code = fields.Char(
        string="SAP warehouse for damaged goods",
        tracking=True,
        help="Where damaged units of a receipt are posted in SAP. Empty: they are not posted and the purchase "
        "order line stays open for them.",
    )
    sap_b1_order_filter = fields.Char(
        string="Released orders ($filter)",
        tracking=True,
        help="The client's rule for an order released to the warehouse, added to the hub's own filter, e.g. "
        "U_Released eq 'Y'. Empty: every sales order changed since the last poll.",
    )
    sap_b1_reference_field = fields.Char(
        string="Reference field",
        default="Reference2",
        required=True,
        tracking=True,
        help="The document field where the hub writes its reference (11 characters) on every document it "
        "creates, and by which it finds one it created before a timeout: Reference2 (Ref. 2) or a "
        "user-defined field (U_...).",
    )
    sap_b1_tracking_field = fields.Char(
        string="Tracking number field",
        default="TrackingNumber",
        tracking=True,
        help="The delivery note field that takes the tracking number (TrackingNumber, or a user-defined field "
        "agreed with the client). Empty: the tracking goes into the comments only.",
    )
    sap_b1_pallet_field = fields.Char(
        string="Units per pallet field",
        tracking=True,
        help="The user-defined item field with the units per pallet (e.g. U_UnitsPerPallet), read with the items "
        "when this channel owns the catalog; SAP has no standard one. Units per carton are PurchaseQtyPerPackUnit.",
    )
    sap_b1_inventory_document = fields.Selection(
        [
            ("adjustment", "Goods receipt / goods issue by the difference"),
            ("posting", "Inventory posting (counted quantity)"),
        ],
        string="Inventory positions as",
        default="adjustment",
        required=True,
        tracking=True,
        help="How a count reaches SAP (an accounting choice of the client's SAP partner: valuation and G/L "
        "accounts differ): a goods receipt (InventoryGenEntries) or issue (InventoryGenExits) of the "
        "difference, or an inventory posting (InventoryPostings, B1 10.0) of SAP's quantity plus the difference.",
    )

    @api.constrains(
        "platform", "sap_b1_service_url", "sap_b1_reference_field", "sap_b1_tracking_field", "sap_b1_pallet_field"
    )
    def _check_sap_b1_settings(self):
        for channel in self.filtered(lambda c: c.platform == "sap_b1"):
            if channel.sap_b1_service_url and not channel.sap_b1_service_url.startswith("https://"):
                raise ValidationError(_("The Service Layer URL must start with https:// (the password travels in it)."))
            for name in ("sap_b1_reference_field", "sap_b1_tracking_field", "sap_b1_pallet_field"):
                value = channel[name] or ""
                if value and not value.replace("_", "").isalnum():
                    raise ValidationError(_("'%s' is not an SAP field name (letters, digits and _ only).", value))

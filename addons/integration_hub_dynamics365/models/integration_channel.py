import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class IntegrationChannel(models.Model):
    """Business Central settings of a channel (the Business Central page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(
        selection_add=[("dynamics365_bc", "Dynamics 365 Business Central")],
        ondelete={"dynamics365_bc": "set default"},
    )
    dynamics365_tenant_id = fields.Char(
        string="Entra tenant id", tracking=True, help="The client's Microsoft Entra ID (Azure AD) tenant, a GUID."
    )
    dynamics365_client_id = fields.Char(
        string="Entra app client id",
        tracking=True,
        help="The application (client) id of the Entra app registration enabled in Business Central's "
        "'Microsoft Entra Applications' page.",
    )
    dynamics365_client_secret = secret_field("Entra app client secret")
    dynamics365_environment = fields.Char(
        string="Environment", default="production", tracking=True, help="The Business Central environment's name."
    )
    dynamics365_company_id = fields.Char(
        string="Company id", tracking=True, help="The company's id in Business Central (GET companies), a GUID."
    )
    dynamics365_location_code = fields.Char(
        string="Location code",
        tracking=True,
        help="Business Central's location for this warehouse: order and purchase lines at another location are "
        "not this warehouse's. Empty: every line.",
    )
    dynamics365_location_id = fields.Char(string="Location id", readonly=True, copy=False)
    dynamics365_shipment_mode = fields.Selection(
        [
            ("client_posts", "Not posted: the client posts the shipment in Business Central"),
            ("ship_and_invoice", "Shipped and invoiced through the standard API (shipAndInvoice)"),
        ],
        string="Shipments",
        default="client_posts",
        required=True,
        tracking=True,
        help="The standard API v2.0 posts a shipment only together with its invoice (shipAndInvoice). "
        "'Not posted': the hub writes the quantities to ship and the tracking on the order and opens an "
        "exception asking for the shipment to be posted in Business Central (no invoice). 'Shipped and "
        "invoiced': the hub posts the shipment AND the sales invoice of what was shipped.",
    )
    dynamics365_inventory_endpoint = fields.Char(
        string="Inventory positions API",
        tracking=True,
        help="The client's own API page for counts, relative to the environment's address (e.g. "
        "'api/contoso/warehouse/v1.0/companies({company})/inventoryPositions', {company} being the company id): "
        "API v2.0 has no inventory write. Empty: inventory positions are refused with the reason.",
    )

    @api.constrains("platform", "dynamics365_tenant_id", "dynamics365_company_id")
    def _check_dynamics365_settings(self):
        for channel in self.filtered(lambda c: c.platform == "dynamics365_bc"):
            for label, value in (
                (_("tenant id"), channel.dynamics365_tenant_id),
                (_("company id"), channel.dynamics365_company_id),
            ):
                if value and not GUID.match(value.strip()):
                    raise ValidationError(_("The Business Central %s must be a GUID.", label))

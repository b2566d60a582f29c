from odoo import _, fields, models
from odoo.exceptions import AccessError

INPUT_EXCEPTION_TYPES = [
    ("return_line_unresolved", "Return line not matched to a product"),
    ("service_level_unmapped", "Shipping method not mapped to a service level"),
]


class IntegrationSyncExceptionInputs(models.Model):
    """Exception types for inputs the hub cannot place by itself (return lines, shipping methods)."""

    _inherit = "integration.sync.exception"

    exception_type = fields.Selection(
        selection_add=INPUT_EXCEPTION_TYPES, ondelete={key: "set other" for key, _label in INPUT_EXCEPTION_TYPES}
    )

    def action_open_shipping_method_map(self):
        """'Map shipping method': fixes an unmapped method from its exception (administrators)."""
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can map shipping methods."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Map shipping method"),
            "res_model": "integration.shipping.method.map",
            "view_mode": "form",
            "target": "new",
            "context": {"default_exception_id": self.id},
        }

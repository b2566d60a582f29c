import json

from odoo import fields, models

from .integration_sync_exception import CANCELLED, RESOLVED

INBOUND_EXCEPTION_TYPES = [
    ("catalog_incomplete", "Catalog product not ready"),
    ("catalog_update_refused", "Catalog update refused"),
    ("catalog_locked_change", "Change to a locked pack configuration"),
    ("receipt_on_hold", "Expected receipt on hold"),
    ("receipt_edit_after_arrival", "Receipt edit after arrival"),
    ("receipt_discrepancy", "Receipt differences beyond tolerance"),
]
# exceptions a manager closes with 'Apply edit' / 'Reject edit' instead of 'Decide'
CATALOG_LOCKED_CHANGE = "catalog_locked_change"


class IntegrationSyncExceptionInbound(models.Model):
    """Exception types of the catalog and the inbound side; a locked pack change is applied or rejected here."""

    _inherit = "integration.sync.exception"

    exception_type = fields.Selection(
        selection_add=INBOUND_EXCEPTION_TYPES,
        ondelete={key: "set other" for key, _label in INBOUND_EXCEPTION_TYPES},
    )

    def _apply_pending_edit(self, decision):
        """'Apply edit' on a locked pack change: the manager's decision is applied to the product (audited)."""
        catalog = self.filtered(lambda record: record.exception_type == CATALOG_LOCKED_CHANGE)
        for record in catalog:
            item = self.env["integration.catalog.item"].browse(record.res_id)
            item._apply_locked_change(json.loads(record.pending_data), decision)
        if catalog:
            catalog._decide(RESOLVED, decision)
        if self - catalog:
            super(IntegrationSyncExceptionInbound, self - catalog)._apply_pending_edit(decision)

    def _reject_pending_edit(self, decision):
        """'Reject edit' on a locked pack change: the configuration stays, the owner is told (audited)."""
        catalog = self.filtered(lambda record: record.exception_type == CATALOG_LOCKED_CHANGE)
        for record in catalog:
            item = self.env["integration.catalog.item"].browse(record.res_id)
            item._reject_locked_change(json.loads(record.pending_data or "{}"), decision)
        if catalog:
            catalog._decide(CANCELLED, decision)
        if self - catalog:
            super(IntegrationSyncExceptionInbound, self - catalog)._reject_pending_edit(decision)

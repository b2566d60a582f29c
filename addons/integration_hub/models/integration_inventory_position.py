from odoo import api, fields, models


class IntegrationInventoryPosition(models.AbstractModel):
    """Inventory -> ERP (seed, "Integration patterns"): each physical count is told to the systems that book
    the client's inventory, so their figures match the warehouse's.

    One outbox job (type ``inventory_position``) per count and per live channel of the product's client that
    takes the duty (declared ``inventory_positions``, *Send inventory positions* on). Payload::

        {"reference": "count-<audit entry id>", "sku": str, "warehouse": str (code), "location": str,
         "on_hand": float (counted), "previous": float (system quantity before), "delta": float (on_hand - previous),
         "uom": str, "kind": "reconciliation" | "count_import", "reason": str, "counted_at": ISO 8601 UTC}

    A count that confirms the system's figure is sent too (delta 0): the ERP learns the position was checked.
    """

    _name = "integration.inventory.position"
    _description = "Inventory positions to the ERP"

    @api.model
    def _queue_count(self, audit_entry, product, location, previous, counted, kind, reason):
        """Queue the count for every channel of ``product``'s client that takes it. Returns the jobs."""
        channels = self._receiving_channels(product, location.warehouse_id)
        if not channels:
            return self.env["integration.job"]
        reference = f"count-{audit_entry.id}"
        payload = {
            "reference": reference,
            "sku": product.default_code or "",
            "warehouse": location.warehouse_id.code or "",
            "location": location.complete_name,
            "on_hand": counted,
            "previous": previous,
            "delta": counted - previous,
            "uom": product.uom_id.name,
            "kind": kind,
            "reason": reason,
            "counted_at": fields.Datetime.to_datetime(audit_entry.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        Job = self.env["integration.job"].sudo()
        jobs = Job.browse()
        for channel in channels:  # a client has a handful of channels, never a hot path
            jobs |= Job._enqueue(channel, "inventory_position", reference, payload, record=product)
        return jobs

    @api.model
    def _receiving_channels(self, product, warehouse):
        """Live channels of the product's client (or, for the warehouse's own goods, of the company) in this
        warehouse's company that declare the duty and switched it on."""
        domain = [("state", "=", "live"), ("send_inventory_positions", "=", True)]
        if product.hub_client_id:
            domain.append(("client_id", "=", product.hub_client_id.id))
        else:
            domain.append(("client_id", "=", warehouse.company_id.partner_id.id))
        channels = self.env["integration.channel"].sudo().search(domain)
        return channels.filtered(lambda channel: channel.warehouse_id.company_id == warehouse.company_id)

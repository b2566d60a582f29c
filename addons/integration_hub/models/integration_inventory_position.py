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
    def _queue_count(self, audit_entry, product, location, previous, counted, kind, reason, receivers=None):
        """Queue the count for every channel of ``product``'s client that takes it. Returns the jobs (maybe none).

        ``audit_entry``: the count's ``integration.audit.log`` row (its id makes the reference, its date the
        ``counted_at``); ``location``: the internal ``stock.location`` counted (its warehouse is told);
        ``previous`` / ``counted``: the units on hand there before the count / counted, both in the product's
        unit of measure (``product.uom_id``, named in the payload's ``uom``); ``kind``: ``"reconciliation"``
        (the Reconcile wizard) or ``"count_import"`` (a row of a CSV count import); ``reason``: the text the
        ERP is told. ``receivers``: a dict a caller applying many counts keeps for them all (a CSV import): the
        receiving channels are then looked up once per (client, company), not once per count.
        """
        channels = self._receiving_channels(product, location.warehouse_id, receivers)
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
    def _receiving_channels(self, product, warehouse, receivers=None):
        """Live channels of the product's client (or, for the warehouse's own goods, of the company) in this
        warehouse's company that declare the duty and switched it on.

        ``receivers``: ``{(client id, company id): channels}`` kept by the caller across many counts; an answer
        found there is reused, a new one is added to it.
        """
        company = warehouse.company_id
        client = product.hub_client_id or company.partner_id
        if receivers is not None and (client.id, company.id) in receivers:
            return receivers[client.id, company.id]
        domain = [("state", "=", "live"), ("send_inventory_positions", "=", True), ("client_id", "=", client.id)]
        channels = self.env["integration.channel"].sudo().search(domain)
        channels = channels.filtered(lambda channel: channel.warehouse_id.company_id == company)
        if receivers is not None:
            receivers[client.id, company.id] = channels
        return channels

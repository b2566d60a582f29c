from odoo import _, api, models

from ..lib import return_states as R
from ..lib.errors import PayloadError

GRADE_KEYS = {key for key, _label in R.GRADES}


class IntegrationReturnIntake(models.Model):
    """Returns from the returns system: events (return.created / return.updated) and CSV rows."""

    _inherit = "integration.return"

    @api.model
    def _ingest(self, channel, data, kind):
        if not isinstance(data, dict) or not str(data.get("id") or "").strip():
            raise PayloadError(_("the return has no 'id'"))
        external_id = str(data["id"]).strip()
        record = self.search([("channel_id", "=", channel.id), ("external_id", "=", external_id)], limit=1)
        if not record:
            if kind != "created" and not data.get("lines"):
                raise PayloadError(_("return %s is unknown and the message carries no lines", external_id))
            record = self._create_from_data(channel, external_id, data)
        record._apply_status(data)
        record._apply_instructions(data.get("lines") or [])
        return record

    @api.model
    def _create_from_data(self, channel, external_id, data):
        order = self.env["integration.channel.order"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", str(data.get("order_id") or ""))], limit=1
        )
        lines = data.get("lines") or []
        resolved = self.env["integration.sku.equivalence"]._resolve_codes(
            channel, [str(line.get("sku") or "") for line in lines]
        )
        problems = [resolved.get(str(line.get("sku") or ""), {}).get("problem") for line in lines]
        problems = [problem for problem in problems if problem]
        if not lines or problems:
            raise PayloadError(
                _("return %(id)s cannot be stored: %(why)s", id=external_id, why="; ".join(problems) or _("no lines"))
            )
        values = []
        for line in lines:
            product_id = resolved[str(line.get("sku"))]["product_id"]
            order_line = order.line_ids.filtered(lambda ol, pid=product_id: ol.product_id.id == pid)[:1]
            values.append(
                {"product_id": product_id, "quantity": float(line.get("quantity") or 1), "order_line_id": order_line.id}
            )
        record = self._hub_create(
            {
                "channel_id": channel.id,
                "external_id": external_id,
                "order_id": order.id,
                "reason": data.get("reason"),
                "customer_claim": data.get("claim"),
                "return_tracking": data.get("tracking"),
                "line_ids": [(0, 0, v) for v in values],
            }
        )
        record.message_post(body=_("Return received from %s.", channel.name), subtype_xmlid="mail.mt_note")
        return record

    def _apply_status(self, data):
        status = data.get("status")
        if data.get("tracking"):
            self.return_tracking = data["tracking"]
        steps = {
            R.AUTHORIZED: [R.AUTHORIZED],
            R.SHIPPED_BACK: [R.AUTHORIZED, R.SHIPPED_BACK],
            R.REJECTED: [R.REJECTED],
            R.CANCELLED: [R.CANCELLED],
        }.get(status, [])
        for target in steps:
            if self.state != target and R.is_allowed(self.state, target):
                self._transition(target, _("status from %s", self.channel_id.name))

    def _apply_instructions(self, lines):
        """Disposition instructions from the returns system (it owns the return until triage)."""
        by_code = {}
        for line in lines:
            grade = (line.get("disposition") or "").strip().lower()
            if not grade:
                continue
            if grade not in GRADE_KEYS:
                raise PayloadError(
                    _(
                        "unknown disposition '%(grade)s'; expected one of %(known)s",
                        grade=grade,
                        known=", ".join(sorted(GRADE_KEYS)),
                    )
                )
            by_code[str(line.get("sku"))] = grade
        if not by_code:
            return
        for line in self.line_ids:
            grade = by_code.get(line.product_id.default_code) or by_code.get(line.product_id.barcode or "")
            if grade:
                line._hub_write({"instructed_grade": grade})
        if self.channel_id.return_owner == "warehouse":
            return  # the warehouse owns returns: instructions are kept as advice, a manager triages
        if self.state == R.RECEIVED and all(line.instructed_grade for line in self.line_ids):
            self._triage_from_instruction()


class IntegrationEventReturnHandlers(models.Model):
    _inherit = "integration.event"

    def _handle_return_created(self, data):
        return self.env["integration.return"].sudo()._ingest(self.channel_id, data, "created")

    def _handle_return_updated(self, data):
        return self.env["integration.return"].sudo()._ingest(self.channel_id, data, "updated")

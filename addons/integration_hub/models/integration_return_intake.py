from odoo import _, api, models
from odoo.tools.translate import LazyTranslate

from ..lib import return_states as R
from ..lib.errors import PayloadError
from ..lib.order_payload import identifier

_lt = LazyTranslate(__name__)

GRADE_KEYS = {key for key, _label in R.GRADES}


class IntegrationReturnIntake(models.Model):
    """Returns from the returns system: events (return.created / return.updated) and CSV rows."""

    _inherit = "integration.return"

    @api.model
    def _ingest(self, channel, data, kind):
        if not isinstance(data, dict) or not str(data.get("id") or "").strip():
            raise PayloadError(_("the return has no 'id'"))
        external_id = identifier(data["id"], "the return's 'id'")
        lines = data.get("lines")
        if lines is not None and not (isinstance(lines, list) and all(isinstance(line, dict) for line in lines)):
            raise PayloadError(_("return %s: 'lines' must be a list of line objects", external_id))
        identifier(data.get("order_id"), "the return's 'order_id'")
        for position, line in enumerate(lines or [], start=1):
            identifier(line.get("sku"), f"return line {position}'s 'sku'")
        record = self.search([("channel_id", "=", channel.id), ("external_id", "=", external_id)], limit=1)
        if not record:
            if kind != "created" and not data.get("lines"):
                raise PayloadError(_("return %s is unknown and the message carries no lines", external_id))
            record = self._create_from_data(channel, external_id, data)
        record._apply_status(data)
        record._apply_instructions(data.get("lines") or [])
        return record

    @api.model
    def _resolve_return_lines(self, channel, order, lines):
        """One (product id, original order line, problem) per line sent, in order.

        Resolution, the same for every source: the original order line (``line_id``, the channel's id
        of the order line), else the SKU, else the channel's product/variant id (``variant_id``), as
        for order lines (``integration.external.id._resolve_lines``). Never a KeyError: a line
        nothing resolves carries a problem that names it.
        """
        by_line_id = {line.external_line_id: line for line in order.line_ids} if order else {}
        results = [None] * len(lines)
        todo = []
        for index, line in enumerate(lines):
            original = by_line_id.get(str(line.get("line_id") or "").strip())
            if original and original.product_id:
                results[index] = (original.product_id.id, original, None)
            else:
                todo.append(index)
        resolved = self.env["integration.external.id"]._resolve_lines(
            channel,
            [(str(lines[i].get("sku") or "").strip(), str(lines[i].get("variant_id") or "").strip()) for i in todo],
        )
        for index, found in zip(todo, resolved, strict=True):
            product_id = found.get("product_id")
            original = order.line_ids.filtered(lambda ol, pid=product_id: ol.product_id.id == pid)[:1]
            problem = None
            if not product_id:
                line = lines[index]
                label = (
                    str(line.get("sku") or "").strip()
                    or str(line.get("name") or "").strip()
                    or _("line %s", line.get("line_id") or index + 1)
                )
                problem = _("%(line)s: %(why)s", line=label, why=found.get("problem"))
            results[index] = (product_id, original, problem)
        return results

    @staticmethod
    def _return_quantity(line):
        """A positive quantity (1 when not sent), or None when what was sent is not one."""
        value = line.get("quantity")
        try:
            quantity = float(value) if value not in (None, "") else 1.0
        except (TypeError, ValueError):
            return None
        return quantity if quantity > 0 else None

    @api.model
    def _create_from_data(self, channel, external_id, data):
        """Create the return with every line that resolves; the others are named in an exception.

        Only when no line at all can be stored is the message refused (PayloadError: it stays in the inbox).
        """
        order = self.env["integration.channel.order"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", str(data.get("order_id") or ""))], limit=1
        )
        lines = [line for line in data.get("lines") or [] if isinstance(line, dict)]
        values, problems = [], []
        for line, (product_id, original, problem) in zip(
            lines, self._resolve_return_lines(channel, order, lines), strict=True
        ):
            quantity = self._return_quantity(line)
            if problem:
                problems.append(problem)
            elif quantity is None:
                problems.append(
                    _(
                        "%(line)s: quantity %(qty)r is not a positive number",
                        line=line.get("sku"),
                        qty=line.get("quantity"),
                    )
                )
            else:
                values.append({"product_id": product_id, "quantity": quantity, "order_line_id": original.id})
        if not values:
            raise PayloadError(
                _("return %(id)s cannot be stored: %(why)s", id=external_id, why="; ".join(problems) or _("no lines"))
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
        if problems:
            record._report_unresolved_lines(problems)
        return record

    def _report_unresolved_lines(self, problems):
        """The lines left out of the return, named, for a manager (the rest of the return goes on)."""
        self.ensure_one()
        self.message_post(
            body=_("Lines not taken into the return: %s", "; ".join(problems)), subtype_xmlid="mail.mt_note"
        )
        self.env["integration.sync.exception"]._open(
            "return_line_unresolved",
            _lt(
                "Return %(name)s: %(count)s line(s) could not be matched to a product",
                name=self.name,
                count=len(problems),
            ),
            _lt(
                "These returned lines match no catalog product, so they are not part of the return:\n- %(lines)s\n\n"
                "The other lines were kept. Map the product (Configuration > SKU equivalences or Channel product "
                "ids), then receive the missing goods with the rest or add them by hand, and decide here.",
                lines="\n- ".join(problems),
            ),
            record=self,
            dedupe_key=f"return-lines:{self.id}",
        )

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
        """Disposition instructions from the returns system (it owns the return until triage).

        Each instruction line is matched like a return line (original line, SKU, channel product id).
        """
        lines = [line for line in lines if isinstance(line, dict)]
        graded = []
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
            graded.append((line, grade))
        if not graded:
            return
        resolved = self._resolve_return_lines(self.channel_id, self.order_id, [line for line, _grade in graded])
        by_product = {
            product_id: grade
            for (_line, grade), (product_id, _original, _problem) in zip(graded, resolved, strict=True)
            if product_id
        }
        for line in self.line_ids:
            grade = by_product.get(line.product_id.id)
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

from odoo import _, models


class IrActionsReport(models.Model):
    """A print of a channel order's delivery (delivery slip, packing list, label...) shows its customer's
    address: logged with the number of records (README "Personal data")."""

    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        result = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        res_ids = [res_ids] if isinstance(res_ids, int) else list(res_ids or [])
        if res_ids and not self.env.su:
            report = self._get_report(report_ref)
            orders = self._integration_orders_printed(report.model, res_ids)
            if orders:
                self.env["integration.audit.log"]._log(
                    "pii_export",
                    orders[:1],
                    reason=_(
                        "Printed %(report)s: %(count)s record(s) of channel orders' customers",
                        report=report.name,
                        count=len(res_ids),
                    ),
                    after={"records": len(res_ids), "report": report.report_name, "orders": orders.ids[:1000]},
                )
        return result

    def _integration_orders_printed(self, model, res_ids):
        """The channel orders whose customers a print of ``model`` records shows (sudo: the print already ran)."""
        if model not in self.env:
            return self.env["integration.channel.order"]
        records = self.env[model].sudo().browse(res_ids).exists()
        if model == "integration.channel.order":
            return records
        if model == "sale.order":
            return records.mapped("integration_order_id")
        if model == "stock.picking":
            return records.mapped("sale_id.integration_order_id")
        return self.env["integration.channel.order"]

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

RULE_MISSING = "carrier_rule_missing"


class IntegrationSyncExceptionCarrierRule(models.Model):
    """*Add carrier rule* on a "no carrier service rule" exception: the rule form, filled in from the order."""

    _inherit = "integration.sync.exception"

    def action_add_carrier_rule(self):
        """Open a new carrier rule for the order's channel, service level and destination (administrators).

        Saving it chooses the order's carrier by the rules again and, once chosen, closes the exception
        with the decision (see IntegrationCarrierRuleFromException.create). Raises AccessError for other
        roles, UserError on another type of exception or a closed one.
        """
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators add carrier rules."))
        if self.exception_type != RULE_MISSING or self.state != "open" or not self.order_id:
            raise UserError(_("Only an open 'no carrier service rule' exception about an order adds a rule here."))
        order = self.order_id.sudo()
        country = order._country()
        return {
            "type": "ir.actions.act_window",
            "name": _("Add carrier rule for %s", order.name),
            "res_model": "integration.carrier.rule",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_channel_id": order.channel_id.id,
                "default_service_level_id": order.service_level_id.id,
                "default_country_ids": [(6, 0, country.ids)],
                "hub_exception_id": self.id,
            },
        }


class IntegrationCarrierRuleFromException(models.Model):
    _inherit = "integration.carrier.rule"

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        exception = self.env["integration.sync.exception"].browse(self.env.context.get("hub_exception_id"))
        if exception.exists() and exception.exception_type == RULE_MISSING and exception.state == "open":
            order = exception.order_id.sudo()
            order._hub_select_carrier()
            carrier = order._chain()["out"].carrier_id[:1]
            if carrier:
                exception._decide(
                    "resolved",
                    _(
                        "Carrier rule '%(rule)s' added by %(user)s: %(carrier)s chosen for %(order)s.",
                        rule=rules[:1].name,
                        user=self.env.user.name,
                        carrier=carrier.name,
                        order=order.name,
                    ),
                )
        return rules

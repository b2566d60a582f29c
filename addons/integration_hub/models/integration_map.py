"""The integration map of a client (report ``integration_hub.report_integration_map``).

Everything on it is read from the hub itself, never retyped: the ownership matrix from the client's
channels (``OWNED_OBJECTS``), the lifecycles from the state-machine modules (``lib/*_states.py``), the
control points from the channels' own settings, the mandatory fields from ``lib/order_validation.py``,
the endpoints from the webhook route and the channels' folder fields. Its last part is the seed's
"first reading of which object lacks an owner and which dependency to close".
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..lib import catalog_states, order_states, receipt_states, return_states
from ..lib import order_validation as V
from .integration_channel import OWNED_OBJECTS, WEBHOOK_ROUTE

LIFECYCLES = (
    ("order", order_states),
    ("return", return_states),
    ("receipt", receipt_states),
    ("catalog", catalog_states),
)
# channel settings that are control points and thresholds (their labels are the fields' own)
CONTROL_FIELDS = (
    "stuck_picking_hours",
    "carrier_receipt_hours",
    "sku_transition_days",
    "divergence_threshold_pct",
    "decision_warning_hours",
    "return_triage_days",
    "publish_interval_minutes",
    "safety_buffer",
    "inventory_share_pct",
    "monitor_order_lag_minutes",
    "monitor_failed_webhook_pct",
    "monitor_queue_depth",
    "retry_max_attempts",
)
RULE_FIELDS = ("valid_to_pick_trigger", "edit_cutoff_state", "partial_policy", "inventory_basis")
FOLDER_SUFFIXES = ("_root", "_folder")


class ResPartnerIntegrationMap(models.Model):
    _inherit = "res.partner"

    hub_onboarding_answers = fields.Text(
        string="Onboarding answers",
        groups="integration_hub.group_hub_manager",
        help="The onboarding checklist's answers that no channel setting holds (written by the onboarding wizard).",
    )

    def _integration_map(self):
        """The map's content for one client, as plain data for the QWeb template (dict of lists of
        strings / tuples): the client's channels in the user's companies. Raises AccessError for anyone
        but warehouse managers and administrators."""
        self.ensure_one()
        env = self.env
        if not env.su and not env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only warehouse managers and administrators can print a client's integration map."))
        Channel = env["integration.channel"]
        channels = Channel.search(
            [("client_id", "=", self.id), ("company_id", "in", env.companies.ids)], order="sequence, name"
        )
        owner_labels = dict(Channel._fields["order_owner"]._description_selection(env))

        def label(channel, name):
            field = Channel._fields[name]
            if field.type == "selection":
                return dict(field._description_selection(env)).get(channel[name], "-")
            value = channel[name]
            return f"{value:g}" if isinstance(value, float) else str(value)

        def title(name):
            return Channel._fields[name]._description_string(env)

        ownership = [
            (obj.capitalize(), [owner_labels.get(channel[field], _("no owner")) for channel in channels])
            for obj, (field, _scope, _default) in OWNED_OBJECTS.items()
        ]
        lifecycles = []
        for name, module in LIFECYCLES:
            states = dict(module.STATE_SELECTION)
            lifecycles.append(
                {
                    "name": name.capitalize(),
                    "states": [label for _code, label in module.STATE_SELECTION],
                    "transitions": [
                        (states[source], states[target], guard)
                        for (source, target), guard in module.TRANSITIONS.items()
                    ],
                }
            )
        controls = [(title(name), [label(channel, name) for channel in channels]) for name in CONTROL_FIELDS]
        rules = [(title(name), [label(channel, name) for channel in channels]) for name in RULE_FIELDS]
        mandatory = [_("Address: %s", ", ".join(part for _key, part in V.ADDRESS_PARTS))]
        mandatory += [
            _("ZIP / postal code checked against the country's format for %s", ", ".join(sorted(V.ZIP_PATTERNS))),
            _("Phone number valid for the delivery country"),
            _("Every line: a SKU known to the catalog and a quantity between 1 and %s", V.MAX_LINE_QUANTITY),
            _("Special handling stated (an empty value when none is needed)"),
        ]
        for channel in channels:
            countries = ", ".join(channel.vat_required_country_ids.mapped("code"))
            if countries:
                mandatory.append(
                    _(
                        "%(channel)s: a VAT id for deliveries to %(countries)s",
                        channel=channel.name,
                        countries=countries,
                    )
                )
        endpoints = []
        for channel in channels:
            endpoints.append((channel.name, _("Webhook URL path"), f"{WEBHOOK_ROUTE}<token of {channel.code}>"))
            for name in sorted(Channel._fields):
                if name.startswith("file_") and name.endswith(FOLDER_SUFFIXES) and channel[name]:
                    endpoints.append((channel.name, title(name), channel[name]))
            if channel.api_base_url:
                endpoints.append((channel.name, title("api_base_url"), channel.api_base_url))
        methods = [(row.channel_id.name, row.method, row.service_level_id.name) for row in channels.shipping_method_ids]
        return {
            "client": self,
            "channels": channels,
            "ownership": ownership,
            "rules": rules,
            "lifecycles": lifecycles,
            "controls": controls,
            "mandatory": mandatory,
            "endpoints": endpoints,
            "methods": methods,
            "answers": (self.hub_onboarding_answers or "").splitlines(),
            "reading": self._integration_first_reading(channels),
        }

    def _integration_first_reading(self, channels):
        """(objects without an owner or with two, dependencies to close per channel): sentences."""
        lacking, two_owners = [], False
        if not channels:
            lacking.append(_("This client has no channel: nothing owns its orders yet. Run the onboarding."))
        for obj, (field, scope, _default) in OWNED_OBJECTS.items():
            if scope == "channel":
                continue
            claims = channels.filtered(lambda channel, field=field: channel[field] == "channel")
            if len(claims.mapped("warehouse_id" if scope == "warehouse" else "company_id")) < len(claims):
                two_owners = True
                lacking.append(
                    _(
                        "%(object)s has two owners: %(owners)s.",
                        object=obj.capitalize(),
                        owners=", ".join(claims.mapped("name")),
                    )
                )
        for obj, (field, scope, _default) in OWNED_OBJECTS.items():
            if scope != "channel" and channels:
                claims = channels.filtered(lambda channel, field=field: channel[field] == "channel")
                owners = ", ".join(claims.mapped("name")) or _("the warehouse (this Odoo)")
                lacking.append(_("%(object)s: owned by %(owners)s.", object=obj.capitalize(), owners=owners))
        inventory_with_channel = channels.filtered(lambda channel: channel.inventory_owner == "channel")
        if inventory_with_channel:
            lacking.append(
                _(
                    "Inventory truth lives outside the warehouse (%s): the warehouse never publishes its stock to "
                    "that channel; agree how counts are reconciled.",
                    ", ".join(inventory_with_channel.mapped("name")),
                )
            )
        dependencies = []
        for channel in channels:
            if channel.state == "draft":
                dependencies.append(_("%s: draft, run the go-live check and put it live.", channel.name))
            stored = (
                self.env["integration.secret"]
                .sudo()
                .search_count([("res_model", "=", channel._name), ("res_id", "=", channel.id)])
            )
            if not stored:
                dependencies.append(_("%s: no credential stored yet (API key or webhook secret).", channel.name))
            if channel.platform == "generic" and not channel.api_base_url:
                dependencies.append(_("%s: no API base URL for outbound messages.", channel.name))
            if not channel.default_service_level_id and not channel.shipping_method_ids:
                dependencies.append(_("%s: no shipping method mapped to a service level.", channel.name))
            if channel.catalog_owner == "channel":
                waiting = self.env["integration.catalog.item"].search_count(
                    [("channel_id", "=", channel.id), ("state", "!=", catalog_states.READY)]
                )
                if waiting:
                    dependencies.append(
                        _(
                            "%(channel)s: %(count)s catalog product(s) not yet ready for receiving.",
                            channel=channel.name,
                            count=waiting,
                        )
                    )
                elif not self.env["integration.catalog.item"].search_count([("channel_id", "=", channel.id)]):
                    dependencies.append(_("%s: owns the catalog but has sent no product master yet.", channel.name))
        if channels and not two_owners:
            lacking.insert(0, _("Every object has exactly one owner."))
        return lacking, dependencies


class ReportIntegrationMap(models.AbstractModel):
    """The report's values: each client's map computed before rendering, so that a refusal reaches the
    user as a plain AccessError (not wrapped in a template error)."""

    _name = "report.integration_hub.report_integration_map"
    _description = "Integration map report"

    @api.model
    def _get_report_values(self, docids, data=None):
        clients = self.env["res.partner"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": clients,
            "maps": {client.id: client._integration_map() for client in clients},
        }

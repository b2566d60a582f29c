import secrets

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..lib import ip_allowlist
from .integration_secret_owner import secret_field

WEBHOOK_ROUTE = "/integration_hub/v1/webhooks/"

# Who may own each object. "warehouse" is this Odoo (the WMS); "channel" is the
# connected system (shop, marketplace, ERP, returns system).
OWNER_SELECTION = [("channel", "This channel"), ("warehouse", "Warehouse (this Odoo)")]
# object -> (field, scope in which only ONE channel may claim it, default)
OWNED_OBJECTS = {
    "order": ("order_owner", "channel", "channel"),
    "catalog": ("catalog_owner", "company", "warehouse"),
    "inventory": ("inventory_owner", "warehouse", "warehouse"),
    "shipment": ("shipment_owner", "channel", "warehouse"),
    "return": ("return_owner", "channel", "channel"),
}


_lt = LazyTranslate(__name__)


class IntegrationChannel(models.Model):
    """A connected system: a shop, a marketplace, an ERP, a file drop or a mailbox."""

    _name = "integration.channel"
    _description = "Integration channel"
    _inherit = ["integration.hub.record", "integration.secret.owner", "mail.thread", "mail.activity.mixin"]
    _order = "sequence, name"
    # a new webhook URL only through 'Rotate webhook URL' (audited); outbound resumed only by 'Resume outbound'
    _hub_fields = frozenset({"webhook_token", "outbound_paused"})
    _hub_fields_hint = _lt("Use 'Rotate webhook URL' or 'Resume outbound' (administrators).")

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short stable identifier used in references and file names.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    platform = fields.Selection(
        [
            ("manual", "Manual entry"),
            ("csv", "CSV files"),
            ("email", "Email"),
            ("generic", "Generic API / webhooks"),
        ],
        required=True,
        default="generic",
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("live", "Live"), ("paused", "Paused")],
        default="draft",
        required=True,
        tracking=True,
        help="Only live channels accept webhooks and run scheduled work.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    api_version = fields.Char(string="API version", tracking=True)
    api_base_url = fields.Char(string="API base URL", tracking=True, help="Where outbound messages are sent.")

    # --- webhooks ---------------------------------------------------------
    webhook_token = fields.Char(
        copy=False,
        readonly=True,
        index=True,
        default=lambda self: self._new_webhook_token(),
        groups="integration_hub.group_hub_admin",
    )
    webhook_url = fields.Char(compute="_compute_webhook_url", groups="integration_hub.group_hub_admin")
    allowed_ips = fields.Text(
        string="Allowed source IPs",
        help="Comma or newline separated IP addresses / CIDR networks. Empty: any source.",
    )
    webhook_max_bytes = fields.Integer(string="Max body size (bytes)", default=2 * 1024 * 1024)
    webhook_tolerance_seconds = fields.Integer(string="Replay window (s)", default=300)

    # --- write-only secrets (integration.secret.owner; platform addons declare theirs the same way) ---
    webhook_secret = secret_field("Webhook signing secret")
    api_key = secret_field("API key / token")
    api_secret = secret_field("API secret / password")

    # --- ownership: exactly one owner per object --------------------------
    order_owner = fields.Selection(OWNER_SELECTION, default="channel", required=True, tracking=True)
    catalog_owner = fields.Selection(OWNER_SELECTION, default="warehouse", required=True, tracking=True)
    inventory_owner = fields.Selection(OWNER_SELECTION, default="warehouse", required=True, tracking=True)
    shipment_owner = fields.Selection(OWNER_SELECTION, default="warehouse", required=True, tracking=True)
    return_owner = fields.Selection(OWNER_SELECTION, default="channel", required=True, tracking=True)

    # --- order rules ------------------------------------------------------
    valid_to_pick_trigger = fields.Selection(
        [("paid", "Paid"), ("address_validated", "Address validated"), ("stock_checked", "Stock checked")],
        default="paid",
        required=True,
        help="What must be true before an order is accepted and released to pick. "
        "'Paid' alone never releases an order whose stock or address is not validated.",
    )
    edit_cutoff_state = fields.Selection(
        [("validated", "Until acceptance"), ("accepted", "Until picking starts"), ("picking", "Until picking ends")],
        default="accepted",
        required=True,
        help="Channel edits apply automatically only up to this state; later they become exceptions.",
    )
    partial_policy = fields.Selection(
        [
            ("hold", "Hold the whole order"),
            ("backorder", "Ship available, backorder the rest"),
            ("cancel_lines", "Cancel unavailable lines"),
        ],
        default="hold",
        required=True,
    )
    partial_refusal = fields.Boolean(
        string="Channel takes partial refusals",
        default=True,
        help="For channels that want each order accepted or refused: the warehouse may refuse the lines it "
        "cannot serve and accept the rest (some marketplaces only take all or nothing).",
    )
    vat_required_country_ids = fields.Many2many(
        "res.country", string="VAT id mandatory for", help="Orders shipping to these countries must carry a VAT id."
    )

    # --- inventory rules --------------------------------------------------
    publish_interval_minutes = fields.Integer(default=30, help="Inventory publication interval (15-60 min).")
    inventory_basis = fields.Selection(
        [("available", "Available (on hand - allocated - holds)"), ("on_hand", "On hand")],
        default="available",
        required=True,
    )
    safety_buffer = fields.Float(default=0.0, help="Units kept back from every published quantity.")
    divergence_threshold_pct = fields.Float(string="Divergence threshold (%)", default=5.0)

    # --- control points ---------------------------------------------------
    stuck_picking_hours = fields.Float(default=4.0)
    decision_warning_hours = fields.Float(
        string="Decision due warning (h)",
        default=12.0,
        help="An order the channel wants accepted or refused opens an exception this long before its deadline "
        "while the warehouse's decision has not reached the channel.",
    )
    carrier_receipt_hours = fields.Float(default=24.0)
    sku_transition_days = fields.Integer(string="SKU transition window (days)", default=30)
    return_triage_days = fields.Integer(default=3)

    # --- outbox retry policy ----------------------------------------------
    retry_base_seconds = fields.Integer(default=30)
    retry_cap_seconds = fields.Integer(default=3600)
    retry_max_attempts = fields.Integer(default=8)

    # --- counters for the kanban -----------------------------------------
    event_count = fields.Integer(compute="_compute_counts")
    failed_event_count = fields.Integer(compute="_compute_counts")
    pending_job_count = fields.Integer(compute="_compute_counts")
    open_exception_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("code_company_unique", "unique(code, company_id)", "The channel code must be unique per company."),
        ("webhook_token_unique", "unique(webhook_token)", "Webhook tokens must be unique."),
    ]

    # ------------------------------------------------------------------
    @api.model
    def _find_by_webhook_token(self, token):
        channel_id = self._channel_id_for_token(token) if token else None
        return self.browse(channel_id) if channel_id else self.browse()

    @api.model
    def _webhook_intake_fields(self):
        """The channel fields every webhook reads (a platform's verification may read more: fetched on use)."""
        return [
            "state",
            "platform",
            "code",
            "company_id",
            "allowed_ips",
            "webhook_max_bytes",
            "webhook_tolerance_seconds",
        ]

    @api.model
    @tools.ormcache("token")
    def _channel_id_for_token(self, token):
        # one lookup per token and worker; cleared whenever a channel is written (see write)
        return self.sudo().search([("webhook_token", "=", token)], limit=1).id or None

    def _load_webhook_intake_fields(self):
        """Put this channel's ``_webhook_intake_fields`` in the record cache, read once per worker.

        A webhook is answered on every request of a busy shop: its channel's state, company, allowed
        addresses and limits are kept per worker (``_webhook_intake_snapshot``) instead of read again,
        and cleared in every worker when one of them is written (``write``, Odoo's cache signaling at the
        end of the writing request). Fills the cache again after a rollback emptied it; no query on a hit.
        """
        self.ensure_one()
        cache = self.env.cache
        for name, value in self._webhook_intake_snapshot(self.id):
            cache.set(self, self._fields[name], value)

    @api.model
    @tools.ormcache("channel_id")
    def _webhook_intake_snapshot(self, channel_id):
        # cache values (a many2one as its id), never a secret: those stay in integration.secret
        channel = self.browse(channel_id).sudo()
        names = self._webhook_intake_fields()
        channel.fetch(names)
        return tuple((name, self.env.cache.get(channel, self._fields[name])) for name in names)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if {"webhook_token", "active", *self._webhook_intake_fields()} & set(vals):
            self.env.registry.clear_cache()  # the webhook intake's per-worker reads (see _webhook_intake_snapshot)
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _new_webhook_token(self):
        return secrets.token_urlsafe(32)

    @api.depends("webhook_token")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            channel.webhook_url = f"{base}{WEBHOOK_ROUTE}{channel.webhook_token}" if channel.webhook_token else False

    def _check_hub_admin(self, what):
        """Administrators of the channels' own companies only (sudo: the hub itself acting, e.g. pausing a
        channel whose app was uninstalled)."""
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can %s.", what))
        self._check_hub_reachable()

    def _compute_counts(self):
        def count_by(model, domain):
            groups = self.env[model]._read_group(domain + [("channel_id", "in", self.ids)], ["channel_id"], ["__count"])
            return {channel.id: count for channel, count in groups}

        events = count_by("integration.event", [])
        failed = count_by("integration.event", [("state", "=", "failed")])
        jobs = count_by("integration.job", [("state", "in", ("pending", "running"))])
        exceptions = count_by("integration.sync.exception", [("state", "=", "open")])
        for channel in self:
            channel.event_count = events.get(channel.id, 0)
            channel.failed_event_count = failed.get(channel.id, 0)
            channel.pending_job_count = jobs.get(channel.id, 0)
            channel.open_exception_count = exceptions.get(channel.id, 0)

    # --- constraints ------------------------------------------------------
    @api.constrains("allowed_ips")
    def _check_allowed_ips(self):
        for channel in self:
            try:
                ip_allowlist.parse_networks(channel.allowed_ips)
            except ValueError as error:
                raise ValidationError(_("Allowed source IPs: %s.", error)) from None

    @api.constrains("publish_interval_minutes")
    def _check_publish_interval(self):
        for channel in self:
            if not 15 <= channel.publish_interval_minutes <= 60:
                raise ValidationError(_("The inventory publication interval must be between 15 and 60 minutes."))

    @api.constrains("retry_base_seconds", "retry_cap_seconds", "retry_max_attempts", "webhook_max_bytes")
    def _check_retry_policy(self):
        for channel in self:
            if channel.retry_base_seconds <= 0 or channel.retry_cap_seconds < channel.retry_base_seconds:
                raise ValidationError(_("Retry delays: the base must be positive and the cap at least the base."))
            if channel.retry_max_attempts < 1:
                raise ValidationError(_("A job needs at least one attempt."))
            if channel.webhook_max_bytes < 1024:
                raise ValidationError(_("The webhook body limit must be at least 1024 bytes."))

    @api.constrains(*(spec[0] for spec in OWNED_OBJECTS.values()), "warehouse_id", "company_id", "active")
    def _check_single_owner(self):
        """Every object has exactly one owner: a value, and no second channel claiming it."""
        labels = dict(self._fields["order_owner"]._description_selection(self.env))
        for channel in self:
            for obj, (field, scope, _default) in OWNED_OBJECTS.items():
                value = channel[field]
                if not value:
                    raise ValidationError(
                        _(
                            "Channel '%(channel)s' gives %(object)s no owner. Every object needs exactly one owner.",
                            channel=channel.name,
                            object=obj,
                        )
                    )
                if value != "channel" or scope == "channel":
                    continue
                domain = [("id", "!=", channel.id), (field, "=", "channel"), ("company_id", "=", channel.company_id.id)]
                if scope == "warehouse":
                    domain.append(("warehouse_id", "=", channel.warehouse_id.id))
                rival = self.search(domain, limit=1)
                if rival:
                    raise ValidationError(
                        _(
                            "%(object)s would have two owners: channel '%(rival)s' already owns it%(where)s. "
                            "An object has exactly one owner: set this channel's %(object)s owner to '%(warehouse)s' "
                            "or change channel '%(rival)s' first.",
                            object=obj.capitalize(),
                            rival=rival.name,
                            where=_(" in warehouse %s", channel.warehouse_id.name) if scope == "warehouse" else "",
                            warehouse=labels["warehouse"],
                        )
                    )

    # --- actions ----------------------------------------------------------
    def action_go_live(self):
        self._check_hub_admin(_("put channels live"))
        self._check_ready_to_go_live()
        self.write({"state": "live"})
        return True

    def action_pause(self):
        self._check_hub_admin(_("pause channels"))
        self.write({"state": "paused"})
        return True

    def action_rotate_webhook_token(self):
        """Issue a new webhook URL; the old one stops working at once."""
        self._check_hub_admin(_("rotate webhook URLs"))
        for channel in self:
            old_suffix = (channel.sudo().webhook_token or "")[-4:]
            channel._hub_write({"webhook_token": self._new_webhook_token()})
            self.env["integration.audit.log"]._log(
                "token_rotation",
                channel,
                reason=self.env.context.get("rotation_reason") or _("Webhook token rotated"),
                # only the last characters, enough to tell tokens apart
                before={"token_suffix": old_suffix},
                after={"token_suffix": channel.sudo().webhook_token[-4:]},
            )
            channel._hub_note(_("Webhook URL rotated: partners must use the new URL."))
        return True

    def _adapter(self):
        self.ensure_one()
        return self.env[f"integration.adapter.{self.platform}"]

    def action_view_events(self):
        return self._action_view("integration_hub.action_integration_event")

    def action_view_jobs(self):
        return self._action_view("integration_hub.action_integration_job")

    def action_view_exceptions(self):
        return self._action_view("integration_hub.action_integration_sync_exception")

    def _action_view(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("channel_id", "in", self.ids)]
        action["context"] = {"default_channel_id": self.id}
        return action

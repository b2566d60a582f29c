from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import capabilities as C
from ..lib import payment_status
from ..lib.errors import HubError


class IntegrationChannelCapabilities(models.Model):
    """What a channel does: its platform's capabilities, the duties switched on, and what its settings lack.

    The hub asks here before it queues anything (``_takes``) and before a channel goes live.
    """

    _inherit = "integration.channel"

    capabilities = fields.Char(
        compute="_compute_capabilities", help="What this channel's platform can do (declared by its adapter)."
    )
    configuration_warnings = fields.Text(
        compute="_compute_capabilities", help="Switched-on duties whose settings are missing: nothing is sent for them."
    )
    # the duties the hub queues from lifecycle events, for platforms that declare them
    send_inventory = fields.Boolean(string="Publish inventory", default=True, tracking=True)
    send_fulfillment = fields.Boolean(
        string="Send fulfillments and tracking",
        default=True,
        tracking=True,
        help="Once the carrier has the goods: the shipped lines with their tracking; later tracking changes.",
    )
    send_order_status = fields.Boolean(
        string="Send order status",
        default=True,
        tracking=True,
        help="Cancellations acknowledged, lines cancelled for lack of stock, edits refused, carrier steps.",
    )
    send_return_status = fields.Boolean(string="Send return outcomes", default=True, tracking=True)
    acknowledge_orders = fields.Boolean(
        string="Acknowledge orders",
        default=False,
        tracking=True,
        help="Tell the channel each new order was received (and its state). Platforms that require it "
        "(e.g. a marketplace that refuses orders not accepted in time) need it on.",
    )
    paid_statuses = fields.Char(
        string="Payment statuses that count as paid",
        default=payment_status.DEFAULT_PAID,
        help="For the 'Paid' valid-to-pick rule, comma separated, from the hub's vocabulary: "
        + ", ".join(payment_status.STATUSES)
        + ". Each platform's own statuses are mapped onto these by its adapter.",
    )
    # what the form shows: the buttons of the declared administration capabilities
    can_test_connection = fields.Boolean(compute="_compute_capabilities")
    can_register_webhooks = fields.Boolean(compute="_compute_capabilities")
    can_import_listings = fields.Boolean(compute="_compute_capabilities")
    can_poll = fields.Boolean(compute="_compute_capabilities")
    webhook_status = fields.Text(string="Webhook subscriptions", readonly=True, copy=False)
    listing_count = fields.Integer(compute="_compute_listing_count")

    @api.depends(
        "platform",
        "api_base_url",
        "send_inventory",
        "send_fulfillment",
        "send_order_status",
        "send_return_status",
        "acknowledge_orders",
        "poll_orders",
        "poll_returns",
        "poll_tracking",
    )
    def _compute_capabilities(self):
        for channel in self:
            declared = channel._adapter()._capabilities if channel.platform else frozenset()
            channel.capabilities = ", ".join(C.LABELS[c] for c in sorted(declared, key=list(C.LABELS).index)) or _(
                "none (orders entered by hand)"
            )
            channel.configuration_warnings = "\n".join(channel._configuration_problems()) or False
            channel.can_test_connection = C.CONNECTION_TEST in declared
            channel.can_register_webhooks = C.WEBHOOK_REGISTRATION in declared
            channel.can_import_listings = C.CATALOG in declared
            channel.can_poll = any(capability in declared for capability in C.STREAMS.values())

    def _compute_listing_count(self):
        groups = self.env["integration.external.id"]._read_group(
            [("channel_id", "in", self.ids), ("kind", "=", "product"), ("listed", "=", True)],
            ["channel_id"],
            ["__count"],
        )
        counts = {channel.id: count for channel, count in groups}
        for channel in self:
            channel.listing_count = counts.get(channel.id, 0)

    @api.constrains("paid_statuses")
    def _check_paid_statuses(self):
        for channel in self:
            try:
                payment_status.parse(channel.paid_statuses)
            except ValueError as error:
                raise ValidationError(_("Payment statuses that count as paid: %s.", error)) from None

    def _paid_statuses(self):
        return payment_status.parse(self.paid_statuses)

    # --- what the channel takes ----------------------------------------------------------
    def _capability_for(self, job_type):
        declared = self._adapter()._capabilities
        return next((c for c in C.JOB_TYPE_CAPABILITIES.get(job_type, ()) if c in declared), None)

    def _takes(self, job_type):
        """Does the hub queue ``job_type`` messages for this channel? Declared, switched on and configured."""
        self.ensure_one()
        capability = self._capability_for(job_type)
        switch = C.JOB_TYPE_SWITCHES.get(job_type)
        if not capability or not switch or not self[switch]:
            return False
        return not self._adapter()._configuration_problems(self, capability)

    def _configuration_problems(self):
        """'<duty>: <what is missing>' for every declared duty switched on (and webhooks) the settings cannot serve."""
        self.ensure_one()
        adapter = self._adapter()
        wanted = [C.WEBHOOKS] if C.WEBHOOKS in adapter._capabilities else []
        for job_type, switch in C.JOB_TYPE_SWITCHES.items():
            capability = self._capability_for(job_type)
            if capability and self[switch] and capability not in wanted:
                wanted.append(capability)
        for stream, capability in C.STREAMS.items():
            if capability in adapter._capabilities and self[C.STREAM_SWITCHES[stream]]:
                wanted.append(capability)
        return [
            _("%(duty)s: %(problem)s", duty=C.LABELS[capability], problem=problem)
            for capability in wanted
            for problem in adapter._configuration_problems(self, capability)
        ]

    def _check_ready_to_go_live(self):
        for channel in self:
            problems = channel._configuration_problems()
            if problems:
                raise UserError(
                    _(
                        "Channel %(channel)s cannot go live yet:\n- %(problems)s\nComplete its settings, or switch "
                        "the duty off (Outbound tab) if the channel does not take it.",
                        channel=channel.name,
                        problems="\n- ".join(problems),
                    )
                )

    # --- administrators' buttons ------------------------------------------------------------
    def _notify(self, title, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind, "sticky": kind == "danger"},
        }

    def _check_capability(self, capability):
        if capability not in self._adapter()._capabilities:
            raise UserError(
                _("Platform '%(platform)s' has no %(what)s.", platform=self.platform, what=C.LABELS[capability])
            )

    def action_test_connection(self):
        self.ensure_one()
        self._check_hub_admin(_("test connections"))
        self._check_capability(C.CONNECTION_TEST)
        try:
            message = self._adapter()._test_connection(self)
        except HubError as error:
            return self._notify(_("Connection failed"), str(error), "danger")
        return self._notify(_("Connected"), message)

    def action_register_webhooks(self):
        """Create, repair or re-activate the platform's subscriptions to this channel's webhook URL."""
        self.ensure_one()
        self._check_hub_admin(_("register webhooks"))
        self._check_capability(C.WEBHOOK_REGISTRATION)
        try:
            report = self._register_webhooks()
        except HubError as error:
            return self._notify(_("Webhook registration failed"), str(error), "danger")
        lines = [f"{topic}: {state}" for topic, state in report]
        self.sudo().webhook_status = "\n".join(lines)
        for exception in self.env["integration.sync.exception"]._open_about(self, "webhook_disabled"):
            exception._hub_note(_("Webhooks registered again by %s: this can probably be closed.", self.env.user.name))
        return self._notify(_("Webhook subscriptions"), "; ".join(lines))

    def _register_webhooks(self):
        """One live subscription per topic pointing at the hub: [(topic, what happened)]."""
        adapter, url = self._adapter(), self.sudo().webhook_url
        existing = adapter._webhook_subscriptions(self)
        report = []
        for topic in adapter._webhook_topics(self):
            found = [sub for sub in existing if sub.get("topic") == topic]
            ours = [sub for sub in found if sub.get("url") == url]
            if any(sub.get("active", True) for sub in ours):
                report.append((topic, _("already subscribed")))
            elif found:
                adapter._subscribe_webhook(self, topic, url, (ours or found)[0])
                report.append((topic, _("re-activated") if ours else _("repaired (pointed at this hub)")))
            else:
                adapter._subscribe_webhook(self, topic, url)
                report.append((topic, _("created")))
        return report

    def _webhook_problems(self):
        """[(topic, why)] of this channel's subscriptions the platform stopped delivering (e.g. disabled)."""
        url = self.sudo().webhook_url
        return [
            (sub["topic"], _("The platform set the subscription of %s to this hub inactive.", sub["topic"]))
            for sub in self._adapter()._webhook_subscriptions(self)
            if sub.get("url") == url and not sub.get("active", True)
        ]

    def action_import_listings(self):
        """Read the platform's catalog and list every item whose SKU matches a product (never a guess)."""
        self.ensure_one()
        self._check_hub_admin(_("import listings"))
        self._check_capability(C.CATALOG)
        try:
            items = self._adapter()._fetch_listings(self)
        except HubError as error:
            return self._notify(_("Catalog import failed"), str(error), "danger")
        listed, unmatched = self.env["integration.external.id"]._import_listings(self, items)
        message = _("%(listed)s listing(s) matched to products.", listed=len(listed))
        if unmatched:
            message += " " + _(
                "No product has the SKU of %(count)s item(s), not listed: %(items)s",
                count=len(unmatched),
                items=", ".join(map(str, unmatched[:20])) + ("…" if len(unmatched) > 20 else ""),
            )
        self._hub_note(message)
        return self._notify(_("Catalog import"), message, "warning" if unmatched else "success")

    def action_view_listings(self):
        action = self._action_view("integration_hub.action_integration_external_id")
        action["context"] = {"default_channel_id": self.id, "search_default_listings": 1}
        return action

"""Go-live check: the seed's six acceptance tests run against one channel, then rolled back.

Seed, "Acceptance tests": before an integration goes live, an order flows in, is picked, packed and syncs
back as shipped with tracking; an inventory change reaches the channel within its window; a variant order;
a kit order; a partial order; a return is triaged and restocked.

The six tests drive the hub's own entry points (``integration.event._receive`` + ``_process``, picking
validation, ``_record_carrier_pickup``, the return actions) on test products created for the channel's client,
all inside one savepoint that is rolled back: no order, stock move, job or exception stays. Nothing is sent:
the outbox is never run, so what *would* be queued is read back from the savepoint as evidence. Only the
result (``integration.golive.check`` and its lines) is written afterwards.
"""

import copy
import hashlib
import json
import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib.sample_order import sample_order_data

GOLIVE_TESTS = [
    ("order_flow", "Order flow"),
    ("inventory_sync", "Inventory sync"),
    ("variant_order", "Variant order"),
    ("kit_order", "Kit order"),
    ("partial_order", "Partial order"),
    ("return_flow", "Return flow"),
]
# the hub's band for inventory publication (integration.channel._check_publish_interval): the sync window
INVENTORY_WINDOW_MINUTES = 60
# channel fields that are not configuration: their change does not make a check stale
NOT_CONFIGURATION = {"state", "webhook_token", "outbound_paused", "sequence", "active"}


class GoliveTestFailed(Exception):
    """One acceptance test did not hold; the message is the evidence shown to the manager."""


class _Passed(Exception):
    """A test held: its evidence, raised to roll the test's own savepoint back."""


class _RollBack(Exception):
    """Raised at the end of the run to roll the whole savepoint back."""


class IntegrationGoliveCheck(models.Model):
    """One run of the go-live check on a channel: who, when, passed, and one line per acceptance test."""

    _name = "integration.golive.check"
    _description = "Go-live check"
    _order = "id desc"
    _rec_name = "channel_id"

    channel_id = fields.Many2one("integration.channel", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    user_id = fields.Many2one("res.users", string="Who", required=True, readonly=True)
    date = fields.Datetime(string="When", required=True, readonly=True, default=fields.Datetime.now)
    kind = fields.Selection(
        [("check", "Check run"), ("override", "Manager's override")], required=True, readonly=True, default="check"
    )
    passed = fields.Boolean(readonly=True)
    override_reason = fields.Text(readonly=True)
    config_fingerprint = fields.Char(
        readonly=True, help="SHA-256 of the channel's configuration when the check ran: a later change makes it stale."
    )
    line_ids = fields.One2many("integration.golive.check.line", "check_id", readonly=True)
    summary = fields.Char(compute="_compute_summary")

    @api.depends("line_ids.passed", "kind", "passed")
    def _compute_summary(self):
        for check in self:
            if check.kind == "override":
                check.summary = _("Override: %s", check.override_reason or "")
            else:
                check.summary = _(
                    "%(ok)s of %(n)s tests passed",
                    ok=len(check.line_ids.filtered("passed")),
                    n=len(check.line_ids),
                )

    def _open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.golive.check",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }


class IntegrationGoliveCheckLine(models.Model):
    _name = "integration.golive.check.line"
    _description = "Go-live check test"
    _order = "sequence, id"

    check_id = fields.Many2one("integration.golive.check", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="check_id.company_id", store=True)  # kept apart per company
    sequence = fields.Integer()
    test = fields.Selection(GOLIVE_TESTS, required=True, readonly=True)
    passed = fields.Boolean(readonly=True)
    evidence = fields.Text(readonly=True)


class IntegrationChannel(models.Model):
    _inherit = "integration.channel"

    golive_check_ids = fields.One2many("integration.golive.check", "channel_id", string="Go-live checks")

    # --- the guard --------------------------------------------------------------------
    def _golive_config_fingerprint(self):
        """SHA-256 (hex) of the channel's stored configuration fields (not state, counters, or timestamps)."""
        self.ensure_one()
        values = {}
        for name, field in sorted(self._fields.items()):
            if (
                not field.store
                or field.compute
                or field.type in ("one2many", "many2many", "binary")
                or name in NOT_CONFIGURATION
                or name in models.MAGIC_COLUMNS
                or name.startswith(("message_", "activity_", "last_", "website_message"))
            ):
                continue
            value = self.sudo()[name]
            values[name] = value.id if isinstance(value, models.BaseModel) else value
        return hashlib.sha256(json.dumps(values, default=str, sort_keys=True).encode()).hexdigest()

    def _golive_clearance(self):
        """The latest check or override still valid for the current configuration, or an empty recordset."""
        self.ensure_one()
        latest = self.env["integration.golive.check"].sudo().search([("channel_id", "=", self.id)], limit=1)
        if latest and (latest.passed or latest.kind == "override"):
            if latest.config_fingerprint == self._golive_config_fingerprint():
                return latest
        return latest.browse()

    def action_go_live(self):
        """Live only with a passed go-live check run on the current configuration, or a manager's override."""
        self._check_hub_admin(_("put channels live"))
        self._check_ready_to_go_live()  # what is missing in the settings first, then the check
        for channel in self:
            if not self.env.su and not channel._golive_clearance():
                raise UserError(
                    _(
                        "Channel %s cannot go live: its latest go-live check did not pass, was run before the "
                        "last configuration change, or was never run. Run the go-live check (button 'Go-live "
                        "check'), or ask a manager to override it with a reason.",
                        channel.name,
                    )
                )
        return super().action_go_live()

    # --- the check --------------------------------------------------------------------
    def _check_golive_rights(self):
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers and administrators can run the go-live check."))
        self._check_hub_reachable()

    def action_run_golive_check(self):
        """Run the six acceptance tests (rolled back), store the result and open it."""
        self.ensure_one()
        self._check_golive_rights()
        fingerprint = self._golive_config_fingerprint()
        results = self.sudo()._golive_run()
        check = (
            self.env["integration.golive.check"]
            .sudo()
            .create(
                {
                    "channel_id": self.id,
                    "user_id": self.env.uid,
                    "passed": all(ok for _code, ok, _evidence in results),
                    "config_fingerprint": fingerprint,
                    "line_ids": [
                        (0, 0, {"sequence": index, "test": code, "passed": ok, "evidence": evidence})
                        for index, (code, ok, evidence) in enumerate(results)
                    ],
                }
            )
        )
        return check._open()

    def _golive_run(self):
        """[(test code, passed, evidence text)] for the six tests; everything they did is rolled back."""
        cr = self.env.cr
        self.env.flush_all()
        saved = {
            hooks: (list(getattr(cr, hooks)._funcs), copy.copy(getattr(cr, hooks).data))
            for hooks in ("precommit", "postcommit", "prerollback", "postrollback")
        }
        results = []
        try:
            with cr.savepoint():
                run = GoliveRun(self)
                for code, _label in GOLIVE_TESTS:
                    try:
                        with cr.savepoint():  # each test starts from the same set-up
                            raise _Passed(getattr(run, "test_" + code)())
                    except _Passed as passed:
                        results.append((code, True, passed.args[0]))
                    except GoliveTestFailed as failure:
                        results.append((code, False, str(failure)))
                    except (UserError, AccessError) as error:
                        results.append((code, False, _("Refused by the hub: %s", error)))
                    except Exception as error:  # noqa: BLE001  a bug or a configuration the hub cannot take
                        results.append((code, False, _("Unexpected error: %s", repr(error))))
                    self.env.invalidate_all()
                raise _RollBack()
        except _RollBack:
            pass
        finally:
            self.env.invalidate_all()
            self.env.registry.clear_cache()
            for hooks, (funcs, data) in saved.items():
                callbacks = getattr(cr, hooks)
                callbacks._funcs.clear()
                callbacks._funcs.extend(funcs)
                callbacks.data.clear()
                callbacks.data.update(data)
        return results


class GoliveRun:
    """The six tests, on one channel (sudo: the hub itself receiving and shipping), inside the savepoint."""

    def __init__(self, channel):
        self.channel = channel
        self.env = channel.env
        self.tag = uuid.uuid4().hex[:6].upper()
        self.stock_location = channel.warehouse_id.lot_stock_id
        self._make_products()
        self.job_floor = self._max_id("integration.job")

    # --- set-up ----------------------------------------------------------------------
    def _max_id(self, model):
        self.env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.env[model]._table}"')  # noqa: S608
        return self.env.cr.fetchone()[0]

    def _make_products(self):
        env, client = self.env, self.channel.client_id
        Product = env["product.product"]
        common = {"is_storable": True, "hub_client_id": client.id}
        self.plain = Product.create({"name": "Go-live plain", "default_code": f"GL{self.tag}-PLAIN", **common})
        size = env["product.attribute"].create(
            {"name": f"Go-live size {self.tag}", "value_ids": [(0, 0, {"name": "S"}), (0, 0, {"name": "M"})]}
        )
        template = env["product.template"].create(
            {
                "name": "Go-live T-shirt",
                **common,
                "attribute_line_ids": [(0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})],
            }
        )
        for variant in template.product_variant_ids:
            variant.default_code = f"GL{self.tag}-TS-" + variant.product_template_attribute_value_ids.name
        self.size_s = template.product_variant_ids.filtered(lambda v: v.default_code.endswith("-S"))
        self.size_m = template.product_variant_ids.filtered(lambda v: v.default_code.endswith("-M"))
        self.kit = Product.create({"name": "Go-live kit", "default_code": f"GL{self.tag}-KIT", **common})
        env["mrp.bom"].create(
            {
                "product_tmpl_id": self.kit.product_tmpl_id.id,
                "product_id": self.kit.id,
                "type": "phantom",
                "company_id": self.channel.company_id.id,
                "bom_line_ids": [
                    (0, 0, {"product_id": self.plain.id, "product_qty": 1}),
                    (0, 0, {"product_id": self.size_s.id, "product_qty": 1}),
                ],
            }
        )
        for product, quantity in ((self.plain, 10), (self.size_s, 5), (self.size_m, 5)):
            env["stock.quant"]._update_available_quantity(product, self.stock_location, quantity)
        env["integration.external.id"].create(
            [
                {"channel_id": self.channel.id, "product_id": p.id, "sku": p.default_code}
                for p in (self.plain, self.size_s, self.size_m, self.kit)
            ]
        )

    # --- the hub's entry points --------------------------------------------------------
    def _receive(self, event_type, data):
        Event = self.env["integration.event"]
        event_id, _created = Event._receive(self.channel, f"golive-{uuid.uuid4().hex}", event_type, data)
        event = Event.browse(event_id)
        event._process()
        if event.state not in ("done", "duplicate"):
            raise GoliveTestFailed(
                self.env._(
                    "The %(type)s message was not processed (%(state)s): %(error)s",
                    type=event_type,
                    state=event.state,
                    error=event.error or "",
                )
            )
        return event

    def _order(self, suffix, lines, **overrides):
        now = fields.Datetime.now().isoformat() + "+00:00"
        external_id = f"GOLIVE-{self.tag}-{suffix}"
        data = sample_order_data(
            external_id, lines, buyer_name="Go-live Test", email="golive@example.com", placed_at=now, **overrides
        )
        self._receive("order.created", data)
        order = self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", external_id)]
        )
        if not order:
            raise GoliveTestFailed(self.env._("Order %s was not created from the channel's message.", external_id))
        return order, data

    def _expect_accepted(self, order):
        if order.state != "accepted":
            raise GoliveTestFailed(
                self.env._(
                    "Order %(order)s is '%(state)s', not accepted for picking. %(why)s",
                    order=order.external_id,
                    state=dict(order._fields["state"]._description_selection(self.env)).get(order.state),
                    why=order.hold_reasons or "",
                )
            )

    def _pick(self, order):
        picking = order._first_step_pickings()
        for move in picking.move_ids:
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = self.env["stock.backorder.confirmation"].with_context(result["context"])
            wizard.create({"pick_ids": [(6, 0, picking.ids)]}).process()
        return picking

    def _ship(self, order):
        self._pick(order)
        if order.state != "packed":
            # a multi-step route: validate the next steps as the warehouse would
            for _step in range(2):
                ready = order.sale_order_id.picking_ids.filtered(lambda p: p.state == "assigned")
                for picking in ready:
                    picking.move_ids.picked = True
                    picking.button_validate()
                if order.state == "packed":
                    break
        if order.state != "packed":
            raise GoliveTestFailed(
                self.env._(
                    "Order %(order)s is '%(state)s' after picking, not packed.",
                    order=order.external_id,
                    state=order.state,
                )
            )
        tracking = f"GOLIVE{self.tag}"
        order._record_carrier_pickup(f"GOLIVE-PICKUP-{self.tag}", tracking, fields.Datetime.now(), "go-live check")
        if order.state != "dispatched":
            raise GoliveTestFailed(
                self.env._(
                    "Order %(order)s is '%(state)s' after the carrier pickup.",
                    order=order.external_id,
                    state=order.state,
                )
            )
        return tracking

    def _jobs(self, job_types, record=None):
        domain = [("id", ">", self.job_floor), ("channel_id", "=", self.channel.id), ("job_type", "in", job_types)]
        if record is not None:
            domain += [("res_model", "=", record._name), ("res_id", "=", record.id)]
        return self.env["integration.job"].search(domain, order="id")

    def _show(self, job):
        return self.env._("%(type)s job (not sent): %(payload)s", type=job.job_type, payload=job.payload)

    # --- the six tests ------------------------------------------------------------------
    def test_order_flow(self):
        order, _data = self._order("1", [{"id": "1", "sku": self.plain.default_code, "quantity": 1}])
        self._expect_accepted(order)
        tracking = self._ship(order)
        jobs = self._jobs(["fulfillment", "tracking", "order_status"])
        shipped = jobs.filtered(lambda job: tracking in (job.payload or ""))
        if not shipped:
            raise GoliveTestFailed(
                self.env._(
                    "Order %(order)s was picked, packed and dispatched with tracking %(tracking)s, but nothing "
                    "would tell the channel it shipped: no fulfillment or order status message carrying the "
                    "tracking was queued. Check the channel's Outbound tab ('Send fulfillments and tracking', "
                    "'Send order status', API base URL). Platform '%(platform)s' %(declares)s fulfillment with "
                    "tracking; the dispatched order status with the tracking goes to channels that take order status.",
                    order=order.external_id,
                    tracking=tracking,
                    platform=self.channel.platform,
                    declares=self.env._("declares")
                    if self.channel._capability_for("fulfillment")
                    else self.env._("does not declare"),
                )
            )
        return self.env._(
            "Order %(order)s accepted, picked, packed and dispatched with tracking %(tracking)s.\n%(jobs)s",
            order=order.external_id,
            tracking=tracking,
            jobs="\n".join(self._show(job) for job in shipped),
        )

    def test_inventory_sync(self):
        channel = self.channel
        before = channel._publish_inventory(self.plain, force=True)
        self.env["stock.quant"]._update_available_quantity(self.plain, self.stock_location, 7)
        jobs = channel._publish_inventory(self.plain) or self._jobs(["inventory"]) - before
        sku = self.plain.default_code
        new = [job for job in jobs if job.job_type == "inventory" and sku in (job.payload or "")]
        if not new:
            raise GoliveTestFailed(
                self.env._(
                    "A stock change of +7 on %(sku)s queued no inventory job for the channel. Check that the "
                    "channel takes inventory (Outbound tab) and lists the client's products.",
                    sku=sku,
                )
            )
        interval = channel.publish_interval_minutes
        if interval > INVENTORY_WINDOW_MINUTES:
            raise GoliveTestFailed(
                self.env._(
                    "Publication interval %(interval)s min is longer than the %(window)s min window.",
                    interval=interval,
                    window=INVENTORY_WINDOW_MINUTES,
                )
            )
        return self.env._(
            "Stock of %(sku)s 10 -> 17: %(job)s\nPublication interval %(interval)s min, within the %(window)s min "
            "window.",
            sku=sku,
            job=self._show(new[-1]),
            interval=interval,
            window=INVENTORY_WINDOW_MINUTES,
        )

    def test_variant_order(self):
        order, _data = self._order("3", [{"id": "1", "sku": self.size_m.default_code, "quantity": 2}])
        self._expect_accepted(order)
        picked = order._first_step_pickings().move_ids.product_id
        if picked != self.size_m:
            raise GoliveTestFailed(
                self.env._("Variant M ordered, %(picked)s to pick.", picked=", ".join(picked.mapped("display_name")))
            )
        self._pick(order)
        if (self.size_m.qty_available, self.size_s.qty_available) != (3, 5):
            raise GoliveTestFailed(
                self.env._(
                    "After picking 2 M: M %(m)s, S %(s)s (expected 3 and 5).",
                    m=self.size_m.qty_available,
                    s=self.size_s.qty_available,
                )
            )
        return self.env._("2 x %(sku)s ordered and picked: M 5 -> 3, S untouched at 5.", sku=self.size_m.default_code)

    def test_kit_order(self):
        order, _data = self._order("4", [{"id": "1", "sku": self.kit.default_code, "quantity": 2}])
        self._expect_accepted(order)
        moves = order._first_step_pickings().move_ids
        components = sorted(moves.mapped("product_id.default_code"))
        expected = sorted([self.plain.default_code, self.size_s.default_code])
        if components != expected:
            raise GoliveTestFailed(
                self.env._("Kit exploded into %(got)s, expected %(expected)s.", got=components, expected=expected)
            )
        self._pick(order)
        return self.env._(
            "2 x %(kit)s allocated and picked as components %(components)s (2 each).",
            kit=self.kit.default_code,
            components=", ".join(components),
        )

    def test_partial_order(self):
        channel = self.channel
        available = int(self.plain.qty_available)
        lines = [
            {"id": "1", "sku": self.plain.default_code, "quantity": available + 2},
            {"id": "2", "sku": self.size_s.default_code, "quantity": 1},
        ]
        order, data = self._order("5", lines)
        later = fields.Datetime.now() + timedelta(minutes=1)
        update = dict(data, updated_at=later.isoformat() + "+00:00")
        update["lines"] = [lines[0], dict(lines[1], cancelled=True)]
        self._receive("order.updated", update)
        cancelled = order.line_ids.filtered(lambda line: line.external_line_id == "2")
        if cancelled.state != "cancelled":
            raise GoliveTestFailed(self.env._("The cancelled line is '%s', not cancelled.", cancelled.state))
        policy = channel.partial_policy
        label = dict(channel._fields["partial_policy"]._description_selection(self.env))[policy]
        if policy == "hold":
            if order.state != "on_hold":
                raise GoliveTestFailed(
                    self.env._("Policy '%(p)s' but the short order is '%(s)s'.", p=label, s=order.state)
                )
            outcome = self.env._("held: %s", order.hold_reasons or "")
        else:
            moves = order._first_step_pickings().move_ids.filtered(lambda m: m.state != "cancel")
            if moves.product_id != self.plain:
                raise GoliveTestFailed(self.env._("The cancelled line is still to pick."))
            self._pick(order)
            outcome = self.env._(
                "%(n)s of %(q)s shipped, state %(state)s", n=available, q=available + 2, state=order.state
            )
        return self.env._(
            "Line 1 short by 2 (%(a)s available of %(q)s), line 2 cancelled by the channel. Policy '%(policy)s': "
            "%(outcome)s.",
            a=available,
            q=available + 2,
            policy=label,
            outcome=outcome,
        )

    def test_return_flow(self):
        order, _data = self._order("6", [{"id": "1", "sku": self.plain.default_code, "quantity": 1}])
        self._expect_accepted(order)
        self._ship(order)
        order._apply_carrier_status("delivered")
        before = self.plain.qty_available
        rma = f"GOLIVE-RMA-{self.tag}"
        self._receive(
            "return.created",
            {
                "id": rma,
                "order_id": order.external_id,
                "reason": "go-live check",
                "status": "authorized",
                "lines": [{"sku": self.plain.default_code, "quantity": 1}],
            },
        )
        ret = self.env["integration.return"].search([("channel_id", "=", self.channel.id), ("external_id", "=", rma)])
        if not ret:
            raise GoliveTestFailed(self.env._("Return %s was not created from the channel's message.", rma))
        ret.action_create_receipt()
        receipt = ret.receipt_id
        receipt.move_ids.quantity = 1
        receipt.move_ids.picked = True
        receipt.button_validate()
        self._receive(
            "return.updated", {"id": rma, "lines": [{"sku": self.plain.default_code, "disposition": "sellable"}]}
        )
        if ret.state != "triaged":
            raise GoliveTestFailed(self.env._("Return %(rma)s is '%(state)s' after triage.", rma=rma, state=ret.state))
        ret.action_complete()
        after = self.plain.qty_available
        if ret.state != "completed" or after != before + 1:
            raise GoliveTestFailed(
                self.env._(
                    "Return %(rma)s '%(state)s', stock %(b)s -> %(a)s (expected +1).",
                    rma=rma,
                    state=ret.state,
                    b=before,
                    a=after,
                )
            )
        jobs = self._jobs(["return_status"], ret)
        return self.env._(
            "Return %(rma)s received in quarantine, triaged sellable, restocked: stock %(b)s -> %(a)s.\n%(jobs)s",
            rma=rma,
            b=before,
            a=after,
            jobs="\n".join(self._show(job) for job in jobs) or self.env._("(the channel takes no return status)"),
        )

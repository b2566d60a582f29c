"""Who may do what in the hub: the README's role table, proven row by row (see role_matrix.py).

To add a model or an action: add rows to HUB_MATRIX (or to your addon's own test_role_matrix.py),
with the roles the README gives it. Rows run as each of the six roles in ``role_matrix.ROLES``.
"""

import json

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .order_common import OrderCase
from .role_matrix import (
    ADMIN,
    ADMINS,
    FINANCE,
    MANAGER,
    MANAGERS,
    NOBODY,
    READERS,
    WORKERS,
    RoleMatrixMixin,
    Row,
    hub_field_rows,
)


def wizard(env, action):
    """The wizard a button opens, as the web client opens it (the button's action context)."""
    return Form(env[action["res_model"]].with_context(**action.get("context", {})))


def decide(case, env, exception, mode="decide", text="Checked with the client"):
    exception = exception.with_env(env)
    button = {
        "decide": exception.action_open_decision_wizard,
        "apply_edit": exception.action_apply_edit,
        "reject_edit": exception.action_reject_edit,
    }[mode]
    form = wizard(env, button())
    form.decision = text
    form.save().action_confirm()


def set_aside(case, env):
    form = wizard(env, case.event_waiting.with_env(env).action_open_set_aside())
    form.reason = "A test order the shop sent by mistake"
    form.save().action_confirm()


def force_state(case, env):
    form = wizard(env, case.order_accepted.with_env(env).action_open_force_state())
    form.target_state = "cancelled"
    form.reason = "The customer cancelled by phone"
    form.save().action_confirm()


def carrier_pickup(case, env):
    form = Form(env["integration.order.carrier.pickup"].with_context(default_order_id=case.order_packed.id))
    form.carrier_receipt_ref = "PICKUP-77"
    form.tracking_number = "TRK-77"
    form.reason = "The carrier's API is down; the driver signed our sheet"
    form.save().action_confirm()


def enter_order_by_hand(case, env):
    form = Form(env["integration.order.manual.entry"])
    form.channel_id = case.channel.with_env(env)
    form.external_id = "BY-HAND-1"
    form.customer_name = "Lucía Pérez"
    form.phone = "+34 612 345 678"
    form.street = "Calle de Colón 12"
    form.zip = "46004"
    form.city = "Valencia"
    form.source_note = "email from the shop, 10:42"
    with form.line_ids.new() as line:
        line.product_id = case.mug.with_env(env)
        line.quantity = 1
    form.save().action_confirm()


def reconcile(case, env):
    form = Form(env["integration.inventory.reconcile"])
    form.product_id = case.mug.with_env(env)
    form.location_id = case.warehouse.lot_stock_id.with_env(env)
    form.counted_qty = 7
    form.reason = "miscount"
    form.save().action_apply()


def import_counts(case, env):
    form = Form(env["integration.inventory.import"])
    form.file = case.csv_file(f"sku,location,counted\nMUG-001,{case.warehouse.lot_stock_id.complete_name},7\n")
    form.save().action_import()


def import_returns(case, env):
    form = Form(env["integration.return.import"])
    form.channel_id = case.channel.with_env(env)
    form.file = case.csv_file("return-id,original-order-id,reason,disposition\nRMA-CSV,M-PACK,too small,\n")
    form.save().action_import()


def triage(case, env):
    form = wizard(env, case.ret_received.with_env(env).action_open_triage())
    form.reason = "The returns system did not answer; graded at the bench"
    form.save().action_confirm()


def bench_note_through_the_form(case, env):
    """The operator types a note on a line of the return form and saves (the form writes line_ids)."""
    ret = case.ret_received.with_env(env)
    ret.write({"line_ids": [(1, ret.line_ids[:1].id, {"note": "box crushed, mug intact"})]})


def post_note(case, env, record):
    """A note from the chatter: the web client first checks the post right, then posts."""
    Model = env[record._name]
    if not Model._get_thread_with_access(record.id, mode=Model._mail_post_access):
        raise AccessError("The chatter refuses the post (no post right on the record).")
    Model.browse(record.id).message_post(body="A note", message_type="comment", subtype_xmlid="mail.mt_note")


def note_posted(case, record):
    return bool(
        case.env["mail.message"].search_count(
            [("model", "=", record._name), ("res_id", "=", record.id), ("body", "ilike", "A note")]
        )
    )


def open_sale_order(case, env):
    action = case.order_accepted.with_env(env).action_view_sale_order()
    view_id = action.get("views", [(False, "form")])[0][0]
    case.open_form(env, env["sale.order"].browse(action["res_id"]), view=view_id or None)


def exported(case, env):
    # names and cities: Finance exports lists, the delivery address is for the roles that ship
    case.order_accepted.with_env(env).export_data(["name", "customer_name", "ship_city"])


def erase_personal_data(case, env):
    form = Form(env["integration.personal.data.erasure"])
    form.email = case.order_accepted.customer_email
    form.reason = "GDPR request by e-mail"
    form.save().action_confirm()


def erasure_waits(case):
    # the customer's order is open: the request waits in an exception, nothing is erased
    return bool(case.env["integration.sync.exception"].search([("exception_type", "=", "personal_data_erasure")]))


def exception_state(case, record):
    return case.env["integration.sync.exception"].browse(record.id).state


HUB_MATRIX = [
    # --- reading: forms and lists as the web client opens them, and RPC reads --------------------------
    Row("Channels: open the list", READERS, lambda t, env: t.open_list(env, t.channel)),
    Row("Channels: open a channel", READERS, lambda t, env: t.open_form(env, t.channel)),
    Row("Channel orders: open the list", READERS, lambda t, env: t.open_list(env, t.order_accepted)),
    Row("Channel orders: open an order", READERS, lambda t, env: t.open_form(env, t.order_accepted)),
    Row("Channel orders: open an order on hold", READERS, lambda t, env: t.open_form(env, t.order_held)),
    Row(
        "Channel order lines: read",
        READERS,
        lambda t, env: t.order_accepted.line_ids.with_env(env).read(["sku", "quantity"]),
    ),
    Row("Channel orders: the Sale order smart button", READERS, open_sale_order),
    Row("Channel orders: export a list", frozenset({FINANCE, ADMIN}), exported),
    Row(
        "Channel orders: read the delivery address and phone",
        WORKERS,
        lambda t, env: t.order_accepted.with_env(env).read(["ship_street", "ship_zip", "phone_e164"]),
    ),
    Row("Inbox: read a raw message", WORKERS, lambda t, env: t.event_failed.with_env(env).read(["payload"])),
    Row("Exceptions: open the list", READERS, lambda t, env: t.open_list(env, t.exc_open)),
    Row("Exceptions: open an exception", READERS, lambda t, env: t.open_form(env, t.exc_open)),
    Row("Inbox: open the list", READERS, lambda t, env: t.open_list(env, t.event_failed)),
    Row("Inbox: open a message", READERS, lambda t, env: t.open_form(env, t.event_failed)),
    Row("Outbox: open a job", READERS, lambda t, env: t.open_form(env, t.job_dead)),
    Row(
        "Audit log: open the list",
        frozenset({MANAGER, ADMIN, FINANCE}),
        lambda t, env: t.open_list(env, t.audit_entry),
    ),
    Row("Published inventory: open the list", READERS, lambda t, env: t.open_list(env, t.level)),
    Row("Stock reserved per channel: read", READERS, lambda t, env: t.share.with_env(env).read(["reserved_qty"])),
    Row("Channel health: read", READERS, lambda t, env: t.health.with_env(env).read(["webhooks_rejected"])),
    Row("Returns: open the list", READERS, lambda t, env: t.open_list(env, t.ret_received)),
    Row("Returns: open a return", READERS, lambda t, env: t.open_form(env, t.ret_received)),
    Row("Return lines: read", READERS, lambda t, env: t.ret_received.line_ids.with_env(env).read(["note"])),
    Row("SKU equivalences: open one", READERS, lambda t, env: t.open_form(env, t.equivalence)),
    Row("Listings and channel ids: open the list", READERS, lambda t, env: t.open_list(env, t.listing)),
    Row("Polling cursors: read", READERS, lambda t, env: t.cursor.with_env(env).read(["cursor", "last_error"])),
    Row(
        "Channel secrets: list which are set",
        ADMINS,
        lambda t, env: env["integration.secret"].browse(t.secret.id).read(["name"]),
    ),
    # --- channels (administrators) ------------------------------------------------------------------------
    Row(
        "Channels: create one",
        ADMINS,
        lambda t, env: env["integration.channel"].create(
            {
                "name": "New shop",
                "code": "NEW",
                "platform": "generic",
                "company_id": t.company.id,
                "warehouse_id": t.warehouse.id,
            }
        ),
        lambda t: bool(t.env["integration.channel"].search([("code", "=", "NEW")])),
    ),
    Row(
        "Channels: change the order rules",
        ADMINS,
        lambda t, env: t.channel.with_env(env).write({"partial_policy": "backorder"}),
        lambda t: t.channel.partial_policy == "backorder",
    ),
    Row(
        "Channels: set a secret",
        ADMINS,
        lambda t, env: t.channel.with_env(env).write({"api_key": "key-from-the-partner"}),
        lambda t: t.channel._get_secret("api_key") == "key-from-the-partner",
    ),
    Row(
        "Channels: clear a secret",
        ADMINS,
        lambda t, env: t.channel.with_env(env).with_context(secret_name="webhook_secret").action_clear_secret(),
        lambda t: not t.channel._get_secret("webhook_secret"),
    ),
    Row(
        "Channels: pause",
        ADMINS,
        lambda t, env: t.channel.with_env(env).action_pause(),
        lambda t: t.channel.state == "paused",
    ),
    Row(
        "Channels: rotate the webhook URL",
        ADMINS,
        lambda t, env: t.channel.with_env(env).action_rotate_webhook_token(),
        lambda t: t.channel.webhook_token != t.webhook_token,
    ),
    Row(
        "Channels: Publish now",
        MANAGERS,
        lambda t, env: t.channel.with_env(env).action_publish_inventory_now(),
        lambda t: (
            t.env["integration.job"].search_count([("channel_id", "=", t.channel.id), ("job_type", "=", "inventory")])
            > t.inventory_jobs
        ),
    ),
    Row(
        "Channels: post a note",
        WORKERS,
        lambda t, env: post_note(t, env, t.channel),
        lambda t: note_posted(t, t.channel),
    ),
    *hub_field_rows("Channels", lambda t: t.channel, {"webhook_token": "my-own-token", "outbound_paused": True}),
    Row(
        "Channels: switch an outbound duty off",
        ADMINS,
        lambda t, env: t.channel.with_env(env).write({"send_order_status": False}),
        lambda t: not t.channel.send_order_status,
    ),
    Row(
        "Channels: Resume outbound",
        ADMINS,
        lambda t, env: t.channel.with_env(env).action_resume_outbound(),
        lambda t: bool(t.channel.message_ids.filtered(lambda m: "Outbound work resumed" in str(m.body))),
    ),
    Row(
        "Listings: list a product on a channel",
        ADMINS,
        lambda t, env: env["integration.external.id"].create({"channel_id": t.channel.id, "product_id": t.kit.id}),
        lambda t: bool(
            t.env["integration.external.id"].search([("product_id", "=", t.kit.id), ("source", "=", "manual")])
        ),
    ),
    Row(
        "Listings: take a product off a channel",
        ADMINS,
        lambda t, env: t.listing.with_env(env).write({"listed": False}),
        lambda t: not t.listing.listed,
    ),
    Row(
        "Listings: record a fulfillment id by hand",
        NOBODY,
        lambda t, env: env["integration.external.id"].create(
            {"channel_id": t.channel.id, "kind": "fulfillment", "external_id": "F-forged"}
        ),
    ),
    Row(
        "Channel secrets: delete one by hand",
        NOBODY,
        lambda t, env: env["integration.secret"].browse(t.secret.id).unlink(),
    ),
    Row(
        "Channel secrets: create one by hand",
        NOBODY,
        lambda t, env: env["integration.secret"].create(
            {"channel_id": t.channel.id, "name": "api_secret", "ciphertext": "not-a-token"}
        ),
    ),
    *hub_field_rows("Channel secrets", lambda t: t.secret, {"ciphertext": "gAAAA-forged"}),
    # --- orders ------------------------------------------------------------------------------------------
    Row(
        "Channel orders: Release an order on hold",
        MANAGERS,
        lambda t, env: t.order_held.with_env(env).action_release(),
        lambda t: t.order_held.state == "accepted",
    ),
    Row("Channel orders: Force state", MANAGERS, force_state, lambda t: t.order_accepted.state == "cancelled"),
    Row("Personal data: Erase personal data (wizard)", MANAGERS, erase_personal_data, erasure_waits),
    Row(
        "Channel orders: Carrier pickup (manual wizard)",
        MANAGERS,
        carrier_pickup,
        lambda t: t.order_packed.state == "dispatched",
    ),
    Row(
        "Channel orders: enter an order by hand",
        MANAGERS,
        enter_order_by_hand,
        lambda t: bool(t.env["integration.channel.order"].search([("external_id", "=", "BY-HAND-1")])),
    ),
    Row(
        "Channel orders: post a note",
        WORKERS,
        lambda t, env: post_note(t, env, t.order_accepted),
        lambda t: note_posted(t, t.order_accepted),
    ),
    Row(
        "Channel orders: schedule an activity",
        WORKERS,
        lambda t, env: t.order_accepted.with_env(env).activity_schedule(
            "mail.mail_activity_data_todo", summary="Call the shop", user_id=env.uid
        ),
    ),
    *hub_field_rows(
        "Channel orders",
        lambda t: t.order_accepted,
        {"state": "delivered", "tracking_number": "FAKE-1", "carrier_receipt_ref": "FAKE", "ship_street": "Elsewhere"},
    ),
    Row(
        "Channel order lines: change a quantity",
        NOBODY,
        lambda t, env: t.order_accepted.line_ids[:1].with_env(env).write({"quantity_sent": "99"}),
    ),
    # --- exceptions ----------------------------------------------------------------------------------------
    Row(
        "Exceptions: Decide (written decision)",
        MANAGERS,
        lambda t, env: decide(t, env, t.exc_open),
        lambda t: exception_state(t, t.exc_open) == "resolved",
    ),
    Row(
        "Exceptions: Apply edit (after release)",
        MANAGERS,
        lambda t, env: decide(t, env, t.exc_edit, "apply_edit", "Customer moved"),
        lambda t: t.order_edit.ship_city == "Alzira",
    ),
    Row(
        "Exceptions: Reject edit (after release)",
        MANAGERS,
        lambda t, env: decide(t, env, t.exc_edit, "reject_edit", "Already picked"),
        lambda t: exception_state(t, t.exc_edit) == "cancelled",
    ),
    Row(
        "Exceptions: assign to someone",
        MANAGERS,
        lambda t, env: t.exc_open.with_env(env).write({"user_id": t.user_manager.id}),
        lambda t: t.exc_open.user_id == t.user_manager,
    ),
    Row(
        "Exceptions: post a note",
        WORKERS,
        lambda t, env: post_note(t, env, t.exc_open),
        lambda t: note_posted(t, t.exc_open),
    ),
    *hub_field_rows(
        "Exceptions",
        lambda t: t.exc_open,
        {
            "state": "resolved",
            "decision": "closed quietly",
            "name": "nothing to see",
            "company_id": lambda t: t.other_company.id,
        },
    ),
    Row(
        "Exceptions: create one by hand",
        NOBODY,
        lambda t, env: env["integration.sync.exception"].create(
            {"name": "x", "exception_type": "other", "description": "x", "state": "resolved"}
        ),
    ),
    Row("Exceptions: delete one", NOBODY, lambda t, env: t.exc_open.with_env(env).unlink()),
    # --- inbox, outbox, audit log ---------------------------------------------------------------------------
    Row(
        "Inbox: Retry a failed message",
        MANAGERS,
        lambda t, env: t.event_failed.with_env(env).action_retry(),
        lambda t: t.event_failed.state != "failed",
    ),
    Row(
        "Inbox: Set aside a waiting message, with a reason",
        MANAGERS,
        set_aside,
        lambda t: t.event_waiting.state == "skipped",
    ),
    Row(
        "Inbox: list a message's redeliveries", READERS, lambda t, env: t.open_list(env, t.event_waiting.redelivery_ids)
    ),
    Row(
        "Outbox: Retry a dead job",
        MANAGERS,
        lambda t, env: t.job_dead.with_env(env).action_retry(),
        lambda t: t.job_dead.state == "pending",
    ),
    Row(
        "Outbox: Cancel a job",
        MANAGERS,
        lambda t, env: t.job_dead.with_env(env).action_cancel(),
        lambda t: t.job_dead.state == "cancelled",
    ),
    Row(
        "Inbox: edit a message by hand",
        NOBODY,
        lambda t, env: (
            t.event_failed.with_env(env).with_context(**{"integration_event_force": True}).write({"state": "done"})
        ),
    ),
    Row(
        "Audit log: write an entry by hand",
        NOBODY,
        lambda t, env: (
            env["integration.audit.log"]
            .with_context(integration_audit_append=True)
            .create({"user_id": env.uid, "action": "config_change", "reason": "forged"})
        ),
    ),
    Row(
        "Audit log: change or delete an entry",
        NOBODY,
        lambda t, env: t.env["integration.audit.log"].search([], limit=1).with_env(env).unlink(),
    ),
    # --- inventory -------------------------------------------------------------------------------------------
    Row(
        "Inventory: Reconcile (physical count)",
        MANAGERS,
        reconcile,
        lambda t: t.mug.with_context(location=t.warehouse.lot_stock_id.id).qty_available == 7,
    ),
    Row(
        "Inventory: Import counts (CSV)",
        MANAGERS,
        import_counts,
        lambda t: t.mug.with_context(location=t.warehouse.lot_stock_id.id).qty_available == 7,
    ),
    Row(
        "Published inventory: edit a level",
        NOBODY,
        lambda t, env: t.level.with_env(env).write({"published_qty": 999}),
    ),
    Row(
        "Stock reserved per channel: set",
        ADMINS,
        lambda t, env: t.share.with_env(env).write({"reserved_qty": 9}),
        lambda t: t.share.reserved_qty == 9,
    ),
    Row(
        "SKU equivalences: create",
        ADMINS,
        lambda t, env: env["integration.sku.equivalence"].create(
            {
                "old_code": "TSHIRT-OLD",
                "product_id": t.tshirt_s.id,
                "company_id": t.company.id,
                "reason": "supplier migration",
            }
        ),
        lambda t: bool(t.env["integration.sku.equivalence"].search([("old_code", "=", "TSHIRT-OLD")])),
    ),
    *hub_field_rows("SKU equivalences", lambda t: t.equivalence, {"state": "retired"}),
    # --- returns -------------------------------------------------------------------------------------------
    Row(
        "Returns: Authorize",
        MANAGERS,
        lambda t, env: t.ret_initiated.with_env(env).action_authorize(),
        lambda t: t.ret_initiated.state == "authorized",
    ),
    Row(
        "Returns: Prepare receipt",
        WORKERS,
        lambda t, env: t.ret_authorized.with_env(env).action_create_receipt(),
        lambda t: bool(t.ret_authorized.receipt_id),
    ),
    Row(
        "Returns: grade a line at the bench",
        WORKERS,
        lambda t, env: t.ret_received.line_ids[:1].with_env(env).action_grade_rework(),
        lambda t: t.ret_received.line_ids[:1].inspected_grade == "rework",
    ),
    Row(
        "Returns: inspection note at the bench (form)",
        WORKERS,
        bench_note_through_the_form,
        lambda t: t.ret_received.line_ids[:1].note == "box crushed, mug intact",
    ),
    Row("Returns: Triage", MANAGERS, triage, lambda t: t.ret_received.state == "triaged"),
    Row(
        "Returns: Execute disposition",
        MANAGERS,
        lambda t, env: t.ret_triaged.with_env(env).action_complete(),
        lambda t: t.ret_triaged.state == "completed",
    ),
    Row(
        "Returns: change the reason",
        MANAGERS,
        lambda t, env: t.ret_initiated.with_env(env).write({"reason": "wrong size"}),
        lambda t: t.ret_initiated.reason == "wrong size",
    ),
    Row(
        "Returns: Import returns (CSV)",
        MANAGERS,
        import_returns,
        lambda t: bool(t.env["integration.return"].search([("external_id", "=", "RMA-CSV")])),
    ),
    Row(
        "Returns: post a note",
        WORKERS,
        lambda t, env: post_note(t, env, t.ret_received),
        lambda t: note_posted(t, t.ret_received),
    ),
    Row(
        "Returns: create one by hand",
        NOBODY,
        lambda t, env: env["integration.return"].create({"channel_id": t.channel.id, "external_id": "BY-HAND"}),
    ),
    Row("Returns: delete one", NOBODY, lambda t, env: t.ret_initiated.with_env(env).unlink()),
    *hub_field_rows(
        "Returns",
        lambda t: t.ret_authorized,
        {
            "state": "completed",
            "received_at": "2026-11-20 10:00:00",
            "credit_to_review": True,
            "channel_id": lambda t: t.channel.id,
        },
    ),
    *hub_field_rows(
        "Return lines",
        lambda t: t.ret_received.line_ids[:1],
        {"grade": "sellable", "outcome": "restocked", "quantity": 9},
    ),
]


@tagged("post_install", "-at_install")
class TestRoleMatrix(RoleMatrixMixin, OrderCase):
    """Every hub action as every role: allowed ones work, the others are refused with a message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_roles()
        cls.setup_records()

    @classmethod
    def receive(cls, data, kind="created"):
        Event = cls.env["integration.event"]
        event_id, _created = Event._receive(cls.channel, f"m-{kind}-{json.dumps(data)}", f"{kind}", data)
        Event.browse(event_id)._process()
        return Event.browse(event_id)

    @classmethod
    def order(cls, external_id, kind="order.created", **overrides):
        data = cls.order_payload(external_id)["data"]
        data.update(overrides)
        cls.receive(data, kind)
        return cls.env["integration.channel.order"].search(
            [("channel_id", "=", cls.channel.id), ("external_id", "=", external_id)]
        )

    @classmethod
    def setup_records(cls):
        env = cls.env
        cls.webhook_token = cls.channel.webhook_token
        cls.secret = env["integration.secret"].search([("channel_id", "=", cls.channel.id)])
        cls.audit_entry = env["integration.audit.log"].search([("channel_id", "=", cls.channel.id)], limit=1)
        # orders: on hold (data now complete), accepted, packed, in picking with an edit after release
        address = dict(cls.order_payload("x")["data"]["shipping_address"])
        cls.order_held = cls.order("M-HOLD", shipping_address=dict(address, zip=""))
        cls.order("M-HOLD", "order.updated", updated_at="2026-11-20T12:00:00+01:00")
        cls.order_accepted = cls.order("M-ACC")
        cls.order_packed = cls.order("M-PACK", lines=[{"id": "1", "sku": "MUG-001", "quantity": 2}])
        out = cls.order_packed._chain()["out"]
        out.move_ids.picked = True
        out._action_done()
        cls.order_edit = cls.order(
            "M-EDIT",
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 1}, {"id": "2", "sku": "TSHIRT-S", "quantity": 1}],
        )
        cls.order_edit._first_step_pickings().move_line_ids[:1].picked = True
        cls.order(
            "M-EDIT",
            "order.updated",
            updated_at="2026-11-20T12:00:00+01:00",
            shipping_address=dict(address, city="Alzira", zip="46600"),
        )
        exceptions = env["integration.sync.exception"]
        cls.exc_edit = exceptions._open_about(cls.order_edit, "edit_after_release")
        cls.exc_open = exceptions._open("other", "Check the B2B prices", "Ask the client.", record=cls.channel)
        # inbox and outbox
        cls.event_failed = cls.receive({"id": "x"}, "nonsense.type")
        waiting_id, _created = env["integration.event"]._receive(cls.channel, "m-waiting", "order.created", {"id": "W"})
        env["integration.event"]._receive(cls.channel, "m-waiting", "order.created", {"id": "W"})  # a redelivery
        cls.event_waiting = env["integration.event"].browse(waiting_id)
        cls.job_dead = env["integration.job"]._enqueue(cls.channel, "inventory", "m-dead", {"MUG-001": 1})
        cls.job_dead._set_dead("HTTP 422: unknown SKU")
        # inventory: published once; then the shelf changes, so Publish now has something to send
        cls.channel._publish_inventory()
        cls.stock(cls.mug, 5)
        cls.inventory_jobs = env["integration.job"].search_count(
            [("channel_id", "=", cls.channel.id), ("job_type", "=", "inventory")]
        )
        cls.level = env["integration.inventory.level"].search([("channel_id", "=", cls.channel.id)], limit=1)
        cls.share = env["integration.inventory.share"].create(
            {"channel_id": cls.channel.id, "product_id": cls.tshirt_m.id, "reserved_qty": 2}
        )
        cls.equivalence = env["integration.sku.equivalence"].create({"old_code": "MUG-OLD", "product_id": cls.mug.id})
        cls.listing = env["integration.external.id"].search(
            [("channel_id", "=", cls.channel.id), ("sku", "=", "MUG-001")]
        )
        cls.cursor = cls.channel._poll_cursor("orders")
        cls.cap = env["product.product"].create({"name": "Cap", "default_code": "CAP-1", "is_storable": True})
        env["integration.channel.health"]._count_rejection(cls.channel)
        cls.health = env["integration.channel.health"].search([("channel_id", "=", cls.channel.id)])
        # returns of the packed order: initiated, authorized, received (graded at the bench), triaged
        returns = {}
        for key, status, disposition in (
            ("initiated", "initiated", ""),
            ("authorized", "authorized", ""),
            ("received", "authorized", ""),
            ("triaged", "authorized", "sellable"),
        ):
            cls.receive(
                {
                    "id": f"RMA-{key}",
                    "order_id": "M-PACK",
                    "reason": "damaged",
                    "status": status,
                    "lines": [{"sku": "MUG-001", "quantity": 1, "disposition": disposition}],
                },
                "return.created",
            )
            returns[key] = env["integration.return"].search([("external_id", "=", f"RMA-{key}")])
        for key in ("received", "triaged"):
            ret = returns[key]
            ret.action_create_receipt()
            ret.receipt_id.move_ids.quantity = 1
            ret.receipt_id.move_ids.picked = True
            ret.receipt_id._action_done()
        returns["received"].line_ids.inspected_grade = "sellable"
        cls.ret_initiated, cls.ret_authorized, cls.ret_received, cls.ret_triaged = (
            returns[key] for key in ("initiated", "authorized", "received", "triaged")
        )

    def test_fixtures_are_what_the_rows_expect(self):
        self.assertEqual(self.order_held.state, "on_hold")
        self.assertTrue(self.order_held.ready_to_release)
        self.assertEqual(
            (self.order_accepted.state, self.order_packed.state, self.order_edit.state),
            ("accepted", "packed", "picking"),
        )
        self.assertEqual(self.exc_edit.state, "open")
        self.assertEqual((self.event_failed.state, self.job_dead.state), ("failed", "dead"))
        self.assertEqual(
            [self.ret_initiated.state, self.ret_authorized.state, self.ret_received.state, self.ret_triaged.state],
            ["initiated", "authorized", "received", "triaged"],
        )
        self.assertTrue(self.secret)

    def test_hub_role_matrix(self):
        self.check_matrix(HUB_MATRIX)

"""The role x action matrix: who may do what in the hub, tried through the entry points people use.

A row is ``Row(action, allowed, run, happened)``:
- ``action``: what a person does, in the README's words;
- ``allowed``: the roles that may (every other role must be refused);
- ``run(case, env)``: does it as the user of ``env``, the way the web client or an RPC client
  does (a button method, a wizard filled in through its form view, ``read``/``write``/``create``
  with whatever context the client sends);
- ``happened(case)``: optional, read back as superuser: True when the action took effect.

Each row is tried as each role (``ROLES``) inside a savepoint that is rolled back afterwards, so
every role meets the same records. An allowed role must succeed (and ``happened`` must be True);
a refused role must get an AccessError or UserError with a message (an RPC client then sees that
message and the whole request is rolled back), or, for actions that report instead of raising, the
action must not have happened. Addons add their rows in their own ``test_role_matrix.py``.
"""

import base64
from contextlib import closing
from typing import NamedTuple

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

OPS, MANAGER, ADMIN, FINANCE, INTERNAL, OTHER_COMPANY = (
    "operations",
    "warehouse manager",
    "administrator",
    "finance",
    "internal user (no hub role)",
    "administrator of another company",
)
ROLES = (OPS, MANAGER, ADMIN, FINANCE, INTERNAL, OTHER_COMPANY)
READERS = frozenset({OPS, MANAGER, ADMIN, FINANCE})
WORKERS = frozenset({OPS, MANAGER, ADMIN})  # the hub's working roles
MANAGERS = frozenset({MANAGER, ADMIN})
ADMINS = frozenset({ADMIN})
NOBODY = frozenset()

# Context keys a client might send to talk a guard around: none may open a door.
SNEAKY_CONTEXT = {
    "integration_guarded_transition": True,
    "integration_exception_decision": True,
    "integration_audit_append": True,
    "integration_release": True,
    "integration_equivalence_cron": True,
    "integration_order_notes": [],
    "hub_shipment_transition": True,
    "tracking_disable": True,
    "active_test": False,
}


class Row(NamedTuple):
    action: str
    allowed: frozenset
    run: object
    happened: object = None


def hub_field_rows(label, record_of, values):
    """Rows trying to write each hub-recorded field by hand, with the sneaky context: nobody may."""
    return [
        Row(
            f"{label}: write '{name}' by hand (with context keys)",
            NOBODY,
            lambda case, env, name=name, value=value: (
                record_of(case)
                .with_env(env)
                .with_context(**SNEAKY_CONTEXT)
                .write({name: value(case) if callable(value) else value})
            ),
        )
        for name, value in values.items()
    ]


class RoleMatrixMixin:
    """Users for every role of the matrix and the engine that runs a table of rows."""

    @classmethod
    def setup_roles(cls):
        """After setup_hub(): the administrator is the README's `admin` (hub administrator plus Odoo's
        Settings and Inventory administrator rights); the other company's user has the same rights there."""
        env = cls.env
        odoo_admin_groups = [env.ref("base.group_system"), env.ref("stock.group_stock_manager")]
        cls.user_admin.write({"groups_id": [(4, group.id) for group in odoo_admin_groups]})
        cls.user_internal = new_test_user(env, "hub_plain", groups="base.group_user", name="Ivo Internal")
        cls.other_company = env["res.company"].create({"name": "Other 3PL client"})
        cls.user_other_company = new_test_user(
            env,
            "hub_other_admin",
            groups="integration_hub.group_hub_admin,base.group_system,stock.group_stock_manager",
            name="Otto Other",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.role_users = {
            OPS: cls.user_operations,
            MANAGER: cls.user_manager,
            ADMIN: cls.user_admin,
            FINANCE: cls.user_finance,
            INTERNAL: cls.user_internal,
            OTHER_COMPANY: cls.user_other_company,
        }

    # --- the engine ---------------------------------------------------------------------
    def check_matrix(self, rows):
        for row in rows:
            for role in ROLES:
                with self.subTest(action=row.action, role=role):
                    self.check_row(row, role)

    def check_row(self, row, role):
        user = self.role_users[role]
        env = self.env(user=user, context={"allowed_company_ids": user.company_ids.ids})
        error, happened = None, None
        with closing(self.env.cr.savepoint()):  # always rolled back: every role meets the same records
            try:
                row.run(self, env)
                env.flush_all()
            except (AccessError, UserError) as exc:
                error = exc
            if row.happened and error is None:
                self.env.invalidate_all()
                happened = row.happened(self)
        self.env.invalidate_all(flush=False)
        if role in row.allowed:
            self.assertIsNone(error, f"{role} may {row.action}, but was refused: {error}")
            if row.happened:
                self.assertTrue(happened, f"{role} did '{row.action}' without error, but it did not happen")
        elif error is None:
            self.assertIsNotNone(row.happened, f"{role} may not {row.action}, yet it went through")
            self.assertFalse(happened, f"{role} may not {row.action}, yet it happened")
        else:
            message = str(error.args[0] if error.args else error).strip()
            self.assertTrue(message and "Traceback" not in message, f"refused without a clear message: {error!r}")

    # --- the ways in, as the web client uses them ----------------------------------------------
    @staticmethod
    def open_form(env, record, view=None):
        """Open the record's form view (get_views + web_read of every field the view shows)."""
        return Form(record.with_env(env), view=view)

    @staticmethod
    def open_list(env, record):
        """Open the record's list view (web_search_read of the columns, many2one names included); the
        record must be among the rows (another company's records never are: refused)."""
        Model = env[record._name]
        arch = etree.fromstring(Model.get_views([(False, "list")])["views"]["list"]["arch"])
        spec = {}
        for node in arch.iterchildren("field"):
            field = Model._fields[node.get("name")]
            spec[field.name] = {"fields": {"display_name": {}}} if field.type == "many2one" else {}
        rows = Model.web_search_read([("id", "=", record.id)], spec, limit=80)["records"]
        if not rows:
            raise AccessError(f"{record._name} {record.id} is not listed for this user")
        return rows

    @staticmethod
    def csv_file(text):
        return base64.b64encode(text.encode())

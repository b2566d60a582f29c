"""Files' rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import Form, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, MANAGERS, READERS, RoleMatrixMixin, Row

from .files_common import FilesCase

FILES_MATRIX = [
    Row("File channels: open the channel", READERS, lambda t, env: t.open_form(env, t.b2b)),
    Row(
        "File channels: Check now",
        MANAGERS,
        lambda t, env: t.b2b.with_env(env).action_check_files_now(),
        lambda t: bool(t.b2b.file_last_check_at),
    ),
    Row(
        "File channels: Forget host key",
        ADMINS,
        lambda t, env: t.b2b.with_env(env).action_forget_host_key(),
        lambda t: not t.b2b.sftp_host_key,
    ),
    Row(
        "File channels: set the SFTP password",
        ADMINS,
        lambda t, env: t.b2b.with_env(env).write({"sftp_password": "new-password"}),
        lambda t: t.b2b._get_secret("sftp_password") == "new-password",
    ),
    Row(
        "File channels: change the SFTP host",
        ADMINS,
        lambda t, env: t.b2b.with_env(env).write({"sftp_host": "sftp.example.com"}),
        lambda t: t.b2b.sftp_host == "sftp.example.com",
    ),
    Row(
        "Tracking numbers by hand",
        MANAGERS,
        lambda t, env: t.manual_tracking(env),
        lambda t: t.order.tracking_manual and t.order.tracking_number == "JJD-MANUAL",
    ),
    Row(
        "Enter order by hand from an email",
        MANAGERS,
        lambda t, env: t.enter_from_email(env),
        lambda t: t.env["integration.channel.order"].search([("external_id", "=", "5002")]).source_event_id == t.mail,
    ),
    Row("Routing guides: open a version", READERS, lambda t, env: t.open_form(env, t.guide)),
    Row(
        "Routing guides: Confirm read and loaded",
        MANAGERS,
        lambda t, env: t.guide.with_env(env).action_confirm_loaded(),
        lambda t: bool(t.guide.confirmed_at),
    ),
]


@tagged("post_install", "-at_install")
class TestFilesRoleMatrix(RoleMatrixMixin, FilesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_roles()
        cls.b2b.sftp_host_key = cls.sftp.host_key_line

    def manual_tracking(self, env):
        form = Form(env["integration.tracking.entry"])
        form.reference, form.tracking_number, form.reason = self.order.external_id, "JJD-MANUAL", "DHL API down"
        form.save().action_apply()

    def enter_from_email(self, env):
        action = self.mail.with_env(env).action_enter_order_by_hand()
        form = Form(env["integration.order.manual.entry"].with_context(**action["context"]))
        form.external_id, form.customer_name, form.phone = "5002", "Tiendas Norte S.L.", "+34 910 000 000"
        form.street, form.zip, form.city = "Calle Mayor 12", "28013", "Madrid"
        with form.line_ids.new() as line:
            line.product_id = self.mug
        form.save().action_confirm()

    def test_files_role_matrix(self):
        _event, self.order = self.ingest(self.order_data("5001"))
        self.guide = self.env["integration.routing.guide"]._hub_create(
            {"channel_id": self.b2b.id, "kind": "routing_guide", "version": 1, "cutover_date": "2026-12-01"}
        )
        Event = self.env["integration.event"]
        event_id, _created, _failed = Event._intake(
            self.b2b,
            "email:<matrix@tiendas-norte.example.com>",
            b"From: compras@tiendas-norte.example.com\r\nSubject: Pedido\r\n\r\nPO 5002, 1 MUG-001\r\n",
            event_type="email.received",
            source="email",
            headers={"from": "compras@tiendas-norte.example.com", "subject": "Pedido"},
            error="the text: no order lines",
        )
        self.mail = Event.browse(event_id)
        self.check_matrix(FILES_MATRIX)

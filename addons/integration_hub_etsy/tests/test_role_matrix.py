"""Etsy's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import EtsyMixin
from .etsy_fake import tee_inventory

ETSY_MATRIX = [
    Row("Etsy channels: open the channel", READERS, lambda t, env: t.open_form(env, t.etsy)),
    Row(
        "Etsy: Authorise on Etsy (opens Etsy's consent page with PKCE)",
        ADMINS,
        lambda t, env: t.etsy.with_env(env).action_etsy_authorize(),
        lambda t: bool(t.etsy.sudo()._get_secret("etsy_code_verifier")),
    ),
    Row(
        "Etsy: Test connection",
        ADMINS,
        lambda t, env: t.etsy.with_env(env).action_test_connection(),
        lambda t: any(call[1].endswith("/shops/52512345") for call in t.fake.calls),
    ),
    Row(
        "Etsy: Import listings",
        ADMINS,
        lambda t, env: t.etsy.with_env(env).action_import_listings(),
        lambda t: bool(
            t.env["integration.external.id"].search(
                [("channel_id", "=", t.etsy.id), ("sku", "=", "TSHIRT-M"), ("external_ref", "=", "1234567890")]
            )
        ),
    ),
    Row(
        "Etsy: Re-read held orders",
        ADMINS,
        lambda t, env: t.etsy.with_env(env).action_etsy_reread_held_orders(),
        lambda t: any("read again" in (m.body or "") for m in t.etsy.message_ids),
    ),
    Row(
        "Etsy: set the shared secret",
        ADMINS,
        lambda t, env: t.etsy.with_env(env).write({"etsy_shared_secret": "new-shared-secret"}),
        lambda t: t.etsy._get_secret("etsy_shared_secret") == "new-shared-secret",
    ),
    Row(
        "Etsy: choose how orders without phone are handled",
        ADMINS,
        lambda t, env: t.etsy.with_env(env).write({"etsy_missing_phone": "hold"}),
        lambda t: t.etsy.etsy_missing_phone == "hold",
    ),
]


@tagged("post_install", "-at_install")
class TestEtsyRoleMatrix(RoleMatrixMixin, EtsyMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_etsy()
        cls.setup_roles()

    def test_etsy_role_matrix(self):
        self.fake = self.fake_etsy("102574536.at-valid")
        self.fake.add_listing(1234567890, "Tee", tee_inventory())
        self.check_matrix(ETSY_MATRIX)

"""Amazon's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import AmazonMixin

AMAZON_MATRIX = [
    Row("Amazon channels: open the channel", READERS, lambda t, env: t.open_form(env, t.amz)),
    Row(
        "Amazon: Test connection",
        ADMINS,
        lambda t, env: t.amz.with_env(env).action_test_connection(),
        lambda t: any(call[1] == "/sellers/v1/marketplaceParticipations" for call in t.amazon.calls),
    ),
    Row(
        "Amazon: set the refresh token",
        ADMINS,
        lambda t, env: t.amz.with_env(env).write({"amazon_refresh_token": "Atzr|new"}),
        lambda t: t.amz._get_secret("amazon_refresh_token") == "Atzr|new",
    ),
    Row(
        "Amazon: set the AWS secret access key",
        ADMINS,
        lambda t, env: t.amz.with_env(env).write({"amazon_aws_secret_access_key": "aws-new"}),
        lambda t: t.amz._get_secret("amazon_aws_secret_access_key") == "aws-new",
    ),
    Row(
        "Amazon: clear the LWA client secret",
        ADMINS,
        lambda t, env: t.amz.with_env(env).with_context(secret_name="amazon_lwa_client_secret").action_clear_secret(),
        lambda t: not t.amz._get_secret("amazon_lwa_client_secret"),
    ),
    Row(
        "Amazon: change the marketplace",
        ADMINS,
        lambda t, env: t.amz.with_env(env).write({"amazon_marketplace": "A13V1IB3VIYZZH"}),
        lambda t: t.amz.amazon_marketplace == "A13V1IB3VIYZZH",
    ),
]


@tagged("post_install", "-at_install")
class TestAmazonRoleMatrix(RoleMatrixMixin, AmazonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_amazon()
        cls.setup_roles()

    def test_amazon_role_matrix(self):
        self.amazon = self.fake_amazon()
        self.check_matrix(AMAZON_MATRIX)

"""18.0.1.4.0: an order's special handling (gift messages, personalisation, buyer notes) is personal data.

Values stored in clear are encrypted with the hub's key (as 18.0.1.2.0 did for the other personal fields),
and the chatter's old tracking of the field (it copied each value) is deleted. Without a key on this
server the values stay as they are until ``make rotate-secrets`` runs (it encrypts clear values too).
"""

import logging

from psycopg2.extras import execute_values

from odoo.exceptions import UserError

from odoo.addons.integration_hub.lib import crypto
from odoo.addons.integration_hub.models.personal_data_fields import personal_data_cipher

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """DELETE FROM mail_tracking_value
            WHERE field_id IN (SELECT id FROM ir_model_fields
                                WHERE model = 'integration.channel.order' AND name = 'special_handling')"""
    )
    _logger.info("Special handling: %s tracked values deleted from the chatter", cr.rowcount)
    try:
        cipher = personal_data_cipher()
    except UserError as error:
        _logger.warning("Special handling not encrypted during the upgrade: %s", error)
        return
    cr.execute(
        """SELECT id, special_handling FROM integration_channel_order
            WHERE special_handling IS NOT NULL AND special_handling <> '' AND special_handling NOT LIKE %s""",
        [crypto.SEALED_PREFIX + "%"],
    )
    rows = [(row_id, crypto.seal(cipher, value)) for row_id, value in cr.fetchall()]
    if rows:
        execute_values(
            cr._obj,
            "UPDATE integration_channel_order o SET special_handling = v.value FROM (VALUES %s) AS v(id, value) "
            "WHERE o.id = v.id",
            rows,
        )
    _logger.info("Special handling encrypted at rest on %s orders", len(rows))

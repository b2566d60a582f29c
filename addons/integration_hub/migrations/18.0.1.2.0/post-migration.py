"""18.0.1.2.0: clients of the warehouse (issue 14) and personal data at rest (issue 22).

Existing channels and products belong to the company itself (its partner becomes a client of the hub in
'Own sales'; see res.partner._hub_assign_existing_to_companies). Personal data stored in clear before the
encryption existed is encrypted with the hub's key; orders already closed get the moment their retention
period starts.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._hub_assign_existing_to_companies()
    # the retention period of orders closed before the upgrade starts at their delivery, else their last change
    cr.execute(
        """UPDATE integration_channel_order SET closed_at = COALESCE(delivered_at, write_date)
            WHERE state IN ('delivered', 'cancelled') AND closed_at IS NULL"""
    )
    try:
        counts = env["integration.personal.data"]._rotate_personal_data()
    except UserError as error:
        # no key configured on this server: the data stays as it was until `make rotate-secrets` runs
        _logger.warning("Personal data not encrypted during the upgrade: %s", error)
        return
    _logger.info("Personal data encrypted at rest: %s", counts)

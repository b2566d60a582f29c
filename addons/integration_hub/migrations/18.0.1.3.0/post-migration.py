"""Contacts created for channel orders before they carried their order: linked where it can be determined."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._integration_link_old_order_contacts()

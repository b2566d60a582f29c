"""Issue 14: clients of the warehouse. Existing channels and products belong to the company itself
(its partner becomes a client of the hub in 'Own sales'); see res.partner._hub_assign_existing_to_companies."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._hub_assign_existing_to_companies()

from . import controllers, models, wizards


def post_init_hook(env):
    # a new database: the companies are clients of their own hub (see the 18.0.1.2.0 migration)
    env["res.partner"]._hub_assign_existing_to_companies()

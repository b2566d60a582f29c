"""One secret store for every owner: the channel's rows get their owner model and id before the ORM asks for them."""


def migrate(cr, version):
    cr.execute("ALTER TABLE integration_secret ADD COLUMN IF NOT EXISTS res_model varchar")
    cr.execute("ALTER TABLE integration_secret ADD COLUMN IF NOT EXISTS res_id integer")
    cr.execute(
        """UPDATE integration_secret
              SET res_model = 'integration.channel', res_id = channel_id
            WHERE res_model IS NULL AND channel_id IS NOT NULL"""
    )
    cr.execute("ALTER TABLE integration_secret DROP CONSTRAINT IF EXISTS integration_secret_channel_name_unique")

"""Carrier rules: the fixed selection service_level becomes a service level record (integration.service.level)."""


def migrate(cr, version):
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'integration_carrier_rule' AND column_name = 'service_level'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        UPDATE integration_carrier_rule rule
           SET service_level_id = level.id
          FROM integration_service_level level
         WHERE rule.service_level_id IS NULL
           AND level.code = rule.service_level
           AND (level.company_id IS NULL OR level.company_id = rule.company_id)
        """
    )

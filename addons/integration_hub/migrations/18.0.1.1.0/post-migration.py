"""Issue 12's channel product ids become listings of the one external-identifier table; what each
channel was already given (its published levels) stays listed, so nothing stops being published by the
upgrade while the rest of the catalog is no longer sent; secrets of every owner are visible to the
administrators of their company (carriers may have none)."""


def migrate(cr, version):
    cr.execute("SELECT to_regclass('integration_channel_product')")
    if cr.fetchone()[0]:
        cr.execute(
            """INSERT INTO integration_external_id (channel_id, company_id, kind, external_id, sku, product_id,
                                                    listed, source, create_uid, create_date, write_uid, write_date)
               SELECT p.channel_id, c.company_id, 'product', p.external_id, p.sku_seen, p.product_id, true,
                      CASE p.source WHEN 'learned' THEN 'order_line' ELSE 'manual' END,
                      p.create_uid, p.create_date, p.write_uid, p.write_date
                 FROM integration_channel_product p
                 JOIN integration_channel c ON c.id = p.channel_id
               ON CONFLICT (channel_id, kind, external_id) DO NOTHING"""
        )
    cr.execute(
        """INSERT INTO integration_external_id (channel_id, company_id, kind, sku, product_id, listed, source)
           SELECT l.channel_id, c.company_id, 'product', l.sku, l.product_id, true, 'sku_match'
             FROM integration_inventory_level l JOIN integration_channel c ON c.id = l.channel_id
            WHERE l.published_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM integration_external_id e WHERE e.channel_id = l.channel_id
                                 AND e.kind = 'product' AND e.product_id = l.product_id)"""
    )
    cr.execute(
        """UPDATE ir_rule SET domain_force = '[(''company_id'', ''in'', company_ids + [False])]'
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'integration_hub' AND name = 'rule_secret_company')"""
    )

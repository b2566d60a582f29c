"""Shopify on the hub's seam: its mapping tables and settings move to the hub's generic ones."""

INSERTS = {
    # locations: the warehouse each Shopify location publishes
    "integration_shopify_location": """
        INSERT INTO integration_external_id (channel_id, company_id, kind, external_id, name, warehouse_id,
                                             listed, source, create_date, write_date)
        SELECT l.channel_id, c.company_id, 'location', l.location_gid, l.name, l.warehouse_id, false, 'manual',
               l.create_date, l.write_date
          FROM integration_shopify_location l JOIN integration_channel c ON c.id = l.channel_id
        ON CONFLICT (channel_id, kind, external_id) DO NOTHING""",
    # inventory items: listings with the SKU's Shopify item as second id, and what was last pushed
    "integration_shopify_inventory_item": """
        INSERT INTO integration_external_id (channel_id, company_id, kind, sku, external_ref, product_id, listed,
                                             source, pushed_qty, pushed_at, reported_qty, reported_at)
        SELECT i.channel_id, c.company_id, 'product', i.sku, i.inventory_item_gid, p.id, p.id IS NOT NULL,
               'sku_match', i.last_pushed_quantity, i.pushed_at, i.remote_available, i.remote_updated_at
          FROM integration_shopify_inventory_item i JOIN integration_channel c ON c.id = i.channel_id
          LEFT JOIN LATERAL (SELECT id FROM product_product WHERE default_code = i.sku LIMIT 1) p ON true""",
    # fulfillments: one per shipment and fulfillment order, never created twice
    "integration_shopify_fulfillment": """
        INSERT INTO integration_external_id (channel_id, company_id, kind, external_id, external_ref, hub_reference,
                                             order_id, listed, source, create_date, write_date)
        SELECT f.channel_id, c.company_id, 'fulfillment', f.fulfillment_gid, f.fulfillment_order_gid, f.shipment_key,
               f.order_id, false, 'manual', f.create_date, f.write_date
          FROM integration_shopify_fulfillment f JOIN integration_channel c ON c.id = f.channel_id
        ON CONFLICT (channel_id, kind, external_id) DO NOTHING""",
}
CHANNEL_COLUMNS = {  # old Shopify column -> the hub's
    "shopify_paid_statuses": "paid_statuses",
    "shopify_outbound_paused": "outbound_paused",
    "shopify_webhook_status": "webhook_status",
}


def migrate(cr, version):
    for table, query in INSERTS.items():
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0]:
            cr.execute(query)
    for old, new in CHANNEL_COLUMNS.items():
        if _has_column(cr, old):
            cr.execute(f"UPDATE integration_channel SET {new} = {old} WHERE platform = 'shopify' AND {old} IS NOT NULL")  # noqa: S608
    if _has_column(cr, "shopify_poll_cursor"):
        cr.execute(
            """INSERT INTO integration_poll_cursor (channel_id, company_id, stream, cursor)
               SELECT id, company_id, 'orders', to_char(shopify_poll_cursor, 'YYYY-MM-DD"T"HH24:MI:SS')
                 FROM integration_channel WHERE shopify_poll_cursor IS NOT NULL
               ON CONFLICT (channel_id, stream) DO NOTHING"""
        )


def _has_column(cr, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'integration_channel' AND column_name = %s",
        [column],
    )
    return bool(cr.fetchone())

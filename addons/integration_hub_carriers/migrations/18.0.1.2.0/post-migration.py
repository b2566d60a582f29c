"""One secret store: the carriers' credentials and cached tokens move into integration.secret (still
encrypted with the same key: the ciphertext is copied as it is)."""


def migrate(cr, version):
    cr.execute("SELECT to_regclass('integration_carrier_secret')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """INSERT INTO integration_secret (res_model, res_id, company_id, name, ciphertext, expires_at,
                                           create_uid, create_date, write_uid, write_date)
           SELECT 'delivery.carrier', s.carrier_id, c.company_id, s.name, s.ciphertext, s.expires_at,
                  s.create_uid, s.create_date, s.write_uid, s.write_date
             FROM integration_carrier_secret s
             JOIN delivery_carrier c ON c.id = s.carrier_id
           ON CONFLICT (res_model, res_id, name) DO NOTHING"""
    )

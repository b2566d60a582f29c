from contextvars import ContextVar

from psycopg2.extras import execute_values

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import crypto
from ..lib.errors import ConfigurationError
from .personal_data_fields import is_sealed_field, personal_data_cipher

# set while the web client renders a list or kanban, or an export or a listing runs (logged once, with a
# count): the reads inside are not a person opening a record. In-process only, never a context key.
NOT_AN_OPENING = ContextVar("integration_personal_data_not_an_opening", default=False)

# rows re-encrypted per statement during a key rotation
ROTATION_BATCH = 1000


def _sealed_anew(cipher, value):
    """A stored value under the newest key: sealed ones re-encrypted, clear ones (older data) sealed."""
    if crypto.is_sealed(value):
        return crypto.reseal(cipher, value)
    return crypto.seal(cipher, value) if value else value


class IntegrationPersonalData(models.AbstractModel):
    """Customers' personal data in a hub model: encrypted at rest, and who really opened it is logged.

    A model names its ``_personal_data_fields`` (README "Personal data"). Logged:

    - a person opening records (a form: ``web_read``; ``read`` over RPC) that asks for one of those
      fields: "Personal data access", once a day per user and record;
    - an export (``export_data``), a listing over RPC (``search_read``) and a print (see
      ``ir.actions.report``): one "Personal data exported or printed" entry each time, with the
      number of records and their ids.

    Not logged: a list or kanban rendering (``web_search_read``: names and cities, no delivery data)
    and the hub's own processing (superuser). Grouping by an encrypted field is refused.
    """

    _name = "integration.personal.data"
    _description = "Integration Hub personal data access log"

    _personal_data_fields = frozenset()

    # --- encryption at rest (personal_data_fields) --------------------------------------
    @api.model
    def _sealed_field_names(self):
        """The stored fields of this model encrypted at rest."""
        return [name for name, field in self._fields.items() if field.store and is_sealed_field(field)]

    def _condition_to_sql(self, alias, fname, operator, value, query):
        field = self._fields.get(fname)
        if field is not None and is_sealed_field(field) and not (operator in ("=", "!=") and not value):
            raise UserError(
                _(
                    "'%(field)s' is encrypted personal data: it cannot be searched by its value (only whether it "
                    "is set). Find a customer's records by order number, or with 'Erase personal data' by e-mail "
                    "or phone.",
                    field=field._description_string(self.env),
                )
            )
        return super()._condition_to_sql(alias, fname, operator, value, query)

    @api.model
    def _personal_data_models(self):
        """Every model holding fields encrypted at rest (any addon's), as empty recordsets."""
        return [
            self.env[name]
            for name, model in self.env.registry.items()
            if not model._abstract
            and not model._transient
            and model._auto
            and any(field.store and is_sealed_field(field) for field in model._fields.values())
        ]

    @api.model
    def _rotate_personal_data(self):
        """Re-encrypt every stored personal data value with the newest key; {model: rows rotated}.

        Values stored in clear before the encryption existed are encrypted on the way (the upgrade runs this).

        Plain SQL in batches (no ORM per row, no access log: nobody reads the data). Raises
        UserError naming the model and record when a value cannot be opened with any configured key.
        """
        cipher = personal_data_cipher()
        self.env.flush_all()
        counts = {}
        for model in self._personal_data_models():
            names = model._sealed_field_names()
            columns = SQL(", ").join(SQL.identifier(name) for name in names)
            some_set = SQL(" OR ").join(SQL("%s IS NOT NULL", SQL.identifier(name)) for name in names)
            last_id, rotated = 0, 0
            while True:
                self.env.cr.execute(
                    SQL(
                        "SELECT id, %s FROM %s WHERE id > %s AND (%s) ORDER BY id LIMIT %s",
                        columns,
                        SQL.identifier(model._table),
                        last_id,
                        some_set,
                        ROTATION_BATCH,
                    )
                )
                rows = self.env.cr.fetchall()
                if not rows:
                    break
                updated = []
                for row in rows:
                    try:
                        updated.append((row[0], *(_sealed_anew(cipher, value) for value in row[1:])))
                    except ConfigurationError as error:
                        raise UserError(
                            _("%(model)s #%(id)s: %(error)s", model=model._description, id=row[0], error=error)
                        ) from None
                assignments = ", ".join(f'"{name}" = v."{name}"' for name in names)
                value_columns = ", ".join(f'"{name}"' for name in names)
                execute_values(
                    self.env.cr._obj,
                    f'UPDATE "{model._table}" t SET {assignments} '  # noqa: S608 - field names, not input
                    f"FROM (VALUES %s) AS v(id, {value_columns}) WHERE t.id = v.id",
                    updated,
                )
                last_id, rotated = rows[-1][0], rotated + len(rows)
            counts[model._name] = rotated
        self.env.invalidate_all()
        return counts

    def _personal_data_records(self):
        """The records of ``self`` that hold personal data (hook: e.g. only order payloads)."""
        return self

    def _log_personal_data_access(self, field_names, how):
        if self.env.su or not self:
            return
        asked = self._personal_data_fields.intersection(field_names)
        if not asked:
            return
        records = self._personal_data_records()
        if records:
            labels = sorted(self._fields[name]._description_string(self.env) for name in asked)
            self.env["integration.audit.log"]._log_personal_data_access(
                records, _("%(how)s: %(fields)s", how=how, fields=", ".join(labels))
            )

    def _log_personal_data_export(self, field_names, how):
        """One entry for a bulk way out (an export, an RPC listing): what, how many records, which (ids)."""
        if self.env.su or not self:
            return
        asked = self._personal_data_fields.intersection(field_names)
        records = self._personal_data_records() if asked else self.browse()
        if records:
            labels = sorted(self._fields[name]._description_string(self.env) for name in asked)
            self.env["integration.audit.log"]._log(
                "pii_export",
                records[:1].sudo(),
                reason=_(
                    "%(how)s: %(count)s record(s) of %(model)s: %(fields)s",
                    how=how,
                    count=len(records),
                    model=self._description,
                    fields=", ".join(labels),
                ),
                after={"records": len(records), "ids": records.ids[:1000]},
            )

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load=load)
        if not NOT_AN_OPENING.get():
            self._log_personal_data_access(fields if fields is not None else list(self._fields), _("Opened"))
        return result

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        # a list or kanban renders: cards and rows show names and cities, nobody opened a record
        token = NOT_AN_OPENING.set(True)
        try:
            return super().web_search_read(
                domain, specification, offset=offset, limit=limit, order=order, count_limit=count_limit
            )
        finally:
            NOT_AN_OPENING.reset(token)

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        token = NOT_AN_OPENING.set(True)
        try:
            result = super().search_read(domain, fields, offset=offset, limit=limit, order=order, **read_kwargs)
        finally:
            NOT_AN_OPENING.reset(token)
        if result:
            # over RPC, a listing of personal data is a bulk read: one entry with the count
            self.browse([row["id"] for row in result])._log_personal_data_export(
                fields if fields else list(self._fields), _("Listed over RPC (search_read)")
            )
        return result

    @api.model
    def _read_group_groupby(self, groupby_spec, query):
        field = self._fields.get(groupby_spec.split(":")[0].split(".")[0])
        if field is not None and field.store and is_sealed_field(field):
            raise UserError(
                _(
                    "'%s' is encrypted personal data: records cannot be grouped by it.",
                    field._description_string(self.env),
                )
            )
        return super()._read_group_groupby(groupby_spec, query)

    def export_data(self, fields_to_export):
        token = NOT_AN_OPENING.set(True)
        try:
            result = super().export_data(fields_to_export)
        finally:
            NOT_AN_OPENING.reset(token)
        roots = {path.split("/")[0].split(".")[0] for path in fields_to_export}
        self._log_personal_data_export(roots, _("Exported"))
        return result

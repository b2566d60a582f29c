from odoo import _, api, models


class IntegrationPersonalData(models.AbstractModel):
    """Who read a customer's delivery data: one audit entry per user, record and day, whatever the way in.

    The ways in are the ORM's public reads, used by the web client and by RPC alike: ``read`` (an
    opened form, ``web_read``), ``search_read``, ``read_group`` grouped by such a field, and
    ``export_data``. A model names its ``_personal_data_fields``; only a read that asks for one of
    them is an access (kanban cards and lists show names and cities, not delivery data: no entry).
    The hub's own processing (superuser) is not a person reading.
    """

    _name = "integration.personal.data"
    _description = "Integration Hub personal data access log"

    _personal_data_fields = frozenset()

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

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load=load)
        self._log_personal_data_access(fields if fields is not None else list(self._fields), _("Opened or read"))
        return result

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        result = super().search_read(domain, fields, offset=offset, limit=limit, order=order, **read_kwargs)
        if result:
            self.browse([row["id"] for row in result])._log_personal_data_access(
                fields if fields else list(self._fields), _("Listed (search_read)")
            )
        return result

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        result = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        roots = {spec.split(":")[0] for spec in ([groupby] if isinstance(groupby, str) else groupby or [])}
        if not self.env.su and self._personal_data_fields.intersection(roots):
            # every record in the groups had its value shown
            self.search(domain or [])._log_personal_data_access(roots, _("Grouped by"))
        return result

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        roots = {path.split("/")[0].split(".")[0] for path in fields_to_export}
        self._log_personal_data_access(roots, _("Exported"))
        return result

from datetime import timedelta

from odoo import api, fields, models

from .integration_queue import hub_may_commit

RETENTION_PARAM = "integration_hub.inbox_retention_days"
DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS = 90, 7
ARCHIVE_BATCH = 5000
SETTLED_STATES = ("done", "duplicate", "skipped")


class IntegrationEventArchive(models.Model):
    """The inbox does not grow forever: settled messages older than the retention period are removed.

    Settled: processed, recorded as a duplicate or set aside by a manager; a message still waited on (received,
    processing, failed) or named by an open exception is kept whatever its age. What the messages did stays
    (orders, returns, receipts, the audit log); a redelivery is a duplicate only while its first copy is kept,
    so the period is never shorter than 7 days (platforms retry for hours to a few days, and an older order
    version never wins over a newer one: the order keeps its source time).
    """

    _inherit = "integration.event"

    @api.model
    def _inbox_retention_days(self):
        """``integration_hub.inbox_retention_days`` (Settings; default 90, never under 7)."""
        return int(self._queue_param(RETENTION_PARAM, DEFAULT_RETENTION_DAYS, minimum=MIN_RETENTION_DAYS))

    @api.model
    def _cron_archive_settled(self):
        """Delete settled messages past the retention period in batches of 5,000, one commit each (a long
        table never holds one lock for the whole run). Returns the number removed; logged in the audit log."""
        days = self._inbox_retention_days()
        cutoff = fields.Datetime.now() - timedelta(days=days)
        removed = 0
        while True:
            self.env.cr.execute(
                """
                DELETE FROM integration_event WHERE id IN (
                    SELECT e.id FROM integration_event e
                     WHERE e.state IN %s AND COALESCE(e.processed_at, e.received_at) < %s
                       -- two anti-joins, not one with an OR: PostgreSQL hashes each once (an OR made
                       -- it scan every open exception again for each message: 2.8 s per batch, not 15 ms)
                       AND NOT EXISTS (SELECT 1 FROM integration_sync_exception x
                                        WHERE x.state = 'open' AND x.event_id = e.id)
                       AND NOT EXISTS (SELECT 1 FROM integration_sync_exception x
                                        WHERE x.state = 'open' AND x.res_model = 'integration.event'
                                          AND x.res_id = e.id)
                     ORDER BY e.id LIMIT %s)
                """,
                [SETTLED_STATES, cutoff, ARCHIVE_BATCH],
            )
            batch = self.env.cr.rowcount
            removed += batch
            if hub_may_commit(self.env):
                self.env.cr.commit()
            if batch < ARCHIVE_BATCH:
                break
        self.env.invalidate_all()
        if removed:
            self.env["integration.audit.log"]._log(
                "inbox_archive",
                reason=self.env._(
                    "%(count)s settled inbox messages older than %(days)s days removed",
                    count=removed,
                    days=days,
                ),
                after={"removed": removed, "older_than": fields.Datetime.to_string(cutoff), "days": days},
            )
        return removed

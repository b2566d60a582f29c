from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, TransactionCase, tagged

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestInboxArchive(HubFactoryMixin, TransactionCase):
    """Issue 23, history: settled messages past the retention period leave the inbox; nothing else does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def message(self, key, state, age_days):
        """A message received ``age_days`` ago and left in ``state`` (settled ones processed the same day)."""
        received = fields.Datetime.now() - timedelta(days=age_days)
        with freeze_time(received):
            event_id, _created = self.env["integration.event"]._receive(self.channel, key, "test.ping", {"id": key})
        self.env.cr.execute(
            "UPDATE integration_event SET state = %s, processed_at = %s WHERE id = %s",
            [state, received if state != "failed" else None, event_id],
        )
        return self.env["integration.event"].browse(event_id)

    def run_archive_job(self):
        """As Odoo's scheduler runs it (the scheduled action's code)."""
        self.env.invalidate_all()
        self.env.ref("integration_hub.ir_cron_archive_inbox").method_direct_trigger()
        self.env.invalidate_all()

    def test_settled_messages_past_the_period_go_the_rest_stay(self):
        old_done = self.message("old-done", "done", 91)
        old_duplicate = self.message("old-dup", "duplicate", 120)
        old_set_aside = self.message("old-aside", "skipped", 200)
        old_failed = self.message("old-failed", "failed", 200)
        old_received = self.message("old-waiting", "received", 100)
        recent_done = self.message("recent-done", "done", 89)
        named = self.message("old-named", "done", 150)
        self.env["integration.sync.exception"]._open(
            "other", "Look at this message", "kept while the exception is open", record=named, channel=self.channel
        )
        source = self.message("old-source", "done", 150)  # the source of an exception about something else
        self.env["integration.sync.exception"]._open(
            "other", "About the channel", "raised by that message", record=self.channel, event_id=source.id
        )
        self.run_archive_job()
        gone = (old_done | old_duplicate | old_set_aside).exists()
        self.assertFalse(gone, "settled and older than 90 days")
        kept = (old_failed | old_received | recent_done | named | source).exists()
        self.assertEqual(kept, old_failed | old_received | recent_done | named | source)
        entry = self.env["integration.audit.log"].search([("action", "=", "inbox_archive")])
        self.assertEqual(len(entry), 1)
        self.assertIn("3 settled inbox messages older than 90 days removed", entry.reason)

    def test_the_period_is_a_setting_never_under_a_week(self):
        self.message("ten-days", "done", 10)
        self.message("five-days", "done", 5)
        self.user_admin.groups_id = [(4, self.env.ref("base.group_system").id)]  # Odoo's Settings right
        settings = Form(self.env["res.config.settings"].with_user(self.user_admin))
        settings.integration_hub_inbox_retention_days = 3
        settings.save().execute()
        self.assertEqual(self.env["integration.event"]._inbox_retention_days(), 90, "3 days is refused: 90 kept")
        settings = Form(self.env["res.config.settings"].with_user(self.user_admin))
        settings.integration_hub_inbox_retention_days = 7
        settings.save().execute()
        self.run_archive_job()
        keys = self.env["integration.event"].search([("channel_id", "=", self.channel.id)]).mapped("idempotency_key")
        self.assertEqual(keys, ["five-days"])

    def test_a_removed_message_sent_again_is_taken_as_new(self):
        """What the period means for a sender: past it, the same message id is a new message (documented)."""
        self.message("again", "done", 100)
        self.run_archive_job()
        _event_id, created = self.env["integration.event"]._receive(self.channel, "again", "test.ping", {"id": 1})
        self.assertTrue(created)

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestException(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def _open(self, key="k1"):
        return self.env["integration.sync.exception"]._open(
            "other", "Something to decide", "What is wrong; what to do.", record=self.channel, dedupe_key=key
        )

    def test_same_problem_counts_occurrences_instead_of_duplicating(self):
        first = self._open()
        again = self._open()
        self.assertEqual(first, again)
        self.assertEqual(first.occurrences, 2)
        self.assertEqual(first.channel_id, self.channel)

    def test_manager_resolves_with_a_decision_through_the_wizard(self):
        exception = self._open()
        wizard = Form(
            self.env["integration.exception.decision"]
            .with_user(self.user_manager)
            .with_context(active_model=exception._name, active_ids=exception.ids)
        )
        wizard.decision = "Customer called, address corrected by hand"
        wizard.save().action_confirm()
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.decided_by_id, self.user_manager)
        self.assertTrue(exception.decided_at)
        log = self.env["integration.audit.log"].search(
            [("action", "=", "exception_decision"), ("res_id", "=", exception.id)]
        )
        self.assertEqual(log.reason, "Customer called, address corrected by hand")

    def test_decision_text_is_mandatory(self):
        exception = self._open()
        with self.assertRaisesRegex(UserError, "Write the decision"):
            exception.with_user(self.user_manager)._decide("resolved", "   ")
        self.assertEqual(exception.state, "open")

    def test_operations_and_finance_cannot_resolve(self):
        exception = self._open()
        for user in (self.user_operations, self.user_finance):
            with self.assertRaises(AccessError):
                exception.with_user(user)._decide("resolved", "I fixed it")
            with self.assertRaises(AccessError):
                self.env["integration.exception.decision"].with_user(user).create(
                    {"exception_ids": [(6, 0, exception.ids)], "decision": "x"}
                )
        self.assertEqual(exception.state, "open")

    def test_nothing_auto_resolves_state_cannot_be_written_directly(self):
        exception = self._open()
        with self.assertRaisesRegex(UserError, "written decision"):
            exception.sudo().write({"state": "resolved"})

    def test_closed_exception_cannot_be_decided_twice(self):
        exception = self._open()
        exception.with_user(self.user_manager)._decide("cancelled", "Duplicate of another one")
        with self.assertRaisesRegex(UserError, "already closed"):
            exception.with_user(self.user_manager)._decide("resolved", "again")
        # a new occurrence after closing opens a new exception
        self.assertNotEqual(self._open(), exception)

    def test_daily_reminder_schedules_one_activity_per_open_exception(self):
        exception = self._open()
        exception.user_id = self.user_manager
        closed = self._open("k2")
        closed._decide("resolved", "done")
        model = self.env["integration.sync.exception"]
        model._cron_remind_open_exceptions()
        model._cron_remind_open_exceptions()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", model._name), ("res_id", "in", (exception | closed).ids)]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.res_id, exception.id)
        self.assertEqual(activities.user_id, self.user_manager)

from odoo.addons.integration_hub.lib.time_budget import DEFAULT_BUDGET_SECONDS, TimeBudget, budget_seconds


def test_a_quarter_of_the_tightest_limit():
    assert budget_seconds(limit_time_cpu=60, limit_time_real=120) == 15
    assert budget_seconds(limit_time_cpu=600, limit_time_real=120) == 30


def test_the_cron_real_time_limit_wins_when_set():
    assert budget_seconds(limit_time_cpu=600, limit_time_real=120, limit_time_real_cron=40) == 10
    # -1: "as limit_time_real"; 0: no limit for crons
    assert budget_seconds(limit_time_cpu=0, limit_time_real=120, limit_time_real_cron=-1) == 30
    assert budget_seconds(limit_time_cpu=0, limit_time_real=120, limit_time_real_cron=0) == DEFAULT_BUDGET_SECONDS


def test_in_threaded_mode_a_cron_limit_of_zero_means_the_real_time_limit():
    assert budget_seconds(limit_time_cpu=0, limit_time_real=120, limit_time_real_cron=0, threaded=True) == 30
    assert budget_seconds(limit_time_cpu=0, limit_time_real=120, limit_time_real_cron=40, threaded=True) == 10


def test_no_limit_at_all_gives_the_default_and_tiny_limits_at_least_a_second():
    assert budget_seconds(0, 0, 0) == DEFAULT_BUDGET_SECONDS
    assert budget_seconds(limit_time_cpu=2) == 1.0


def test_the_budget_is_spent_once_its_seconds_have_passed():
    now = [100.0]
    budget = TimeBudget(5, clock=lambda: now[0])
    assert not budget.spent()
    now[0] = 104.9
    assert not budget.spent()
    now[0] = 105.0
    assert budget.spent()
    assert budget.elapsed() == 5.0

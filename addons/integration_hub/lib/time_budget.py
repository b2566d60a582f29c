"""How long one scheduled run may keep taking work.

Odoo stops a cron that runs too long: in prefork mode the worker is killed at
``limit_time_cpu`` / ``limit_time_real_cron``, in threaded mode the whole server
re-executes itself past ``limit_time_real``. Work that is cut there is redone
(or lost, for the attempt counter), so a hub cron stops taking new work well
before the tightest limit and asks to be run again at once.
"""

import time

# When Odoo runs without any time limit (``--limit-time-* 0``).
DEFAULT_BUDGET_SECONDS = 60.0
# The share of the tightest limit a run may use: several crons share one
# worker's CPU limit, and one item may run past the check.
LIMIT_SHARE = 0.25


def budget_seconds(limit_time_cpu=0, limit_time_real=0, limit_time_real_cron=-1, share=LIMIT_SHARE):
    """Seconds a cron run may spend taking work, from Odoo's limit options.

    ``limit_time_real_cron`` follows Odoo's convention: -1 means "as
    ``limit_time_real``", 0 means no limit. Returns at least one second.
    """
    real = limit_time_real if limit_time_real_cron is None or limit_time_real_cron < 0 else limit_time_real_cron
    limits = [value for value in (limit_time_cpu, real) if value and value > 0]
    if not limits:
        return DEFAULT_BUDGET_SECONDS
    return max(1.0, min(limits) * share)


class TimeBudget:
    """A stopwatch with a limit: ``spent()`` is True once ``seconds`` have passed."""

    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._started = clock()

    def elapsed(self):
        return self._clock() - self._started

    def spent(self):
        return self.elapsed() >= self.seconds

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


def budget_seconds(limit_time_cpu=0, limit_time_real=0, limit_time_real_cron=-1, threaded=False, share=LIMIT_SHARE):
    """Seconds a cron run may spend taking work, from Odoo's limit options.

    The real-time limit of a cron follows Odoo's rules: in prefork mode ``limit_time_real_cron`` -1
    means "as ``limit_time_real``" and 0 means none; in threaded mode any value but a positive one
    means ``limit_time_real`` (odoo/service/server.py). Returns at least one second.
    """
    cron = limit_time_real_cron if limit_time_real_cron is not None else -1
    if threaded:
        real = cron if cron > 0 else limit_time_real
    else:
        real = limit_time_real if cron < 0 else cron
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

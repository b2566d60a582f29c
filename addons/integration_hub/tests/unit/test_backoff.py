import random

import pytest

from odoo.addons.integration_hub.lib.backoff import backoff_ceiling, full_jitter_delay


def test_ceiling_grows_exponentially_until_the_cap():
    assert [backoff_ceiling(n, 30, 3600) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_ceiling_never_overflows_for_huge_attempts():
    assert backoff_ceiling(10_000, 30, 3600) == 3600


def test_attempt_zero_is_refused():
    with pytest.raises(ValueError):
        backoff_ceiling(0, 30, 3600)


def test_full_jitter_stays_within_zero_and_ceiling_and_varies():
    rng = random.Random(42)
    for attempt in range(1, 12):
        delays = [full_jitter_delay(attempt, 30, 3600, rng) for _ in range(200)]
        ceiling = backoff_ceiling(attempt, 30, 3600)
        assert all(0 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 150, "jitter must spread the retries"
        # full jitter uses the whole range, not only its top
        assert min(delays) < ceiling * 0.2 and max(delays) > ceiling * 0.8

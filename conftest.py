"""Opt-in check that the suite passes on any date (issue 10): ``HUB_TEST_CLOCK=2031-06-01 make test``.

Moves the application's clock for the whole session (freezegun, ticking) while PostgreSQL keeps the
real one: a test that creates records and then compares them with a hard-coded date fails, as it would
on that date. Not used by CI.
"""

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _hub_test_clock():
    when = os.environ.get("HUB_TEST_CLOCK")
    if not when:
        yield
        return
    from freezegun import freeze_time  # noqa: PLC0415 - only for this opt-in check

    with freeze_time(when, tick=True):
        yield

import threading

import pytest

from odoo.addons.integration_hub.lib.hub_privilege import HUB_WRITE, MANAGER_RELEASE, granted, is_granted


def test_nothing_is_granted_outside_a_block():
    assert not is_granted(HUB_WRITE)
    assert not is_granted(MANAGER_RELEASE)


def test_a_grant_lasts_exactly_the_block_even_when_it_raises():
    with granted(HUB_WRITE):
        assert is_granted(HUB_WRITE)
        assert not is_granted(MANAGER_RELEASE)
    assert not is_granted(HUB_WRITE)
    with pytest.raises(RuntimeError), granted(HUB_WRITE):
        raise RuntimeError("boom")
    assert not is_granted(HUB_WRITE)


def test_nested_grants_add_up_and_unwind():
    with granted(MANAGER_RELEASE):
        with granted(HUB_WRITE):
            assert is_granted(HUB_WRITE) and is_granted(MANAGER_RELEASE)
        assert not is_granted(HUB_WRITE)
        assert is_granted(MANAGER_RELEASE)


def test_a_grant_never_reaches_another_thread():
    """Another request (thread) running meanwhile sees nothing of this one's grant."""
    seen = []
    with granted(HUB_WRITE):
        worker = threading.Thread(target=lambda: seen.append(is_granted(HUB_WRITE)))
        worker.start()
        worker.join()
    assert seen == [False]


def test_granting_nothing_is_a_mistake():
    with pytest.raises(ValueError):
        with granted():
            pass

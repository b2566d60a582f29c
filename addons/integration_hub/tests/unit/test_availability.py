from odoo.addons.integration_hub.lib import availability as A


def test_sellable_subtracts_reservations_holds_and_buffer_never_below_zero():
    assert A.sellable(100, 20, 5, 3) == 72
    assert A.sellable(10, 8, 5, 0) == 0


def test_share_percentage_and_reservations():
    assert A.apply_share(80, share_pct=25) == 20
    assert A.apply_share(80, reserved_for_channel=30) == 30
    assert A.apply_share(10, reserved_for_channel=30) == 10
    assert A.apply_share(80, reserved_for_others=30) == 50
    assert A.apply_share(20, reserved_for_others=30) == 0


def test_kit_is_min_over_components_per_kit_quantity():
    assert A.kit_quantity({"mug": 10, "tee": 7}, {"mug": 1, "tee": 1}) == 7
    assert A.kit_quantity({"mug": 10, "tee": 7}, {"mug": 3, "tee": 1}) == 3
    assert A.kit_quantity({"mug": 10}, {"mug": 1, "tee": 1}) == 0
    assert A.kit_quantity({}, {}) == 0


def test_publishable_rounds_down():
    assert A.publishable(7.99) == 7
    assert A.publishable(-3) == 0
    assert A.publishable(3.0000000001) == 3


def test_divergence_threshold():
    assert not A.diverges(100, 96, 5)
    assert not A.diverges(100, 105, 5)
    assert A.diverges(100, 94, 5)
    assert A.diverges(100, 80, 5)
    assert A.diverges(0, 2, 5), "anything reported when nothing was published diverges"

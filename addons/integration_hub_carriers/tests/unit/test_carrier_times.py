"""Carrier time stamps: every carrier's events compared in UTC (their GMT fields or their zone)."""

from datetime import datetime

from odoo.addons.integration_hub_carriers.lib import correos, dhl_parcel_de, dpd, ups
from odoo.addons.integration_hub_carriers.lib.shipment import utc_from_parts, utc_naive

from . import fixtures as F


def test_split_date_and_time_in_utc():
    assert utc_from_parts("20261120", "091500") == datetime(2026, 11, 20, 9, 15)
    assert utc_from_parts("20261120", "74700") == datetime(2026, 11, 20, 7, 47), "UPS drops leading zeros"
    assert utc_from_parts("20261120", "101500", offset="+01:00") == datetime(2026, 11, 20, 9, 15)
    assert utc_from_parts("20261120", "231500", offset="-05:00") == datetime(2026, 11, 21, 4, 15)
    assert utc_from_parts("20260715", "101500", zone="Europe/Madrid") == datetime(2026, 7, 15, 8, 15), "summer time"
    assert utc_from_parts("", "101500") is None
    assert utc_from_parts("2026112", "101500") is None


def test_local_time_without_offset_is_read_in_the_carrier_zone():
    assert utc_naive("2026-11-20T18:00:00", zone="Europe/Madrid") == datetime(2026, 11, 20, 17, 0)
    assert utc_naive("2026-11-20T18:00:00+00:00", zone="Europe/Madrid") == datetime(2026, 11, 20, 18, 0)
    assert utc_naive("2026-11-20T18:00:00") == datetime(2026, 11, 20, 18, 0), "the hub's own stored UTC"


def test_ups_push_is_timed_by_its_gmt_fields():
    """In transit at 10:15 in Madrid (09:15 UTC), delivered at 09:45 in Lisbon (09:45 UTC): delivery is later."""
    madrid = ups.parse_push(F.ups_push("DP", "I", "20261120", "101500", "20261120", "091500"))[0]
    lisbon = ups.parse_push(F.ups_push("FS", "D", "20261120", "094500", "20261120", "094500"))[0]
    assert madrid["at"] == datetime(2026, 11, 20, 9, 15)
    assert lisbon["at"] == datetime(2026, 11, 20, 9, 45)
    assert lisbon["at"] > madrid["at"]


def test_ups_push_without_gmt_fields_has_no_guessed_time():
    message = F.ups_push("DP", "I", "20261120", "101500", "", "")
    event = ups.parse_push(message)[0]
    assert event["at"] is None, "a local time alone is never taken as UTC"
    assert event["carrier_event_id"].endswith("20261120101500")


def test_ups_polled_activity_uses_gmt_date_and_time_or_the_offset():
    activity = {"date": "20261120", "time": "101500", "gmtDate": "20261120", "gmtTime": "91500", "gmtOffset": "+01:00"}
    assert ups.activity_utc(activity) == datetime(2026, 11, 20, 9, 15)
    activity = {"date": "20261120", "time": "094500", "gmtOffset": "+00:00"}
    assert ups.activity_utc(activity) == datetime(2026, 11, 20, 9, 45)
    assert ups.activity_utc({"date": "20261120", "time": "094500"}) is None


def test_ups_polled_events_are_ordered_in_utc():
    events = ups.parse_tracking(F.UPS_TRACKING)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    delivered = next(e for e in events if e["code"] == "D")
    assert delivered["at"] == datetime(2026, 11, 22, 9, 15), "10:15 local at +01:00"


def test_correos_times_are_spanish_local_time():
    events = correos.parse_tracking(F.CORREOS_TRACKING)
    assert events[0]["at"] == datetime(2026, 11, 20, 17, 0), "18:00 in Madrid in November is 17:00 UTC"


def test_dhl_and_dpd_times_without_offset_are_german_local_time():
    document = {"shipments": [{"id": "1", "events": [{"timestamp": "2026-07-20T12:00:00", "statusCode": "transit"}]}]}
    assert dhl_parcel_de.parse_tracking(document)[0]["at"] == datetime(2026, 7, 20, 10, 0)
    events = dpd.parse_tracking(F.DPD_TRACKING, "01635012345678")
    assert events[0]["at"] == datetime(2026, 11, 20, 17, 0)

"""Carrier-neutral shipment data and the checks every carrier needs before a call.

A missing weight, phone or address part is refused here, naming the part,
instead of coming back later as a carrier error.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .label_text import printable, wrap
from .street import split_street

SPANISH_CP = re.compile(r"^\d{5}$")


class LabelNotCreated(Exception):
    """The carrier made no label: the caller must not claim a shipment (the exception says why)."""


# ISO 3166 alpha-2 -> alpha-3 for the destinations we serve (DHL Parcel DE wants alpha-3).
ALPHA3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CH": "CHE", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK",
    "EE": "EST", "ES": "ESP", "FI": "FIN", "FR": "FRA", "GB": "GBR", "GR": "GRC", "HR": "HRV", "HU": "HUN",
    "IE": "IRL", "IT": "ITA", "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "NO": "NOR",
    "PL": "POL", "PT": "PRT", "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK", "US": "USA",
}  # fmt: skip


@dataclass
class Address:
    name: str = ""
    street: str = ""
    street2: str = ""
    zip: str = ""
    city: str = ""
    state: str = ""  # province / region name
    state_code: str = ""
    country_code: str = ""  # ISO alpha-2
    phone: str = ""
    email: str = ""
    company: str = ""
    vat: str = ""
    # set by fit_for_carrier: the street without its number, the number, the supplement's lines
    number: str = ""
    supplement_lines: list = field(default_factory=list)
    fitted: bool = False

    @property
    def country_alpha3(self):
        return ALPHA3.get((self.country_code or "").upper(), "")

    def parts(self):
        """(street, house number, [supplement lines]) for carriers with separate fields.

        "C/ de Sant Miquel, nº 12, 3º 2ª" gives ("C/ de Sant Miquel", "12", ["3º 2ª"]): floor and door
        travel in the supplement, never as the house number (lib/street.py).
        """
        if self.fitted:
            return self.street, self.number, list(self.supplement_lines)
        street, number, supplement = split_street(self.street, self.street2)
        return street, number, [supplement] if supplement else []

    def street_and_number(self):
        street, number, _supplement = self.parts()
        return street, number


@dataclass
class Parcel:
    weight_kg: float = 0.0
    length_cm: float = 0.0
    width_cm: float = 0.0
    height_cm: float = 0.0
    name: str = ""

    @property
    def weight_grams(self):
        return int(round(self.weight_kg * 1000))

    @property
    def has_dimensions(self):
        return bool(self.length_cm and self.width_cm and self.height_cm)


@dataclass
class Shipment:
    reference: str
    shipper: Address
    recipient: Address
    parcels: list = field(default_factory=list)
    service_code: str = ""
    account_number: str = ""  # billing number, shipper number, depot or labeller code
    description: str = ""


def validate(shipment, phone_required=False, max_parcel_kg=None, spanish_rules=False):
    """The missing or invalid parts of a shipment, each named ([] when it can be sent)."""
    problems = []
    for role, address in (("sender", shipment.shipper), ("recipient", shipment.recipient)):
        for attribute, label in (
            ("name", "name"),
            ("street", "street"),
            ("zip", "postal code"),
            ("city", "city"),
            ("country_code", "country"),
        ):
            if not (getattr(address, attribute) or "").strip():
                problems.append(f"{role} {label}")
        if phone_required and not (address.phone or "").strip():
            problems.append(f"{role} phone")
    recipient = shipment.recipient
    if spanish_rules and (recipient.country_code or "").upper() == "ES":
        if recipient.zip and not SPANISH_CP.match(recipient.zip.strip()):
            problems.append(f"recipient postal code '{recipient.zip}' is not a 5-digit Spanish CP")
        if not (recipient.state or "").strip():
            problems.append("recipient province")
    if not shipment.service_code:
        problems.append("service code")
    if not shipment.account_number:
        problems.append("carrier account number")
    if not shipment.parcels:
        problems.append("parcels (nothing is packed)")
    for index, parcel in enumerate(shipment.parcels, start=1):
        if not parcel.weight_kg or parcel.weight_kg <= 0:
            problems.append(f"weight of parcel {index}")
        elif max_parcel_kg and parcel.weight_kg > max_parcel_kg:
            problems.append(
                f"parcel {index} weighs {parcel.weight_kg:g} kg, over the carrier's {max_parcel_kg:g} kg cap"
            )
    return problems


def utc_naive(value, zone=None):
    """An ISO 8601 timestamp as a naive UTC datetime, as Odoo stores them.

    A timestamp with an offset is converted with it. One without an offset is a local time:
    ``zone`` (an IANA name, e.g. the carrier's home zone ``Europe/Madrid``) says which; without
    a zone it is taken as UTC already (the hub's own stored values).
    """
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if not moment.tzinfo and zone:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


OFFSET = re.compile(r"^([+-])(\d{1,2}):?(\d{2})?$")


def utc_from_parts(date, time, offset=None, zone=None):
    """'YYYYMMDD' + 'HHMMSS' (a carrier's split date and time) as a naive UTC datetime, or None.

    ``offset`` ('-05:00', '+0100') or ``zone`` say where the local time was taken; with neither,
    the parts are already UTC (e.g. UPS gmtActivityDate / gmtActivityTime). Short times ('74700',
    as UPS sometimes sends gmtTime) are left-padded with zeros.
    """
    date, time = (date or "").strip(), (time or "").strip() or "000000"
    if len(date) != 8 or not date.isdigit() or not time.isdigit() or len(time) > 6:
        return None
    time = time.zfill(6)
    moment = datetime(int(date[:4]), int(date[4:6]), int(date[6:8]), int(time[:2]), int(time[2:4]), int(time[4:6]))
    match = OFFSET.match((offset or "").strip())
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return moment - sign * delta
    if zone:
        return moment.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)
    return moment


# What every carrier's label takes; each carrier module defines LABEL with its own figures.
TEXT_FIELDS = (("name", "name"), ("company", "company"), ("city", "city"), ("state", "province"))


def fit_for_carrier(shipment, label, carrier_name):
    """Prepare both addresses for one carrier: street split, printable text, field lengths. Returns (notes, problems).

    ``label``: the carrier's figures, e.g. {"charset": "latin", "name": 50, "company": 50, "street": 50,
    "number": 10 (None: the number stays on the street line), "supplement": 60, "supplement_lines": 2
    (0: the supplement follows the street), "city": 40, "state": 40}. ``notes``: which characters of which
    field were transliterated (for the shipment's chatter); ``problems``: what does not fit, each naming the
    field, its length and the limit (the label is not requested). Neither ever quotes a value: addresses
    and names are personal data.
    """
    notes, problems = [], []
    for role, address in (("sender", shipment.shipper), ("recipient", shipment.recipient)):
        street, number, supplement = split_street(address.street, address.street2)
        if label.get("number") is None and number:
            street, number = f"{street} {number}".strip(), ""
        if not label.get("supplement_lines") and supplement:
            street, supplement = f"{street}, {supplement}", ""
        values = {"street": street, "number": number, "supplement": supplement}
        values.update({attribute: getattr(address, attribute) or "" for attribute, _label in TEXT_FIELDS})
        for key, value in values.items():
            printed, changes = printable(value, label.get("charset", "latin"))
            if changes:
                # which characters, never the value: an address is personal data
                changed = ", ".join(sorted({f"{old}→{new or 'removed'}" for old, new in changes}))
                notes.append(f"{role} {key}: {changed}")
            values[key] = printed
        street_lines = wrap(values["street"], label["street"])
        supplement = values["supplement"]
        if len(street_lines) > 1 and label.get("supplement_lines"):
            supplement = ", ".join(part for part in (" ".join(street_lines[1:]), supplement) if part)
            street_lines = street_lines[:1]
        elif len(street_lines) > 1:
            problems.append(
                f"{role} street has {len(values['street'])} characters, {carrier_name} prints at most {label['street']}"
            )
        supplement_lines = wrap(supplement, label.get("supplement") or 1) if label.get("supplement_lines") else []
        if len(supplement_lines) > (label.get("supplement_lines") or 0):
            problems.append(
                f"{role} address supplement ({len(supplement)} characters) does not fit {carrier_name}'s "
                f"{label['supplement_lines']} line(s) of {label['supplement']} characters"
            )
        for key, what in (("number", "house number"), *TEXT_FIELDS):
            limit = label.get(key)
            if limit and len(values[key]) > limit:
                problems.append(
                    f"{role} {what} has {len(values[key])} characters, {carrier_name} prints at most {limit}"
                )
        address.street = street_lines[0] if street_lines else ""
        address.number = values["number"]
        address.supplement_lines = supplement_lines
        for attribute, _label in TEXT_FIELDS:
            setattr(address, attribute, values[attribute])
        address.fitted = True
    return notes, problems

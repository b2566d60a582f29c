"""Mandatory-field rules for an order, in plain Python (the seed's list).

Each rule returns human-readable problems; an empty list means the order may
go on. Nothing here guesses: missing or ambiguous data is a problem.
"""

import re

import phonenumbers

# Postal code formats per country (ISO 3166-1 alpha-2).
ZIP_PATTERNS = {
    "ES": r"(0[1-9]|[1-4]\d|5[0-2])\d{3}",
    "PT": r"\d{4}-\d{3}",
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "IT": r"\d{5}",
    "GB": (
        r"(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
        r" ?[0-9][ABD-HJLNP-UW-Z]{2})"
    ),
    "US": r"\d{5}(-\d{4})?",
    "NL": r"\d{4} ?[A-Z]{2}",
    "BE": r"\d{4}",
    "AT": r"\d{4}",
}

ADDRESS_PARTS = (("street", "street"), ("zip", "ZIP / postal code"), ("city", "city"), ("country_code", "country"))


def check_zip(country_code, zip_code):
    pattern = ZIP_PATTERNS.get((country_code or "").upper())
    if not pattern or not zip_code:
        return []
    if not re.fullmatch(pattern, zip_code.strip().upper()):
        # the value itself is personal data: it stays on the order (encrypted), never in hold notes or exceptions
        return [f"the ZIP / postal code of the delivery address is not a valid postal code for {country_code.upper()}"]
    return []


def check_address(address):
    address = address or {}
    problems = [
        f"delivery address has no {label}" for key, label in ADDRESS_PARTS if not (address.get(key) or "").strip()
    ]
    if not problems:
        problems += check_zip(address["country_code"], address["zip"])
    return problems


def normalize_phone(number, country_code):
    """E.164 form of ``number`` for deliveries to ``country_code``, or raise ValueError with a reason.

    The reason never repeats the number: it goes into hold notes and exceptions, and a phone is personal data.
    """
    if not (number or "").strip():
        raise ValueError("no contact phone for delivery coordination")
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"the contact phone cannot be read ({error})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"the contact phone is not a valid number for {country_code or 'the destination'}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# No order line of a warehouse is larger; beyond it a number is a typo or an attack (1e308 overflows).
MAX_LINE_QUANTITY = 1_000_000


def check_quantity(sku, quantity):
    """A positive integer number of sellable units, at most MAX_LINE_QUANTITY (seed: "Quantity:
    positive integer matching the sellable unit definition"); a list of problems, empty when valid."""
    if isinstance(quantity, bool) or quantity is None:
        return [f"line {sku}: quantity is missing"]
    try:
        value = float(quantity)
    except (TypeError, ValueError):
        return [f"line {sku}: quantity '{quantity}' is not a number"]
    if value <= 0 or not value.is_integer():
        return [f"line {sku}: quantity {quantity} is not a positive whole number of sellable units"]
    if value > MAX_LINE_QUANTITY:
        return [f"line {sku}: quantity {quantity} is more than any line the hub takes ({MAX_LINE_QUANTITY:,} units)"]
    return []


def check_vat(vat, country_code):
    """Structure of an EU VAT id when the country's rules need one (python-stdnum)."""
    if not (vat or "").strip():
        return [f"a VAT id is mandatory for deliveries to {country_code}"]
    try:
        from stdnum.eu import vat as eu_vat
    except ImportError:  # pragma: no cover - stdnum ships with Odoo
        return []
    candidate = vat.strip().replace(" ", "").upper()
    if not candidate[:2].isalpha():
        candidate = country_code.upper() + candidate
    if candidate[:2].lower() in eu_vat.MEMBER_STATES or candidate[:2] == "EL":
        if not eu_vat.is_valid(candidate):
            return [f"VAT id '{vat}' is not valid"]
    return []

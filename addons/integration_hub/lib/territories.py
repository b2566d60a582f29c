"""Special territories: parts of a country outside the EU VAT area (and some outside its customs union).

The list is the maintained data file ``data/integration.territory.csv`` (one row per territory, with its
legal source: Council Directive 2006/112/EC art. 6 for the VAT area, Regulation (EU) 952/2013 art. 4
for the customs territory, and the postal operator for the ZIP prefixes). A shipment there needs customs
documents, and a carrier service chosen for the mainland by country alone never applies.
"""

import csv
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "integration.territory.csv"


def normalize_zip(zip_code):
    """'630 86' and '63086', '35-001' and '35001' are the same postal code for matching."""
    return "".join(ch for ch in (zip_code or "").upper() if ch.isalnum())


def find(territories, country_code, zip_code):
    """The key of the territory a destination is in, or None.

    ``territories``: iterable of (key, country code, [zip prefixes]). A row without prefixes covers
    the whole country (e.g. ISO GP, Guadeloupe); otherwise the longest matching prefix wins.
    """
    country = (country_code or "").strip().upper()
    zip_code = normalize_zip(zip_code)
    best, best_length = None, -1
    for key, territory_country, prefixes in territories:
        if (territory_country or "").upper() != country:
            continue
        if not prefixes:
            if best_length < 0:
                best, best_length = key, 0
            continue
        for prefix in map(normalize_zip, prefixes):
            if prefix and zip_code.startswith(prefix) and len(prefix) > best_length:
                best, best_length = key, len(prefix)
    return best


def split_prefixes(text):
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def read_data_file(path=DATA_FILE):
    """The data file as dicts (code, name, country code, prefixes, flags, source): no database needed."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {
                "code": row["code"],
                "name": row["name"],
                "country_code": row["country_id:id"].removeprefix("base.").upper(),
                "zip_prefixes": split_prefixes(row["zip_prefixes"]),
                "outside_vat_area": row["outside_vat_area"] == "True",
                "outside_customs_union": row["outside_customs_union"] == "True",
                "source": row["source"],
            }
            for row in csv.DictReader(handle)
        ]

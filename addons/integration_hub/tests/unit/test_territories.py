"""The special territories data file and the destination lookup, without a database."""

import pytest

from odoo.addons.integration_hub.lib import territories as T

ROWS = T.read_data_file()
TABLE = [(row["code"], row["country_code"], row["zip_prefixes"]) for row in ROWS]


@pytest.mark.parametrize(
    "country, zip_code, territory",
    [
        ("ES", "38003", "ES-CN"),  # Santa Cruz de Tenerife
        ("ES", "35001", "ES-CN"),  # Las Palmas de Gran Canaria
        ("ES", "51001", "ES-CE"),
        ("ES", "52001", "ES-ML"),
        ("ES", "46004", None),  # Valencia: mainland
        ("ES", "07001", None),  # Palma: inside the VAT area
        ("DE", "78266", "DE-BUS"),
        ("DE", "27498", "DE-HEL"),
        ("DE", "10115", None),
        ("IT", "23041", "IT-LIV"),
        ("IT", "22061", "IT-CAM"),
        ("GR", "630 86", "GR-ATH"),  # written the Greek way, with a space
        ("FI", "22100", "FI-AX"),
        ("AX", "22100", "AX"),
        ("FR", "97400", "FR-974"),
        ("FR", "97150", "FR-971"),  # Saint-Martin
        ("FR", "75001", None),
        ("GP", "97110", "GP"),
        ("es", " 38-003 ", "ES-CN"),
    ],
)
def test_destinations(country, zip_code, territory):
    assert T.find(TABLE, country, zip_code) == territory


def test_every_row_names_its_source_and_is_outside_the_vat_area():
    assert len({row["code"] for row in ROWS}) == len(ROWS), "codes are unique"
    for row in ROWS:
        assert row["source"], row["code"]
        assert row["outside_vat_area"], row["code"]
    required = {"ES-CN", "ES-CE", "ES-ML", "DE-BUS", "DE-HEL", "IT-LIV", "IT-CAM", "GR-ATH", "FI-AX", "FR-974"}
    assert required <= {row["code"] for row in ROWS}


def test_longest_prefix_wins():
    table = [("A", "XX", ["1"]), ("B", "XX", ["123"]), ("C", "XX", [])]
    assert T.find(table, "XX", "12345") == "B"
    assert T.find(table, "XX", "19") == "A"
    assert T.find(table, "XX", "99") == "C", "a row without prefixes covers the rest of the country"

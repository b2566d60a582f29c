"""Addresses on labels: house number, supplement, company, printable characters and field lengths."""

import pytest

from odoo.addons.integration_hub_carriers.lib import correos, dhl_parcel_de, dpd, ups
from odoo.addons.integration_hub_carriers.lib.label_text import printable
from odoo.addons.integration_hub_carriers.lib.shipment import fit_for_carrier
from odoo.addons.integration_hub_carriers.lib.street import split_street

from . import fixtures as F


@pytest.mark.parametrize(
    "street, expected",
    [
        ("C/ de Sant Miquel, nº 12, 3º 2ª", ("C/ de Sant Miquel", "12", "3º 2ª")),
        ("Calle de Colón 12", ("Calle de Colón", "12", "")),
        ("Calle Mayor 5 3º 2ª", ("Calle Mayor", "5", "3º 2ª")),
        ("Calle Mayor 5 Pta 4", ("Calle Mayor", "5", "Pta 4")),
        ("C/ Pintor Sorolla 14-16, esc. B, 5º izq", ("C/ Pintor Sorolla", "14-16", "esc. B, 5º izq")),
        ("Avda. Blasco Ibáñez nº12", ("Avda. Blasco Ibáñez", "12", "")),
        ("Calle Real, n.º 7", ("Calle Real", "7", "")),
        ("Via Roma, 12", ("Via Roma", "12", "")),
        ("Hauptstraße 12a", ("Hauptstraße", "12a", "")),
        ("12 rue de la Paix", ("rue de la Paix", "12", "")),
        ("Calle 1 de Mayo 5", ("Calle 1 de Mayo", "5", "")),
        ("Avenida del Puerto 3, bajo", ("Avenida del Puerto", "3", "bajo")),
        ("Calle Mayor s/n", ("Calle Mayor", "s/n", "")),
        ("Plaza de España", ("Plaza de España", "", "")),
        ("Calle Mayor 5, 2", ("Calle Mayor", "5", "2")),
        ("Avda. Diagonal 640, 6A", ("Avda. Diagonal", "640", "6A")),
        ("Calle Mayor 5, 2 B", ("Calle Mayor", "5", "2 B")),
        ("Carrer del Consell de Cent 333 2n 1a", ("Carrer del Consell de Cent", "333", "2n 1a")),
        ("Carrer de Mallorca 401, 3r 2a", ("Carrer de Mallorca", "401", "3r 2a")),
        ("Gran Vía 28 Bis", ("Gran Vía", "28 bis", "")),
    ],
)
def test_house_number_is_never_taken_from_the_floor(street, expected):
    assert split_street(street) == expected


def test_second_address_line_joins_the_supplement():
    assert split_street("Calle Mayor 5", "Escalera B") == ("Calle Mayor", "5", "Escalera B")


def test_characters_a_carrier_cannot_print_are_transliterated_never_question_marks():
    text, changes = printable("Cerámica «García» 😀 & Hijos", "ascii")
    assert text == 'Ceramica "Garcia" & Hijos'
    assert ("😀", "") in changes and ("á", "a") in changes
    assert "?" not in text
    latin, changes = printable("Cerámica «García» 😀, 3º 2ª", "latin")
    assert latin == 'Cerámica "García", 3º 2ª', "Latin-1 letters and ordinals print on Latin carriers"
    assert printable("Łódź", "latin")[0] == "Lódz", "ó is Latin-1; Ł and ź are not"


def spanish_order_shipment():
    shipment = F.spanish_shipment()
    recipient = shipment.recipient
    recipient.street = "C/ de Sant Miquel, nº 12, 3º 2ª"
    recipient.company = "Cerámica García & Hijos, S.L."
    recipient.name = "Núria Puig 🏺"
    return shipment


def test_dhl_gets_number_supplement_and_company():
    shipment = spanish_order_shipment()
    notes, problems = fit_for_carrier(shipment, dhl_parcel_de.LABEL, dhl_parcel_de.NAME)
    assert problems == []
    consignee = dhl_parcel_de.build_order_request(shipment)["shipments"][0]["consignee"]
    assert (consignee["addressStreet"], consignee["addressHouse"]) == ("C/ de Sant Miquel", "12")
    assert consignee["additionalAddressInformation1"] == "3º 2ª"
    assert (consignee["name1"], consignee["name2"]) == ("Cerámica García & Hijos, S.L.", "Núria Puig")
    assert notes == ["recipient name: 🏺→removed"], "which characters changed, never the name itself"


def test_ups_prints_ascii_with_the_number_on_the_street_line():
    shipment = spanish_order_shipment()
    notes, problems = fit_for_carrier(shipment, ups.LABEL, ups.NAME)
    assert problems == []
    ship_to = ups.build_ship_request(shipment)["ShipmentRequest"]["Shipment"]["ShipTo"]
    assert ship_to["Address"]["AddressLine"] == ["C/ de Sant Miquel 12", "3o 2a"]
    assert ship_to["Name"] == "Ceramica Garcia & Hijos, S.L."
    assert ship_to["AttentionName"] == "Nuria Puig"
    assert "recipient company: á→a, í→i" in notes
    assert not any("Cerámica" in note or "García" in note for note in notes), "never the value itself"


def test_correos_and_dpd_number_and_company():
    shipment = spanish_order_shipment()
    assert fit_for_carrier(shipment, correos.LABEL, correos.NAME)[1] == []
    body = correos.build_preregistro(shipment, "XXX1").decode()
    assert "<Numero>12</Numero>" in body
    assert "<Direccion>C/ de Sant Miquel, 3º 2ª</Direccion>" in body
    assert "<Empresa>Cerámica García &amp; Hijos, S.L.</Empresa>" in body
    shipment = spanish_order_shipment()
    assert fit_for_carrier(shipment, dpd.LABEL, dpd.NAME)[1] == []
    body = dpd.build_store_orders(shipment, "sandboxdpd", "token").decode()
    assert "<houseNo>12</houseNo>" in body
    assert "<name1>Cerámica García &amp; Hijos, S.L.</name1>" in body


def test_too_long_lines_are_split_or_refused_before_the_call():
    shipment = F.spanish_shipment()
    shipment.recipient.street = "Avenida del Doctor Manuel Candela y Pla de la Comunitat Valenciana 12, 3º 2ª"
    _notes, problems = fit_for_carrier(shipment, dhl_parcel_de.LABEL, dhl_parcel_de.NAME)
    assert problems == [], "DHL has supplement lines: the rest of the street goes there"
    assert shipment.recipient.street == "Avenida del Doctor Manuel Candela y Pla de la"
    assert shipment.recipient.supplement_lines == ["Comunitat Valenciana, 3º 2ª"]
    shipment = F.spanish_shipment()
    shipment.recipient.company = "Cooperativa Agrícola y Ganadera de la Ribera Alta del Xúquer"
    _notes, problems = fit_for_carrier(shipment, ups.LABEL, ups.NAME)
    assert problems == ["recipient company has 60 characters, UPS prints at most 35"]

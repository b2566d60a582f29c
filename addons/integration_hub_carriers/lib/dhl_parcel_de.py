"""DHL Parcel DE Shipping API v2 (labels) and DHL unified Shipment Tracking API.

Request and response fields as published by DHL: POST /orders with
shipments[].product (e.g. V01PAK), billingNumber, shipper / consignee,
details.weight {uom, value}; the answer's items[].shipmentNo and
items[].label.b64. Tracking statusCode: pre-transit, transit, delivered,
failure, unknown.
"""

import base64
from datetime import datetime

from odoo.addons.integration_hub.lib.errors import PermanentError

from . import shipment_states as S
from .shipment import utc_naive
from .transport import AuthError, CarrierRejected

NAME = "DHL Parcel DE"
SHIPPING_URL = {
    "test": "https://api-sandbox.dhl.com/parcel/de/shipping/v2",
    "production": "https://api-eu.dhl.com/parcel/de/shipping/v2",
}
TRACKING_URL = "https://api-eu.dhl.com/track/shipments"
PUBLIC_TRACKING_URL = "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={tracking}"
PROFILE = "STANDARD_GRUPPENPROFIL"
MAX_PARCEL_KG = 31.5
# Tracking timestamps normally carry an offset; one without is German local time.
TIME_ZONE = "Europe/Berlin"
# What a label prints (GKP Shipping API v2 field lengths); see shipment.fit_for_carrier.
LABEL = {"charset": "latin", "name": 50, "company": 50, "street": 50, "number": 10, "supplement": 60,
         "supplement_lines": 2, "city": 40, "state": 20}  # fmt: skip

# DHL unified tracking statusCode -> hub tracking status. Anything else is unknown: never guessed.
STATUS_TABLE = {
    "pre-transit": S.LABEL_CREATED,
    "transit": S.IN_TRANSIT,
    "delivered": S.DELIVERED,
    "failure": S.DELIVERY_FAILED,
}


def _party(address, with_contact=True):
    street, number, supplement = address.parts()
    party = {
        "name1": address.company or address.name,
        "addressStreet": street,
        "addressHouse": number,
        "postalCode": address.zip,
        "city": address.city,
        "country": address.country_alpha3,
    }
    if address.company and address.name and address.company != address.name:
        party["name2"] = address.name
    for index, line in enumerate(supplement[:2], start=1):  # floor, door, the address's second line
        party[f"additionalAddressInformation{index}"] = line
    if address.state:
        party["state"] = address.state
    if with_contact:
        if address.email:
            party["email"] = address.email
        if address.phone:
            party["phone"] = address.phone
    return {key: value for key, value in party.items() if value}


def build_order_request(shipment):
    """The JSON body of POST /orders: one DHL shipment per parcel (DHL labels one piece per shipment)."""
    shipments = []
    for index, parcel in enumerate(shipment.parcels, start=1):
        details = {"weight": {"uom": "g", "value": parcel.weight_grams}}
        if parcel.has_dimensions:
            details["dim"] = {
                "uom": "mm",
                "length": int(round(parcel.length_cm * 10)),
                "width": int(round(parcel.width_cm * 10)),
                "height": int(round(parcel.height_cm * 10)),
            }
        reference = shipment.reference if len(shipment.parcels) == 1 else f"{shipment.reference}-{index}"
        shipments.append(
            {
                "product": shipment.service_code,
                "billingNumber": shipment.account_number,
                # DHL wants 8 to 35 characters
                "refNo": reference[:35].ljust(8, "-"),
                "shipper": _party(shipment.shipper),
                "consignee": _party(shipment.recipient),
                "details": details,
            }
        )
    return {"profile": PROFILE, "shipments": shipments}


def _messages(document):
    messages = []
    status = document.get("status") or {}
    if status.get("detail"):
        messages.append(status["detail"])
    for item in document.get("items") or []:
        for message in item.get("validationMessages") or []:
            prop = message.get("property")
            text = message.get("validationMessage") or message.get("message") or ""
            messages.append(f"{prop}: {text}" if prop else text)
    return messages


def parse_order_response(response):
    """[(shipmentNo, label PDF bytes)] or a typed error with DHL's own messages."""
    try:
        document = response.json()
    except ValueError:
        document = {}
    if response.status_code in (401, 403):
        raise AuthError(f"{NAME}: credentials refused (HTTP {response.status_code})")
    if response.status_code >= 400:
        messages = _messages(document) or [(response.text or "")[:300]]
        raise CarrierRejected(f"{NAME} refused the shipment: " + "; ".join(messages), messages)
    results = []
    for item in document.get("items") or []:
        number = item.get("shipmentNo")
        label = (item.get("label") or {}).get("b64")
        if not number or not label:
            messages = _messages({"items": [item]}) or ["no shipment number or label in the answer"]
            raise CarrierRejected(f"{NAME} refused the shipment: " + "; ".join(messages), messages)
        results.append((number, base64.b64decode(label)))
    if not results:
        raise PermanentError(f"{NAME}: the answer holds no shipment")
    return results


def cancel_params(shipment_number):
    return {"profile": PROFILE, "shipment": shipment_number}


def parse_cancel_response(response):
    if response.status_code in (401, 403):
        raise AuthError(f"{NAME}: credentials refused (HTTP {response.status_code})")
    if response.status_code >= 400:
        try:
            messages = _messages(response.json())
        except ValueError:
            messages = [(response.text or "")[:300]]
        raise CarrierRejected(f"{NAME} refused the cancellation: " + "; ".join(messages), messages)
    return True


def parse_tracking(document):
    """[{tracking, code, status (hub status or None when unknown), at, description}] oldest first."""
    events = []
    for shipment in document.get("shipments") or []:
        tracking = shipment.get("id")
        for event in shipment.get("events") or [shipment.get("status") or {}]:
            code = (event.get("statusCode") or "").strip()
            events.append(
                {
                    "tracking": tracking,
                    "code": code,
                    "status": STATUS_TABLE.get(code),
                    "at": utc_naive(event.get("timestamp"), zone=TIME_ZONE),
                    "description": event.get("description") or event.get("status") or "",
                    "carrier_event_id": f"{tracking}:{code}:{event.get('timestamp')}",
                }
            )
    return sorted(events, key=lambda e: e["at"] or datetime.min)

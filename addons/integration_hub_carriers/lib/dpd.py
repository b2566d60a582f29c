"""DPD Web Connect: LoginService (getAuth) and ShipmentService (storeOrders), ParcelLifeCycle tracking.

Fields as DPD publishes them: generalShipmentData (sendingDepot, product
e.g. 'CL' Classic, sender / recipient), parcels (weight in decagrams),
printOptions; the answer's orderResult.parcellabelsPDF and
shipmentResponses.parcelInformation.parcelLabelNumber. A parcel weighs at
most 31.5 kg.
"""

import base64

from odoo.addons.integration_hub.lib.errors import PermanentError

from . import shipment_states as S
from . import soap
from .shipment import utc_naive
from .transport import AuthError, CarrierRejected

NAME = "DPD"
BASE_URL = {"test": "https://public-ws-stage.dpd.com/services", "production": "https://public-ws.dpd.com/services"}
LOGIN_PATH = "/LoginService/V2_0/"
SHIPMENT_PATH = "/ShipmentService/V4_4/"
TRACKING_PATH = "/ParcelLifeCycleService/V2_0/"
NS_LOGIN = "http://dpd.com/common/service/types/LoginService/2.0"
NS_AUTH = "http://dpd.com/common/service/types/Authentication/2.0"
NS_SHIPMENT = "http://dpd.com/common/service/types/ShipmentService/4.4"
NS_TRACKING = "http://dpd.com/common/service/types/ParcelLifeCycleService/2.0"
PUBLIC_TRACKING_URL = "https://tracking.dpd.de/status/en_US/parcel/{tracking}"
MAX_PARCEL_KG = 31.5
# ParcelLifeCycle dates have no offset: DPD Germany's local time.
TIME_ZONE = "Europe/Berlin"
# Web Connect address lengths: name1 50, name2 35, street 50, houseNo 8, city 50; no supplement field.
LABEL = {"charset": "latin", "name": 35, "company": 50, "street": 50, "number": 8, "supplement_lines": 0,
         "city": 50, "state": 50}  # fmt: skip
PRODUCTS = {"CL": "DPD Classic", "E830": "DPD 8:30", "E10": "DPD 10:00", "E12": "DPD 12:00", "E18": "DPD 18:00"}

# DPD ParcelLifeCycle statusInfo.status -> hub tracking status. Unknown codes are never guessed.
STATUS_TABLE = {
    "ACCEPTED": S.PICKED_UP,
    "AT_SENDING_DEPOT": S.IN_TRANSIT,
    "ON_THE_ROAD": S.IN_TRANSIT,
    "AT_DELIVERY_DEPOT": S.IN_TRANSIT,
    "DELIVERED": S.DELIVERED,
    "DELIVERY_FAILED": S.DELIVERY_FAILED,
    "RETURNED": S.RETURNED_TO_SENDER,
}


def login_request(delis_id, password, language="en_EN"):
    return soap.envelope(
        [("getAuth", [("delisId", delis_id), ("password", password), ("messageLanguage", language)])],
        NS_LOGIN,
        nsmap={"ns": NS_LOGIN},
    )


def parse_login(response):
    """The authToken; refused credentials are an AuthError."""
    try:
        root = soap.parse(response.content)
    except ValueError:
        raise PermanentError(f"{NAME}: login answered HTTP {response.status_code} without XML") from None
    error = soap.fault(root)
    token = soap.text(root, "return/authToken")
    if error or not token:
        raise AuthError(f"{NAME}: login refused: {error or 'no authToken in the answer'}")
    return token


def _party(address):
    street, number, supplement = address.parts()
    street = ", ".join([street, *supplement])  # DPD has no supplement field: floor and door follow the street
    return [
        ("name1", (address.company or address.name)[:50]),
        ("name2", address.name[:35] if address.company and address.company != address.name else None),
        ("street", street[:50]),
        ("houseNo", number or None),
        ("country", address.country_code),
        ("zipCode", address.zip),
        ("city", address.city[:50]),
        ("phone", address.phone or None),
        ("email", address.email or None),
    ]


def _auth_header(delis_id, token, language="en_EN"):
    return [("authentication", [("delisId", delis_id), ("authToken", token), ("messageLanguage", language)])]


def build_store_orders(shipment, delis_id, token):
    parcels = [
        (
            "parcels",
            [
                ("customerReferenceNumber1", shipment.reference[:35]),
                # DPD weighs in decagrams (10 g), rounded up
                ("weight", max(1, -(-parcel.weight_grams // 10))),
                (
                    "volume",
                    f"{int(parcel.length_cm):03d}{int(parcel.width_cm):03d}{int(parcel.height_cm):03d}"
                    if parcel.has_dimensions
                    else None,
                ),
            ],
        )
        for parcel in shipment.parcels
    ]
    body = [
        (
            "storeOrders",
            [
                ("printOptions", [("printerLanguage", "PDF"), ("paperFormat", "A6")]),
                (
                    "order",
                    [
                        (
                            "generalShipmentData",
                            [
                                ("identificationNumber", shipment.reference[:35]),
                                ("sendingDepot", shipment.account_number),
                                ("product", shipment.service_code),
                                ("mpsCustomerReferenceNumber1", shipment.reference[:35]),
                                ("sender", _party(shipment.shipper)),
                                ("recipient", _party(shipment.recipient)),
                            ],
                        ),
                        *parcels,
                        ("productAndServiceData", [("orderType", "consignment")]),
                    ],
                ),
            ],
        )
    ]
    return soap.envelope(
        body,
        NS_SHIPMENT,
        header_tree=_auth_header(delis_id, token),
        header_ns=NS_AUTH,
        nsmap={"ns": NS_SHIPMENT, "auth": NS_AUTH},
    )


def parse_store_orders(response):
    """([parcel label numbers], label PDF bytes) or a typed error carrying DPD's fault messages."""
    try:
        root = soap.parse(response.content)
    except ValueError:
        raise PermanentError(f"{NAME}: HTTP {response.status_code} without XML") from None
    error = soap.fault(root)
    if error:
        if "LOGIN" in error.upper() or "AUTH" in error.upper():
            raise AuthError(f"{NAME}: {error}")
        raise CarrierRejected(f"{NAME} refused the shipment: {error}", [error])
    faults = [
        f"{soap.text(node, 'faultCode')}: {soap.text(node, 'message')}" for node in soap.all_local(root, "faults")
    ]
    if faults:
        raise CarrierRejected(f"{NAME} refused the shipment: " + "; ".join(faults), faults)
    numbers = [node.text.strip() for node in soap.all_local(root, "parcelInformation/parcelLabelNumber")]
    pdf = soap.text(root, "orderResult/parcellabelsPDF")
    if not numbers or not pdf:
        raise PermanentError(f"{NAME}: the answer holds no parcel number or label")
    return numbers, base64.b64decode(pdf)


def build_tracking_request(parcel_number, delis_id, token):
    return soap.envelope(
        [("getTrackingData", [("parcelLabelNumber", parcel_number)])],
        NS_TRACKING,
        header_tree=_auth_header(delis_id, token),
        header_ns=NS_AUTH,
        nsmap={"ns": NS_TRACKING, "auth": NS_AUTH},
    )


def parse_tracking(content, parcel_number):
    """Reached statuses of a parcel as hub events, oldest first."""
    root = soap.parse(content)
    events = []
    for node in soap.all_local(root, "trackingresult/statusInfo"):
        if soap.text(node, "statusHasBeenReached").lower() != "true":
            continue
        code = soap.text(node, "status")
        when = soap.text(node, "date/content") or soap.text(node, "date")
        at = None
        if when:
            try:
                at = utc_naive(when, zone=TIME_ZONE)
            except ValueError:
                at = None
        events.append(
            {
                "tracking": parcel_number,
                "code": code,
                "status": STATUS_TABLE.get(code),
                "at": at,
                "description": soap.text(node, "label/content") or soap.text(node, "description/content"),
                "carrier_event_id": f"{parcel_number}:{code}:{when}",
            }
        )
    return events

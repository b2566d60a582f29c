"""UPS REST APIs: OAuth client credentials, Shipping, Void, Rating and Tracking.

Fields as UPS publishes them: POST /security/v1/oauth/token (Basic
client_id:client_secret, grant_type=client_credentials); POST
/api/shipments/{version}/ship with ShipmentRequest.Shipment.Service.Code
('11' Standard, '07' Express, '65' Saver) and
Package.PackageWeight.UnitOfMeasurement.Code 'KGS'; the answer's
ShipmentResults.PackageResults.TrackingNumber and ShippingLabel.GraphicImage.
Tracking activity status.type: M, P, I, O, D, X, RS.

Times: a tracking activity carries the local ``date``/``time`` of the scan and its
``gmtDate``/``gmtTime``/``gmtOffset``; a Track Alert push carries ``localActivityDate``/
``localActivityTime`` and ``gmtActivityDate``/``gmtActivityTime``. Events are compared in UTC,
so the GMT fields win: a scan at 10:15 in Madrid (09:15 UTC) is earlier than one at 09:45 in
Lisbon (09:45 UTC).
"""

import base64
import time
from datetime import datetime

from odoo.addons.integration_hub.lib.errors import PermanentError

from . import shipment_states as S
from .shipment import utc_from_parts
from .transport import AuthError, CarrierRejected

NAME = "UPS"
BASE_URL = {"test": "https://wwwcie.ups.com", "production": "https://onlinetools.ups.com"}
TOKEN_PATH = "/security/v1/oauth/token"
DEFAULT_VERSION = "v2409"
PUBLIC_TRACKING_URL = "https://www.ups.com/track?loc=en_US&tracknum={tracking}"
MAX_PARCEL_KG = 70.0
# UPS prints ASCII; Name / AttentionName / AddressLine 35, City 30, up to 3 address lines (number on line 1).
LABEL = {"charset": "ascii", "name": 35, "company": 35, "street": 35, "number": None, "supplement": 35,
         "supplement_lines": 2, "city": 30, "state": 35}  # fmt: skip
SERVICES = {"11": "UPS Standard", "07": "UPS Worldwide Express", "65": "UPS Worldwide Saver", "08": "Expedited"}

# UPS tracking activity status.type -> hub tracking status. Unknown types are never guessed.
STATUS_TABLE = {
    "M": S.LABEL_CREATED,  # manifest / billing information received
    "MV": S.LABEL_CREATED,  # billing information voided
    "P": S.PICKED_UP,
    "I": S.IN_TRANSIT,
    "O": S.IN_TRANSIT,  # out for delivery
    "D": S.DELIVERED,
    "X": S.DELIVERY_FAILED,  # exception (failed attempt, address problem, damage)
    "RS": S.RETURNED_TO_SENDER,
}


def token_request(client_id, client_secret):
    """(data, headers, auth) for the token endpoint."""
    return (
        {"grant_type": "client_credentials"},
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        (client_id, client_secret),
    )


def parse_token(response, now=None):
    """(access token, expiry epoch). A refused client id/secret is an AuthError."""
    if response.status_code in (400, 401, 403):
        raise AuthError(f"{NAME}: OAuth client credentials refused (HTTP {response.status_code}): {_errors(response)}")
    if response.status_code >= 300:
        raise PermanentError(f"{NAME}: token endpoint answered HTTP {response.status_code}")
    document = response.json()
    now = time.time() if now is None else now
    # renew a minute early so no call goes out with a token about to expire
    return document["access_token"], now + int(document.get("expires_in") or 0) - 60


def _errors(response):
    try:
        document = response.json()
    except ValueError:
        return (response.text or "")[:300]
    errors = (document.get("response") or {}).get("errors") or document.get("errors") or []
    return "; ".join(f"{error.get('code')}: {error.get('message')}" for error in errors) or (response.text or "")[:300]


def _party(address, shipper_number=None):
    street, number, supplement = address.parts()
    lines = [" ".join(part for part in (street, number) if part), *supplement][:3]
    party = {
        "Name": (address.company or address.name)[:35],
        "AttentionName": address.name[:35],
        "Phone": {"Number": address.phone},
        "Address": {
            "AddressLine": lines,
            "City": address.city,
            "StateProvinceCode": address.state_code,
            "PostalCode": address.zip,
            "CountryCode": address.country_code,
        },
    }
    if address.email:
        party["EMailAddress"] = address.email
    if shipper_number:
        party["ShipperNumber"] = shipper_number
    if not address.state_code:
        del party["Address"]["StateProvinceCode"]
    return party


def _packages(shipment, key="Packaging"):
    packages = []
    for parcel in shipment.parcels:
        package = {
            key: {"Code": "02", "Description": "Customer supplied package"},
            "PackageWeight": {"UnitOfMeasurement": {"Code": "KGS"}, "Weight": f"{parcel.weight_kg:.2f}"},
        }
        if parcel.has_dimensions:
            package["Dimensions"] = {
                "UnitOfMeasurement": {"Code": "CM"},
                "Length": f"{parcel.length_cm:.0f}",
                "Width": f"{parcel.width_cm:.0f}",
                "Height": f"{parcel.height_cm:.0f}",
            }
        packages.append(package)
    return packages


def build_ship_request(shipment):
    return {
        "ShipmentRequest": {
            "Request": {
                "RequestOption": "nonvalidate",
                "TransactionReference": {"CustomerContext": shipment.reference},
            },
            "Shipment": {
                "Description": (shipment.description or shipment.reference)[:50],
                "Shipper": _party(shipment.shipper, shipment.account_number),
                "ShipFrom": _party(shipment.shipper),
                "ShipTo": _party(shipment.recipient),
                "PaymentInformation": {
                    "ShipmentCharge": {"Type": "01", "BillShipper": {"AccountNumber": shipment.account_number}}
                },
                "Service": {"Code": shipment.service_code, "Description": SERVICES.get(shipment.service_code, "")},
                "ReferenceNumber": {"Value": shipment.reference[:35]},
                "Package": _packages(shipment),
            },
            "LabelSpecification": {
                "LabelImageFormat": {"Code": "GIF"},
                "LabelStockSize": {"Height": "6", "Width": "4"},
            },
        }
    }


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _raise_for(response, action):
    if response.status_code in (401, 403):
        raise AuthError(f"{NAME}: access token refused (HTTP {response.status_code}): {_errors(response)}")
    if response.status_code >= 400:
        messages = [_errors(response)]
        raise CarrierRejected(f"{NAME} refused the {action}: {messages[0]}", messages)


def parse_ship_response(response):
    """(shipment id, [(tracking number, label bytes)], price or None)."""
    _raise_for(response, "shipment")
    results = response.json()["ShipmentResponse"]["ShipmentResults"]
    labels = [
        (package["TrackingNumber"], base64.b64decode(package["ShippingLabel"]["GraphicImage"]))
        for package in _as_list(results.get("PackageResults"))
    ]
    if not labels:
        raise PermanentError(f"{NAME}: the answer holds no package result")
    charges = (results.get("ShipmentCharges") or {}).get("TotalCharges") or {}
    price = float(charges["MonetaryValue"]) if charges.get("MonetaryValue") else None
    return results.get("ShipmentIdentificationNumber") or labels[0][0], labels, price


def parse_void_response(response):
    _raise_for(response, "void")
    status = response.json().get("VoidShipmentResponse", {}).get("SummaryResult", {}).get("Status", {})
    if status and status.get("Code") not in ("1", 1):
        raise CarrierRejected(f"{NAME} did not void the shipment: {status.get('Description')}")
    return True


def build_rate_request(shipment):
    body = build_ship_request(shipment)["ShipmentRequest"]["Shipment"]
    return {
        "RateRequest": {
            "Request": {"TransactionReference": {"CustomerContext": shipment.reference}},
            "Shipment": {
                "Shipper": body["Shipper"],
                "ShipFrom": body["ShipFrom"],
                "ShipTo": body["ShipTo"],
                "Service": body["Service"],
                "Package": _packages(shipment, key="PackagingType"),
            },
        }
    }


def parse_rate_response(response):
    _raise_for(response, "rate request")
    rated = _as_list(response.json()["RateResponse"]["RatedShipment"])[0]
    charges = rated["TotalCharges"]
    return float(charges["MonetaryValue"]), charges.get("CurrencyCode")


def parse_tracking(document):
    """[{tracking, code, status (hub status or None when unknown), at, description}] oldest first."""
    events = []
    for shipment in (document.get("trackResponse") or {}).get("shipment") or []:
        for package in shipment.get("package") or []:
            tracking = package.get("trackingNumber")
            for activity in package.get("activity") or []:
                status = activity.get("status") or {}
                code = (status.get("type") or "").strip()
                date, hour = activity.get("date") or "", activity.get("time") or "000000"
                at = activity_utc(activity)
                events.append(
                    {
                        "tracking": tracking,
                        "code": code,
                        "status": STATUS_TABLE.get(code),
                        "at": at,
                        "description": status.get("description") or "",
                        "carrier_event_id": f"{tracking}:{code}:{date}{hour}",
                    }
                )
    return sorted(events, key=lambda e: e["at"] or datetime.min)


def activity_utc(activity):
    """A tracking activity's moment in UTC: gmtDate/gmtTime, else the local date/time with gmtOffset.

    None when neither says where the scan was (a local time alone is never taken as UTC).
    """
    at = utc_from_parts(activity.get("gmtDate"), activity.get("gmtTime"))
    if at is None and activity.get("gmtOffset"):
        at = utc_from_parts(activity.get("date"), activity.get("time"), offset=activity["gmtOffset"])
    return at


def parse_push(document):
    """A UPS Track Alert push (one activity per message) as hub events, timed by its GMT fields."""
    status = document.get("activityStatus") or {}
    code = (status.get("type") or "").strip()
    date, hour = document.get("localActivityDate") or "", document.get("localActivityTime") or "000000"
    at = utc_from_parts(document.get("gmtActivityDate"), document.get("gmtActivityTime"))
    return [
        {
            "tracking": document["trackingNumber"],
            "code": code,
            "status": STATUS_TABLE.get(code),
            "at": at,
            "description": status.get("description") or "",
            "carrier_event_id": f"{document['trackingNumber']}:{code}:{date}{hour}",
        }
    ]

"""Scrubbed payloads in the shapes the carriers document (no credentials)."""

import base64
from datetime import datetime, timedelta

from odoo.addons.integration_hub_carriers.lib.shipment import Address, Parcel, Shipment

PDF = b"%PDF-1.4 label"
PDF_B64 = base64.b64encode(PDF).decode()


def spanish_shipment(**overrides):
    values = {
        "reference": "WH/OUT/00012",
        "shipper": Address(
            name="3PL Spain Valencia",
            company="3PL Spain",
            street="Carrer de la Logística 5",
            zip="46024",
            city="Valencia",
            state="Valencia",
            country_code="ES",
            phone="+34960000000",
            email="dock@3pl.example",
        ),
        "recipient": Address(
            name="Lucía Pérez",
            street="Calle de Colón 12",
            zip="46004",
            city="Valencia",
            state="Valencia",
            country_code="ES",
            phone="+34612345678",
            email="lucia@example.com",
        ),
        "parcels": [Parcel(weight_kg=1.25, length_cm=30, width_cm=20, height_cm=10)],
        "service_code": "V01PAK",
        "account_number": "33333333330102",
    }
    values.update(overrides)
    return Shipment(**values)


DHL_ORDER_OK = {
    "status": {
        "title": "OK",
        "statusCode": 200,
        "instance": "string",
        "detail": "The Webservice call ran successfully.",
    },
    "items": [
        {
            "shipmentNo": "340434310428091700",
            "sstatus": {"title": "OK", "statusCode": 200},
            "shipmentRefNo": "WH/OUT/00012",
            "label": {"b64": PDF_B64, "fileFormat": "PDF", "printFormat": "910-300-700"},
            "validationMessages": [],
        }
    ],
}
DHL_ORDER_400 = {
    "status": {"title": "Bad Request", "statusCode": 400, "detail": "1 of 1 shipments had errors."},
    "items": [
        {
            "sstatus": {"title": "Bad Request", "statusCode": 400},
            "validationMessages": [
                {
                    "property": "shipments[0].consignee.postalCode",
                    "validationMessage": "Die Postleitzahl ist ungültig.",
                    "validationState": "Error",
                }
            ],
        }
    ],
}
DHL_TRACKING = {
    "shipments": [
        {
            "id": "340434310428091700",
            "service": "parcel-de",
            "status": {"timestamp": "2026-11-21T09:10:00+01:00", "statusCode": "delivered", "status": "DELIVERED"},
            "events": [
                {"timestamp": "2026-11-21T09:10:00+01:00", "statusCode": "delivered", "description": "Delivered"},
                {"timestamp": "2026-11-20T18:00:00+01:00", "statusCode": "transit", "description": "Picked up"},
                {"timestamp": "2026-11-20T12:00:00+01:00", "statusCode": "pre-transit", "description": "Announced"},
                {"timestamp": "2026-11-20T19:00:00+01:00", "statusCode": "gibberish", "description": "??"},
            ],
        }
    ]
}

UPS_TOKEN = {
    "token_type": "Bearer",
    "issued_at": "1732700000000",
    "client_id": "client-id-x",
    "access_token": "eyJ-first-token",
    "expires_in": "14399",
    "status": "approved",
}
UPS_SHIP_OK = {
    "ShipmentResponse": {
        "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
        "ShipmentResults": {
            "ShipmentCharges": {"TotalCharges": {"CurrencyCode": "EUR", "MonetaryValue": "12.40"}},
            "ShipmentIdentificationNumber": "1Z12345E0205271688",
            "PackageResults": {
                "TrackingNumber": "1Z12345E0205271688",
                "ShippingLabel": {"ImageFormat": {"Code": "GIF"}, "GraphicImage": PDF_B64},
            },
        },
    }
}
UPS_ERROR_400 = {"response": {"errors": [{"code": "120100", "message": "Missing or invalid shipper number"}]}}
UPS_ERROR_401 = {"response": {"errors": [{"code": "250002", "message": "Invalid Authentication Information."}]}}


def _ups_activity(kind, description, code, date, time, offset="+01:00"):
    """An activity as the Track API returns it: local date/time plus the GMT moment and offset."""
    local = datetime.strptime(date + time, "%Y%m%d%H%M%S")
    sign = -1 if offset.startswith("-") else 1
    gmt = local - sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return {
        "status": {"type": kind, "description": description, "code": code},
        "date": date,
        "time": time,
        "gmtDate": gmt.strftime("%Y%m%d"),
        "gmtTime": gmt.strftime("%H%M%S").lstrip("0") or "0",  # UPS drops the leading zero ('74700')
        "gmtOffset": offset,
    }


UPS_TRACKING = {
    "trackResponse": {
        "shipment": [
            {
                "package": [
                    {
                        "trackingNumber": "1Z12345E0205271688",
                        "activity": [
                            _ups_activity("D", "DELIVERED", "FS", "20261122", "101500"),
                            _ups_activity("I", "Departed from Facility", "DP", "20261121", "060000"),
                            _ups_activity("M", "Shipper created a label", "MP", "20261120", "120000"),
                            _ups_activity("ZZ", "Mystery", "??", "20261121", "070000"),
                        ],
                    }
                ]
            }
        ]
    }
}
UPS_VOID_OK = {
    "VoidShipmentResponse": {
        "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
        "SummaryResult": {"Status": {"Code": "1", "Description": "Voided"}},
    }
}

DPD_LOGIN_OK = b"""<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns2:getAuthResponse xmlns:ns2="http://dpd.com/common/service/types/LoginService/2.0"><return>
<delisId>sandboxdpd</delisId><customerUid>sandboxdpd</customerUid><authToken>dpd-token-123</authToken>
<depot>0163</depot><authTokenExpires>2026-11-28T03:00:00.0</authTokenExpires></return></ns2:getAuthResponse>
</soap:Body></soap:Envelope>"""
DPD_STORE_OK = (
    """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns2:storeOrdersResponse xmlns:ns2="http://dpd.com/common/service/types/ShipmentService/4.4"><orderResult>
<parcellabelsPDF>PDF_B64</parcellabelsPDF><shipmentResponses><identificationNumber>WH/OUT/00012</identificationNumber>
<mpsId>MPS0163012345678920261127</mpsId><parcelInformation><parcelLabelNumber>01635012345678</parcelLabelNumber>
</parcelInformation></shipmentResponses></orderResult></ns2:storeOrdersResponse></soap:Body></soap:Envelope>""".replace(
        "PDF_B64", PDF_B64
    )
).encode()
DPD_STORE_FAULT = b"""<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns2:storeOrdersResponse xmlns:ns2="http://dpd.com/common/service/types/ShipmentService/4.4"><orderResult>
<shipmentResponses><identificationNumber>WH/OUT/00012</identificationNumber><faults><faultCode>COMMON_7</faultCode>
<message>Zip code invalid for country ES</message></faults></shipmentResponses></orderResult>
</ns2:storeOrdersResponse></soap:Body></soap:Envelope>"""
DPD_TRACKING = b"""<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns2:getTrackingDataResponse xmlns:ns2="http://dpd.com/common/service/types/ParcelLifeCycleService/2.0">
<trackingresult>
<statusInfo><status>ACCEPTED</status><label><content>Parcel handed to DPD</content></label>
<statusHasBeenReached>true</statusHasBeenReached><isCurrentStatus>false</isCurrentStatus>
<date><content>2026-11-20T18:00:00</content></date></statusInfo>
<statusInfo><status>ON_THE_ROAD</status><label><content>On the road</content></label>
<statusHasBeenReached>true</statusHasBeenReached><isCurrentStatus>true</isCurrentStatus>
<date><content>2026-11-21T06:00:00</content></date></statusInfo>
<statusInfo><status>DELIVERED</status><label><content>Delivered</content></label>
<statusHasBeenReached>false</statusHasBeenReached><isCurrentStatus>false</isCurrentStatus></statusInfo>
</trackingresult></ns2:getTrackingDataResponse></soap:Body></soap:Envelope>"""

CORREOS_OK = (
    """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<RespuestaPreregistroEnvio xmlns="http://www.correos.es/iris6/services/preregistroetiquetas">
<FechaRespuesta>27-11-2026 10:00:00</FechaRespuesta><Resultado>0</Resultado>
<CodExpedicion>5400012345678</CodExpedicion><Bulto><NumBulto>1</NumBulto><CodEnvio>PQ4AAA0712345670146004Z</CodEnvio>
<Etiqueta><Etiqueta_pdf><Fichero>PDF_B64</Fichero></Etiqueta_pdf></Etiqueta></Bulto>
</RespuestaPreregistroEnvio></soapenv:Body></soapenv:Envelope>""".replace("PDF_B64", PDF_B64)
).encode()
CORREOS_ERROR = b"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<RespuestaPreregistroEnvio xmlns="http://www.correos.es/iris6/services/preregistroetiquetas">
<Resultado>1</Resultado><BultoError><Error>31</Error><DescError>Codigo postal del destinatario erroneo</DescError>
</BultoError></RespuestaPreregistroEnvio></soapenv:Body></soapenv:Envelope>"""
CORREOS_CANCEL_OK = b"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<RespuestaAnular xmlns="http://www.correos.es/iris6/services/preregistroetiquetas"><Resultado>0</Resultado>
</RespuestaAnular></soapenv:Body></soapenv:Envelope>"""
CORREOS_TRACKING = [
    {
        "codEnvio": "PQ4AAA0712345670146004Z",
        "eventos": [
            {
                "codEvento": "A010000V",
                "fecEvento": "20/11/2026",
                "horEvento": "18:00:00",
                "desTextoResumen": "Admitido",
            },
            {
                "codEvento": "I010000V",
                "fecEvento": "21/11/2026",
                "horEvento": "11:00:00",
                "desTextoResumen": "Entregado",
            },
        ],
    }
]


def ups_push(code, kind, local_date, local_time, gmt_date, gmt_time, tracking="1Z12345E0205271688"):
    """A UPS Track Alert push message (UPSTrackAlert webhook TrackingEvent), scrubbed."""
    return {
        "trackingNumber": tracking,
        "localActivityDate": local_date,
        "localActivityTime": local_time,
        "gmtActivityDate": gmt_date,
        "gmtActivityTime": gmt_time,
        "activityLocation": {"city": "", "stateProvince": "", "postalCode": "", "country": ""},
        "activityStatus": {"type": kind, "code": code, "description": code, "descriptionCode": ""},
        "scheduledDeliveryDate": "",
        "actualDeliveryDate": "",
        "actualDeliveryTime": "",
        "deliveryStartTime": "",
        "deliveryEndTime": "",
        "deliveryTimeDescription": "",
    }

"""Correos Preregistro (SOAP): PreregistroEnvio for labels, AnularOp for cancellations.

Fields as Correos publishes them (namespace
http://www.correos.es/iris6/services/preregistroetiquetas): CodEtiquetador,
Remitente / Destinatario (Identificacion, DatosDireccion with Direccion,
Localidad, Provincia; CP of 5 digits in Spain; Telefonocontacto; Email),
Envio with CodProducto (e.g. S0132 Paq Premium), ReferenciaCliente,
TipoFranqueo, ModalidadEntrega and Pesos.Peso {TipoPeso R, Valor in grams}.
The answer RespuestaPreregistroEnvio: Resultado 0 = success,
Bulto.CodEnvio (the tracking number), Bulto.Etiqueta.Etiqueta_pdf.Fichero.
"""

import base64
from datetime import datetime

from odoo.addons.integration_hub.lib.errors import PermanentError

from . import shipment_states as S
from . import soap
from .shipment import utc_naive
from .transport import AuthError, CarrierRejected

NAME = "Correos"
URL = {
    "test": "https://preregistroenviospre.correos.es/preregistroenvios",
    "production": "https://preregistroenvios.correos.es/preregistroenvios",
}
TRACKING_URL = "https://localizador.correos.es/canonico/eventos_envio_servicio_auth/{tracking}?indUltEvento=N"
NS = "http://www.correos.es/iris6/services/preregistroetiquetas"
PUBLIC_TRACKING_URL = "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number={tracking}"
MAX_PARCEL_KG = 30.0
# Correos' tracking gives peninsular Spanish time (fecEvento / horEvento) without an offset.
TIME_ZONE = "Europe/Madrid"
# Preregistro lengths: Nombre / Empresa 50, Direccion 100, Numero 5, Localidad 100, Provincia 40.
LABEL = {"charset": "latin", "name": 50, "company": 50, "street": 100, "number": 5, "supplement_lines": 0,
         "city": 100, "state": 40}  # fmt: skip
PRODUCTS = {"S0132": "Paq Premium", "S0133": "Paq Estándar", "S0235": "Paq Ligero"}

# Correos tracking event codes (codEvento) -> hub tracking status. Unknown codes are never guessed.
STATUS_TABLE = {
    "P010000V": S.LABEL_CREATED,  # pre-registered
    "A010000V": S.PICKED_UP,  # admitted
    "C050000V": S.IN_TRANSIT,  # in transit
    "D050000V": S.IN_TRANSIT,  # out for delivery
    "I010000V": S.DELIVERED,  # delivered
    "H010000V": S.DELIVERY_FAILED,  # failed delivery attempt
    "F010000V": S.RETURNED_TO_SENDER,  # returned to sender
}


def _party(address):
    street, number, supplement = address.parts()
    street = ", ".join([street, *supplement])  # floor and door follow the street in Direccion
    return [
        (
            "Identificacion",
            [
                ("Nombre", address.name[:50]),
                ("Empresa", address.company[:50] if address.company else None),
                ("Nif", address.vat or None),
            ],
        ),
        (
            "DatosDireccion",
            [
                ("Direccion", street[:100]),
                ("Numero", number or None),
                ("Localidad", address.city[:100]),
                ("Provincia", address.state[:40] if address.state else None),
            ],
        ),
        ("CP", address.zip if address.country_code == "ES" else None),
        ("ZIP", address.zip if address.country_code != "ES" else None),
        ("Pais", address.country_code),
        ("Telefonocontacto", address.phone),
        ("Email", address.email or None),
    ]


def build_preregistro(shipment, labeller_code):
    """The PreregistroEnvio request (one parcel; Correos pre-registers each parcel)."""
    parcel = shipment.parcels[0]
    envio = [
        ("CodProducto", shipment.service_code),
        ("ReferenciaCliente", shipment.reference[:30]),
        ("TipoFranqueo", "FP"),
        ("ModalidadEntrega", "ST"),
        ("Pesos", [("Peso", [("TipoPeso", "R"), ("Valor", parcel.weight_grams)])]),
    ]
    if parcel.has_dimensions:
        envio += [
            ("Largo", int(round(parcel.length_cm))),
            ("Alto", int(round(parcel.height_cm))),
            ("Ancho", int(round(parcel.width_cm))),
        ]
    body = [
        (
            "PreregistroEnvio",
            [
                ("CodEtiquetador", labeller_code),
                ("ModDevEtiqueta", "2"),  # the label comes back in the answer, as a PDF
                ("Remitente", _party(shipment.shipper)),
                ("Destinatario", _party(shipment.recipient)),
                ("Envio", envio),
            ],
        )
    ]
    return soap.envelope(body, NS, nsmap={None: NS}, qualify_all=True)


def _result(root, action):
    error = soap.fault(root)
    if error:
        if "autentic" in error.lower() or "unauthori" in error.lower():
            raise AuthError(f"{NAME}: {error}")
        raise CarrierRejected(f"{NAME} refused the {action}: {error}", [error])
    code = soap.text(root, "Resultado")
    if code != "0":
        messages = [
            f"{soap.text(node, 'Error') or code}: {soap.text(node, 'DescError')}"
            for node in soap.all_local(root, "BultoError")
        ] or [f"{code}: {soap.text(root, 'DescError') or 'error'}"]
        raise CarrierRejected(f"{NAME} refused the {action}: " + "; ".join(messages), messages)


def _root(response, action):
    if response.status_code in (401, 403):
        raise AuthError(f"{NAME}: credentials refused (HTTP {response.status_code})")
    try:
        return soap.parse(response.content)
    except ValueError:
        raise PermanentError(f"{NAME}: {action} answered HTTP {response.status_code} without XML") from None


def parse_preregistro(response):
    """(CodEnvio, label PDF bytes)."""
    root = _root(response, "shipment")
    _result(root, "shipment")
    number = soap.text(root, "Bulto/CodEnvio")
    pdf = soap.text(root, "Bulto/Etiqueta/Etiqueta_pdf/Fichero")
    if not number or not pdf:
        raise PermanentError(f"{NAME}: the answer holds no CodEnvio or label")
    return number, base64.b64decode(pdf)


def build_cancel(shipment_code, labeller_code):
    return soap.envelope(
        [("AnularOp", [("codCertificado", shipment_code), ("CodEtiquetador", labeller_code)])],
        NS,
        nsmap={None: NS},
        qualify_all=True,
    )


def parse_cancel(response):
    _result(_root(response, "cancellation"), "cancellation")
    return True


def parse_tracking(document):
    """Correos tracking JSON ([{codEnvio, eventos: [{codEvento, fecEvento, horEvento, desTextoResumen}]}])."""
    events = []
    for shipment in document if isinstance(document, list) else [document]:
        tracking = shipment.get("codEnvio")
        for event in shipment.get("eventos") or []:
            code = (event.get("codEvento") or "").strip()
            day, hour = event.get("fecEvento") or "", event.get("horEvento") or "00:00:00"
            at = None
            if day:
                dd, mm, yyyy = day.split("/")
                at = utc_naive(f"{yyyy}-{mm}-{dd}T{hour}", zone=TIME_ZONE)
            events.append(
                {
                    "tracking": tracking,
                    "code": code,
                    "status": STATUS_TABLE.get(code),
                    "at": at,
                    "description": event.get("desTextoResumen") or "",
                    "carrier_event_id": f"{tracking}:{code}:{day} {hour}",
                }
            )
    return sorted(events, key=lambda e: e["at"] or datetime.min)

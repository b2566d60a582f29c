"""A client's own Odoo as its ERP (../shared/platforms/odoo_erp.md): the client and the mapping, plain Python.

Two transports, one ``call(model, method, ids=None, context=None, **params)``:

- **JSON-2** (Odoo 19+): ``POST /json/2/<model>/<method>`` with ``Authorization: bearer <API key>`` and, when the
  host serves several databases, ``X-Odoo-Database``; the body holds the named parameters, ``ids`` and
  ``context``. 200 answers the method's return value; 4xx / 5xx answer ``{name, message, arguments, context,
  debug}`` (401 ``Invalid apikey``). Each call is its own transaction.
- **JSON-RPC** (every version up to 18; deprecated in 19 and announced for removal): ``POST /jsonrpc`` with
  ``{"jsonrpc": "2.0", "method": "call", "params": {"service": "object", "method": "execute_kw", "args": [db,
  uid, API key, model, method, args, kwargs]}}``; the uid comes from ``common.authenticate(db, login, key, {})``.
  Errors come back as HTTP 200 with ``{"error": {"code", "message", "data": {"name", "message", "arguments",
  "debug"}}}``: ``odoo.exceptions.AccessDenied`` is a refused key.

Errors raised (lib/errors.py): ``AuthError`` for a refused key (401, AccessDenied: the hub parks the channel),
``RetryableError`` for timeouts, 429, 5xx and PostgreSQL serialization failures, ``PermanentError`` for the
rest (``AccessError`` names the right the bot user lacks, ``ValidationError`` / ``UserError`` the client's
words). Many2one values read with ``load: None`` over JSON-2 are plain ids; over RPC they are ``[id, name]``:
``many2one_id`` takes both. Empty values are ``false``.
"""

import re

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient, redact

JSON2, JSONRPC = "json2", "jsonrpc"
PAGE_SIZE = 100  # no server cap; the fact sheet advises pages of at most 200
# exception class names (JSON-2 ``name`` / JSON-RPC ``data.name``) that are worth trying again
RETRYABLE_ERRORS = ("SerializationFailure", "TransactionRollbackError", "ConcurrencyError", "LockNotAvailable")
REFUSED_KEY = ("odoo.exceptions.AccessDenied", "werkzeug.exceptions.Unauthorized")
ODOO_TIME = "%Y-%m-%d %H:%M:%S"  # write_date: UTC, second precision


class OdooErpClient(HttpClient):
    """The client's Odoo over JSON-2 or JSON-RPC (``protocol``); see the module docstring."""

    name = "Client's Odoo"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def __init__(self, url, database, api_key, protocol=JSON2, uid=None, login=None, **settings):
        super().__init__(url, [api_key], **settings)
        self.database, self.api_key, self.protocol = database or "", api_key, protocol
        self.uid, self.login = uid, login
        self.rpc_id = 0

    def authorize(self, call):
        if call.pop("json2", False):
            call["headers"]["Authorization"] = f"bearer {self.api_key}"
            if self.database:
                call["headers"]["X-Odoo-Database"] = self.database
        call["headers"].setdefault("User-Agent", "integration-hub/18.0")

    # --- the two transports ---------------------------------------------------------
    def call(self, model, method, ids=None, context=None, **params):
        """The method's return value; typed errors as in the module docstring."""
        what = f"{model}.{method}"
        if self.protocol == JSON2:
            body = {**params}
            if ids is not None:
                body["ids"] = list(ids)
            if context:
                body["context"] = context
            response = self.request(
                "POST", f"json/2/{model}/{method}", what, json=body, json2=True, accept=(400, 403, 404, 409, 422)
            )
            if response.status_code == 404 and "json" not in response.headers.get("Content-Type", ""):
                raise PermanentError(
                    f"{self.name} {what}: no /json/2 endpoint (Odoo before 19?): set the channel's API to Detect "
                    "or JSON-RPC"
                )
            if response.status_code >= 400:
                raise self.fault(what, _json(response), response.status_code)
            return _json(response)
        if not self.uid:
            self.authenticate()
        args = [list(ids)] if ids is not None else []
        if method == "create":  # create takes its values positionally over RPC
            args.append(params.pop("vals_list"))
        kwargs = {**params, **({"context": context} if context else {})}
        rpc_args = [self.database, self.uid, self.api_key, model, method, args, kwargs]
        return self.rpc("object", "execute_kw", rpc_args, what)

    def rpc(self, service, method, args, what):
        self.rpc_id += 1
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": self.rpc_id,
        }
        answer = _json(self.request("POST", "jsonrpc", what, json=body))
        if not isinstance(answer, dict):
            raise PermanentError(f"{self.name} {what}: the answer is not a JSON-RPC response")
        if answer.get("error"):
            error = answer["error"]
            raise self.fault(what, {**(error.get("data") or {}), "message": _message(error)})
        return answer.get("result")

    def authenticate(self):
        """JSON-RPC: the bot user's uid for the login and API key (False: refused)."""
        uid = self.rpc("common", "authenticate", [self.database, self.login or "", self.api_key, {}], "authenticate")
        if not uid:
            raise AuthError(f"{self.name}: the login and API key were refused (authenticate answered no user)")
        self.uid = uid
        return uid

    def version(self):
        """``GET /web/version`` → {"version", "version_info"} (no credentials needed); None where absent."""
        response = self.request("GET", "web/version", "version", accept=(404,))
        return None if response.status_code == 404 else _json(response)

    def fault(self, what, error, status=None):
        """The hub's error for an Odoo error object (``name``, ``message``)."""
        name = str((error or {}).get("name") or "")
        message = redact(str((error or {}).get("message") or "")[:300], self.secrets)
        text = f"{self.name} {what}: {name.rsplit('.', 1)[-1] or 'error'}: {message}".rstrip(": ")
        if name in REFUSED_KEY or status == 401:
            return AuthError(f"{text} (the API key is refused: expired, revoked or mistyped)")
        if any(kind in name for kind in RETRYABLE_ERRORS):
            return RetryableError(text)
        if name.endswith("AccessError"):
            return PermanentError(f"{text} (the bot user lacks this right in the client's Odoo)")
        return PermanentError(text)

    # --- conveniences -------------------------------------------------------------------
    def search_read(self, model, domain, fields, limit=None, offset=0, order=None, context=None, optional=()):
        params = {"domain": domain, "offset": offset}
        if limit:
            params["limit"] = limit
        if order:
            params["order"] = order
        return self.without_missing(
            fields, optional, lambda names: self.call(model, "search_read", context=context, fields=names, **params)
        )

    def read(self, model, ids, fields, optional=()):
        if not ids:
            return []
        return self.without_missing(fields, optional, lambda names: self.call(model, "read", ids=ids, fields=names))

    def without_missing(self, fields, optional, read):
        """``read(fields)``; a field in ``optional`` the client's Odoo does not have (a module not installed,
        e.g. ``carrier_id`` without Delivery, or a field a version removed) is left out and read again.
        Odoo answers ``ValueError: Invalid field 'x' on model 'y'``."""
        names = list(fields)
        while True:
            try:
                return read(names) or []
            except PermanentError as error:
                missing = next((n for n in names if n in optional and f"Invalid field '{n}'" in str(error)), None)
                if missing is None:
                    raise
                names.remove(missing)


def protocol_of(version):
    """JSON-2 from Odoo 19 on (``version_info`` [major, ...] or ``"saas~18.4"`` style strings)."""
    info = (version or {}).get("version_info") or []
    major = info[0] if info and isinstance(info[0], int) else None
    if major is None:
        found = re.search(r"(\d+)", str((version or {}).get("server_version") or (version or {}).get("version") or ""))
        major = int(found.group(1)) if found else 0
    return JSON2 if major >= 19 else JSONRPC


def _json(response):
    try:
        return response.json()
    except ValueError:
        raise RetryableError(f"Client's Odoo: HTTP {response.status_code} without JSON (a proxy page?)") from None


def _message(error):
    data = error.get("data") or {}
    return data.get("message") or error.get("message") or ""


def many2one_id(value):
    """A many2one as read: ``[id, "name"]`` (RPC / JSON-2 default), a plain id (``load: None``) or False."""
    if isinstance(value, list | tuple):
        return value[0] if value else False
    return value or False


def many2one_name(value):
    return value[1] if isinstance(value, list | tuple) and len(value) > 1 else ""


def text(value):
    """Odoo's ``false`` for an empty value is the empty text."""
    return "" if value is False or value is None else str(value).strip()


def iso(odoo_time):
    """An Odoo UTC time (``YYYY-MM-DD HH:MM:SS``) as ISO 8601 with its offset."""
    return f"{odoo_time.replace(' ', 'T')}+00:00" if odoo_time else None


# --- the mapping ---------------------------------------------------------------------------
def order_document(order):
    """(hub type, document) of a sale order read with its lines, products and delivery address.

    ``order`` is the stored poll message: the ``sale.order`` fields, ``lines`` (``sale.order.line`` with
    ``sku`` from the product's ``default_code``), ``shipping`` (the ``res.partner`` of
    ``partner_shipping_id`` with ``country_code``). Confirmed (``sale``) is ready to ship; ``cancel`` cancels;
    sections and notes (``display_type``) are no lines; a service product's line needs no shipping (``ships``).
    """
    external_id = str(order["id"])
    if order.get("state") == "cancel":
        return "order.cancelled", {"id": external_id, "cancel_reason": "sale order cancelled in the client's Odoo"}
    shipping = order.get("shipping") or {}
    phone = text(shipping.get("phone")) or text(shipping.get("mobile"))
    document = {
        "id": external_id,
        "name": text(order.get("name")) or external_id,
        "placed_at": iso(order.get("date_order")),
        "updated_at": iso(order.get("write_date")),
        # confirmed in the client's Odoo: released to the warehouse (its payment rule is the client's business)
        "financial_status": "paid",
        "customer": {"name": text(shipping.get("name")), "email": text(shipping.get("email")), "phone": phone},
        "shipping_address": {
            "name": text(shipping.get("name")),
            "company": text(shipping.get("company_name")),
            "street": text(shipping.get("street")),
            "street2": text(shipping.get("street2")),
            "zip": text(shipping.get("zip")),
            "city": text(shipping.get("city")),
            "state": many2one_name(shipping.get("state_id")),
            "country_code": text(shipping.get("country_code")).upper(),
            "phone": phone,
        },
        "service_level": many2one_name(order.get("carrier_id")),
        "special_handling": "",
        "lines": [
            {
                "id": str(line["id"]),
                "sku": text(line.get("sku")),
                "variant_id": str(many2one_id(line.get("product_id")) or ""),
                "quantity": line.get("product_uom_qty"),
                "name": text(line.get("name")),
                **({"cancelled": True} if not line.get("product_uom_qty") else {}),
                **({"ships": False} if line.get("ships") is False else {}),
            }
            for line in order.get("lines") or []
            if not line.get("display_type")
        ],
    }
    if text(order.get("client_order_ref")):
        document["name"] = f"{document['name']} ({text(order['client_order_ref'])})"
    return "order.updated", document


def receipt_document(purchase):
    """``receipt.expected`` of a purchase order read with its lines (``sku`` / ``barcode`` of each product).

    Confirmed (``purchase`` / ``done``) is expected; ``cancel`` cancels it. The quantity expected is the ordered
    ``product_qty``: once the warehouse's receipt is validated there, ``qty_received`` moves but the receipt
    read again is the same one (a duplicate, never an edit after arrival).
    """
    document = {
        "reference": text(purchase.get("name")) or str(purchase["id"]),
        "supplier": {
            "id": str(many2one_id(purchase.get("partner_id")) or ""),
            "name": many2one_name(purchase.get("partner_id")),
        },
        "expected_date": iso(purchase.get("date_planned")),
        "lines": [],
    }
    if purchase.get("state") == "cancel":
        return "receipt.expected", {**document, "status": "cancelled"}
    for line in purchase.get("lines") or []:
        if line.get("display_type"):
            continue
        item = {"id": str(line["id"]), "quantity": line.get("product_qty") or 0}
        if text(line.get("sku")):
            item["sku"] = text(line["sku"])
        else:
            item["barcode"] = text(line.get("barcode"))
        document["lines"].append(item)
    return "receipt.expected", document


def product_document(product):
    """``product.upserted`` of a ``product.product`` (a simple product: its own SKU and barcode).

    Weight in kg as Odoo keeps it; packagings (``packaging_ids`` read as ``packagings``: name, qty) give the
    carton and pallet units when named so. The id is the client's product id: a new SKU keeps it.
    """
    document = {
        "id": str(product["id"]),
        "name": text(product.get("name")) or text(product.get("display_name")),
        "updated_at": iso(product.get("write_date")),
        "sku": text(product.get("default_code")),
        "barcode": text(product.get("barcode")),
        "weight_kg": product.get("weight") or 0.0,
    }
    pack = {}
    for packaging in product.get("packagings") or []:
        label = text(packaging.get("name")).lower()
        for level in ("inner", "carton", "pallet"):
            if level in label and packaging.get("qty"):
                pack[level] = packaging["qty"]
    if pack:
        document["pack"] = pack
    return "product.upserted", document

"""The product master as the catalog owner sends it (generic ``product.upserted``, catalog CSV rows).

``parse_product(data)`` gives a ``ProductMaster``. It raises PayloadError only when there is no product
to keep at all (no id, no name, a field of the wrong shape). Data a later step of the lifecycle needs
(variants, pack configuration, barcodes) is not a payload error: the product is kept and waits at that
step, and the checks below (``variant_problems``, ``pack_problems``, ``barcode_problems``) name what is
missing, in the words the guards of lib/catalog_states.py use.

Document shape (every key but ``id`` and ``name`` optional)::

    {"id": "P-100", "name": "T-shirt", "sku": "TSHIRT", "barcode": "",
     "attributes": [{"name": "Size", "values": ["S", "M"]}],
     "variants": [{"id": "P-100-S", "sku": "TSHIRT-S", "barcode": "8400000000024", "attributes": {"Size": "S"}}],
     "pack": {"inner": 6, "carton": 24, "pallet": 480},            # units per pack level
     "weight_kg": 0.25, "dimensions_cm": {"length": 30, "width": 20, "height": 2},
     "components": [{"sku": "MUG-001", "quantity": 1}],             # a kit (bundle)
     "updated_at": "2026-11-20T10:00:00+01:00"}

A product without attributes is its own single variant (``sku`` / ``barcode`` at the top). Variants are
identified by their ``id`` when sent, else by their attribute values: a new SKU or barcode for the same
variant is a code change (an equivalence), never a second product.
"""

import math
import re
from dataclasses import dataclass, replace

from .errors import PayloadError
from .order_payload import parse_timestamp

PACK_LEVELS = (("inner", "units per inner pack"), ("carton", "units per carton"), ("pallet", "units per pallet"))
REQUIRED_PACK_LEVELS = ("carton", "pallet")
DIMENSIONS = ("length", "width", "height")
# No pack holds more units; beyond it a number is a typo.
MAX_UNITS_PER_PACK = 1_000_000
# Odoo's own limit on the variants a product generates; beyond it the message is a typo or an attack.
MAX_VARIANTS = 1000
# Printable ASCII without spaces: an internal code (Code 128) when it is not a GTIN.
CODE_128 = re.compile(r"[\x21-\x7e]{1,48}")
GTIN_LENGTHS = (8, 12, 13, 14)


def _text(value):
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class Variant:
    external_id: str  # the owner's variant id ("" when not sent)
    sku: str
    barcode: str
    values: tuple  # ((attribute, value), ...)

    @property
    def key(self):
        """What identifies the variant across messages: its id, else its attribute values."""
        return self.external_id or combination_text(self.values) or "(product)"

    def label(self):
        return self.sku or self.external_id or combination_text(self.values) or "the product"


@dataclass(frozen=True)
class ProductMaster:
    external_id: str
    name: str
    sku: str
    barcode: str
    attributes: tuple  # ((name, (value, ...)), ...) as declared
    variants: tuple  # (Variant, ...); a product without attributes has one, itself
    variants_sent: bool  # the owner sent a "variants" list
    pack: tuple  # ((level, value as sent), ...) for PACK_LEVELS
    weight_kg: object
    dimensions_cm: tuple  # ((dimension, value as sent), ...) for DIMENSIONS
    components: tuple  # ((sku, quantity as sent), ...): a kit when not empty
    updated_at: object = None

    @property
    def is_kit(self):
        return bool(self.components)

    def pack_value(self, level):
        return dict(self.pack).get(level)

    def document(self):
        """The master in the document shape above (what the hub stores and compares)."""
        document = {
            "id": self.external_id,
            "name": self.name,
            "sku": self.sku,
            "barcode": self.barcode,
            "attributes": [{"name": name, "values": list(values)} for name, values in self.attributes],
            "pack": {level: value for level, value in self.pack if value is not None},
            "weight_kg": self.weight_kg,
            "dimensions_cm": {name: value for name, value in self.dimensions_cm if value is not None},
            "components": [{"sku": sku, "quantity": quantity} for sku, quantity in self.components],
        }
        if self.variants_sent:
            document["variants"] = [
                {"id": v.external_id, "sku": v.sku, "barcode": v.barcode, "attributes": dict(v.values)}
                for v in self.variants
            ]
        if self.updated_at:
            document["updated_at"] = self.updated_at.isoformat() + "+00:00"
        return document


def combination_text(values):
    """'Size=S, Colour=Blue' for ((Size, S), (Colour, Blue))."""
    return ", ".join(f"{name}={value}" for name, value in values)


def _attributes(raw, product_id):
    """[{"name", "values"}] or {"Size": ["S", "M"]} -> ((name, (values...)), ...)."""
    if raw in (None, "", [], {}):
        return ()
    if isinstance(raw, dict):
        raw = [{"name": name, "values": values} for name, values in raw.items()]
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise PayloadError(f"product {product_id}: 'attributes' must be a list of {{'name', 'values'}} objects")
    result = []
    for item in raw:
        name = _text(item.get("name"))
        values = item.get("values")
        if not name or not isinstance(values, list) or not values:
            raise PayloadError(f"product {product_id}: every attribute needs a 'name' and a non-empty 'values' list")
        result.append((name, tuple(dict.fromkeys(_text(value) for value in values if _text(value)))))
    return tuple(result)


def _variant_values(raw, declared_order, label):
    if raw in (None, "", {}, []):
        return ()
    if isinstance(raw, list) and all(isinstance(item, dict) for item in raw):
        raw = {_text(item.get("name")): item.get("value") for item in raw}
    if not isinstance(raw, dict):
        raise PayloadError(f"variant {label}: 'attributes' must be an object such as {{'Size': 'S'}}")
    values = {_text(name): _text(value) for name, value in raw.items() if _text(name)}
    order = {name: index for index, name in enumerate(declared_order)}
    return tuple(sorted(values.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def _object(data, key, product_id):
    value = data.get(key)
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"product {product_id}: '{key}' must be an object")
    return value


def parse_product(data):
    """The master of one product, or PayloadError when there is no product to keep (see the module doc)."""
    if not isinstance(data, dict):
        raise PayloadError("the product must be a JSON object")
    product_id = _text(data.get("id"))
    if not product_id:
        raise PayloadError("the product has no 'id' (the owner's stable product id: a code change keeps the same id)")
    name = _text(data.get("name"))
    if not name:
        raise PayloadError(f"product {product_id} has no 'name'")
    attributes = _attributes(data.get("attributes"), product_id)
    declared_order = [name for name, _values in attributes]
    sku, barcode = _text(data.get("sku")), _text(data.get("barcode"))
    raw_variants = data.get("variants")
    variants_sent = raw_variants is not None
    if variants_sent and not (
        isinstance(raw_variants, list) and all(isinstance(variant, dict) for variant in raw_variants)
    ):
        raise PayloadError(f"product {product_id}: 'variants' must be a list of variant objects")
    if variants_sent:
        variants = tuple(
            Variant(
                external_id=_text(raw.get("id")),
                sku=_text(raw.get("sku")),
                barcode=_text(raw.get("barcode")),
                values=_variant_values(raw.get("attributes"), declared_order, _text(raw.get("id")) or index + 1),
            )
            for index, raw in enumerate(raw_variants)
        )
    else:
        variants = (Variant(external_id="", sku=sku, barcode=barcode, values=()),)
    combinations = math.prod(len(values) for _name, values in attributes) if attributes else 1
    if max(combinations, len(variants)) > MAX_VARIANTS:
        raise PayloadError(
            f"product {product_id} has more than {MAX_VARIANTS:,} variants: split it into several products"
        )
    pack = _object(data, "pack", product_id)
    dimensions = _object(data, "dimensions_cm", product_id)
    raw_components = data.get("components") or []
    if not isinstance(raw_components, list) or not all(isinstance(item, dict) for item in raw_components):
        raise PayloadError(f"product {product_id}: 'components' must be a list of {{'sku', 'quantity'}} objects")
    components = tuple(
        (_text(item.get("sku")), item.get("quantity") if item.get("quantity") not in (None, "") else 1)
        for item in raw_components
    )
    return ProductMaster(
        external_id=product_id,
        name=name,
        sku=sku,
        barcode=barcode,
        attributes=attributes,
        variants=variants,
        variants_sent=variants_sent,
        pack=tuple((level, pack.get(level)) for level, _label in PACK_LEVELS),
        weight_kg=data.get("weight_kg"),
        dimensions_cm=tuple((name, dimensions.get(name)) for name in DIMENSIONS),
        components=components,
        updated_at=parse_timestamp(data.get("updated_at"), "updated_at"),
    )


# --- the guards' checks (plain data; what needs the database is checked by the model) -------------
def describe_attributes(attributes):
    """'Size: S, M; Colour: Blue'."""
    return "; ".join(f"{name}: {', '.join(values)}" for name, values in attributes)


def variant_problems(master):
    """Why the variants cannot be assigned yet ([] when they can): Product defined → Variants assigned."""
    declared = dict(master.attributes)
    if master.attributes and not (master.variants_sent and master.variants):
        return [f"no variants where attributes are declared ({describe_attributes(master.attributes)})"]
    if master.variants_sent and not master.attributes:
        if not master.variants:
            return ["an empty variants list: send the variants or leave the list out"]
        return ["variants are sent but no attributes are declared (e.g. Size: S, M): the variants differ by them"]
    problems = []
    seen_values, seen_skus = {}, {}
    for variant in master.variants:
        label = variant.label()
        values = dict(variant.values)
        for name, allowed in master.attributes:
            if not values.get(name):
                problems.append(f"variant {label} does not say its {name}")
            elif values[name] not in allowed:
                problems.append(
                    f"variant {label}: {name} '{values[name]}' is not a declared value ({', '.join(allowed)})"
                )
        problems += [f"variant {label}: attribute {name} is not declared" for name in values if name not in declared]
        if not variant.sku:
            problems.append(f"variant {label} has no SKU" if master.variants_sent else "the product has no SKU")
        if variant.values and variant.values in seen_values:
            problems.append(f"variants {seen_values[variant.values]} and {label} have the same attributes")
        seen_values.setdefault(variant.values, label)
        if variant.sku and variant.sku in seen_skus:
            problems.append(f"SKU {variant.sku} is sent for two variants ({seen_skus[variant.sku]}, {label})")
        seen_skus.setdefault(variant.sku, label)
    return problems


def _positive(value, label, whole=False):
    """(number, problem): a positive number (whole when asked), or the reason it is not one."""
    if isinstance(value, bool):
        return None, f"{label} '{value}' is not a number"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"{label} '{value}' is not a number"
    if not math.isfinite(number) or number <= 0 or (whole and not number.is_integer()):
        kind = "a positive whole number" if whole else "a positive number"
        return None, f"{label} {value} is not {kind}"
    if number > MAX_UNITS_PER_PACK:
        return None, f"{label} {value} is more than any pack holds ({MAX_UNITS_PER_PACK:,})"
    return number, None


def pack_configuration(master):
    """{"inner", "carton", "pallet", "weight_kg", "length", "width", "height"}: the numbers as floats (None when
    not sent or unreadable), the part of the master that locks once stock exists in it."""
    config = {}
    for level, _label in PACK_LEVELS:
        config[level] = _positive(master.pack_value(level), "")[0]
    config["weight_kg"] = _positive(master.weight_kg, "")[0]
    for name, value in master.dimensions_cm:
        config[name] = _positive(value, "")[0]
    return config


def pack_problems(master):
    """What the pack configuration lacks ([] when complete): Variants assigned → Pack configuration locked.

    Units per carton and per pallet and the unit weight are required; an inner pack and the dimensions
    are optional but must be right when sent. A kit is never received (its components are): it has none.
    """
    if master.is_kit:
        return []
    problems, units = [], {}
    for level, label in PACK_LEVELS:
        value = master.pack_value(level)
        if value in (None, ""):
            if level in REQUIRED_PACK_LEVELS:
                problems.append(label)
            continue
        units[level], problem = _positive(value, label, whole=True)
        if problem:
            problems.append(problem)
    if master.weight_kg in (None, ""):
        problems.append("unit weight (kg)")
    else:
        problems += filter(None, [_positive(master.weight_kg, "unit weight (kg)")[1]])
    sent = {name: value for name, value in master.dimensions_cm if value not in (None, "")}
    if sent and len(sent) < len(DIMENSIONS):
        missing = ", ".join(name for name in DIMENSIONS if name not in sent)
        problems.append(f"dimensions go together: length, width and height (missing {missing})")
    for name, value in sent.items():
        problems += filter(None, [_positive(value, f"{name} (cm)")[1]])
    for smaller, larger, packs in (("inner", "carton", "inner packs"), ("carton", "pallet", "cartons")):
        if units.get(smaller) and units.get(larger) and units[larger] % units[smaller]:
            problems.append(
                f"{dict(PACK_LEVELS)[larger]} {units[larger]:g} is not a whole number of {packs} of {units[smaller]:g}"
            )
    return problems


def valid_barcode(code):
    """A GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) with its check digit right, or a Code 128 text code."""
    if code.isdigit() and len(code) in GTIN_LENGTHS:
        from stdnum import ean  # python-stdnum, shipped with Odoo

        return ean.is_valid(code)
    if code.isdigit():
        return False  # digits of another length: a GTIN with digits lost or added
    return bool(CODE_128.fullmatch(code))


def barcode_problems(master):
    """What the barcodes lack ([] when every variant has a valid one of its own): → Barcode assigned."""
    problems, seen = [], {}
    for variant in master.variants:
        label = variant.label()
        if not variant.barcode:
            problems.append(f"no barcode on {label}")
            continue
        if not valid_barcode(variant.barcode):
            problems.append(f"barcode {variant.barcode} of {label} is not a valid EAN/UPC/GTIN (check digit or length)")
        if variant.barcode in seen:
            problems.append(f"barcode {variant.barcode} is sent for two variants ({seen[variant.barcode]}, {label})")
        seen.setdefault(variant.barcode, label)
    return problems


def component_problems(master):
    """A kit's components as sent: each with an SKU and a positive quantity, each once."""
    problems, seen = [], set()
    for sku, quantity in master.components:
        if not sku:
            problems.append("a kit component has no SKU")
            continue
        problems += filter(None, [_positive(quantity, f"kit component {sku}: quantity")[1]])
        if sku in seen:
            problems.append(f"kit component {sku} is listed twice")
        seen.add(sku)
    return problems


# --- comparing two versions of a master ------------------------------------------------------
def code_changes(old, new):
    """[(variant, code type "sku" | "barcode", old code, new code)] for the variants of ``new`` that the
    owner sent before (same id, else same attribute values) with another SKU or barcode."""
    before = {variant.key: variant for variant in old.variants}
    changes = []
    for variant in new.variants:
        previous = before.get(variant.key)
        if not previous:
            continue
        for kind in ("sku", "barcode"):
            was, now = getattr(previous, kind), getattr(variant, kind)
            if was and now and was != now:
                changes.append((variant, kind, was, now))
    return changes


def describe_pack(config):
    """'inner 6, carton 24, pallet 480 units; 0.35 kg; 30 × 20 × 5 cm' (what is set)."""
    units = ", ".join(f"{level} {config[level]:g}" for level, _label in PACK_LEVELS if config.get(level))
    parts = [f"{units} units" if units else "no pack levels"]
    if config.get("weight_kg"):
        parts.append(f"{config['weight_kg']:g} kg")
    if all(config.get(name) for name in DIMENSIONS):
        parts.append(" × ".join(f"{config[name]:g}" for name in DIMENSIONS) + " cm")
    return "; ".join(parts)


def pack_differences(old_config, new_config):
    """['units per carton: 24 → 30', ...] between two pack configurations."""
    labels = {**dict(PACK_LEVELS), "weight_kg": "unit weight (kg)", **{name: f"{name} (cm)" for name in DIMENSIONS}}

    def shown(value):
        return f"{value:g}" if value is not None else "not set"

    return [
        f"{labels[key]}: {shown(old_config.get(key))} → {shown(new_config.get(key))}"
        for key in labels
        if old_config.get(key) != new_config.get(key)
    ]


def with_pack_configuration(new, kept):
    """``new`` with the pack configuration of ``kept`` (a locked configuration the channel may not change)."""
    return replace(new, pack=kept.pack, weight_kg=kept.weight_kg, dimensions_cm=kept.dimensions_cm)

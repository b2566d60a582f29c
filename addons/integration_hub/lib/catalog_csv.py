"""Catalog CSV rows (read by lib/csv_reader.py) -> product documents in the ``product.upserted`` shape.

One row per product, or one row per variant with the same ``product-id``::

    product-id;name;sku;barcode;variant-id;attributes;units-per-inner;units-per-carton;units-per-pallet;weight-kg
    P-100;T-shirt;TSHIRT-S;8400000000024;P-100-S;Size=S;6;24;480;0,25
    P-100;T-shirt;TSHIRT-M;8400000000031;P-100-M;Size=M;6;24;480;0,25
    P-200;Mug;MUG-001;8400000000017;;;;12;600;0,4

``attributes`` is ``Name=Value`` pairs separated by ``|`` or ``;`` (quote the cell when ``;`` is also the
file's separator). The product-level columns (name, pack levels, weight, dimensions) must say the same
on every row of a product: otherwise every row of it is rejected (never last-wins). Numbers are read the
Spanish way (``0,25``; ``1.200`` is 1200). Kits are sent through the API (``components``), not in files.
"""

from . import csv_reader

REQUIRED = ("product-id", "name", "sku")
OPTIONAL = (
    "barcode",
    "variant-id",
    "attributes",
    "units-per-inner",
    "units-per-carton",
    "units-per-pallet",
    "weight-kg",
    "length-cm",
    "width-cm",
    "height-cm",
)
PACK_COLUMNS = (("units-per-inner", "inner"), ("units-per-carton", "carton"), ("units-per-pallet", "pallet"))
DIMENSION_COLUMNS = (("length-cm", "length"), ("width-cm", "width"), ("height-cm", "height"))
PRODUCT_COLUMNS = ("name", *(column for column, _key in PACK_COLUMNS + DIMENSION_COLUMNS), "weight-kg")


def parse_attributes(text):
    """'Size=S | Colour=Blue' -> {"Size": "S", "Colour": "Blue"}; ValueError naming a pair without '='."""
    values = {}
    for pair in text.replace(";", "|").split("|"):
        if not pair.strip():
            continue
        name, separator, value = pair.partition("=")
        if not separator or not name.strip() or not value.strip():
            raise ValueError(f"attributes '{text}': write each as Name=Value (e.g. Size=S | Colour=Blue)")
        values[name.strip()] = value.strip()
    return values


def _number(row, column, whole=False):
    text = row.values.get(column, "")
    if not text:
        return None
    value = csv_reader.parse_number(text)
    if whole and not float(value).is_integer():
        raise ValueError(f"{column} '{text}' is not a whole number of units")
    return int(value) if whole else value


def _row_values(row):
    """(product-level values, variant values) of one row; ValueError with the reason for a bad cell."""
    values = row.values
    product = {
        "name": values["name"],
        "pack": {key: _number(row, column, whole=True) for column, key in PACK_COLUMNS},
        "weight_kg": _number(row, "weight-kg"),
        "dimensions_cm": {key: _number(row, column) for column, key in DIMENSION_COLUMNS},
    }
    variant = {
        "id": values.get("variant-id", ""),
        "sku": csv_reader.check_code(values["sku"], "sku"),
        "barcode": csv_reader.check_code(values.get("barcode", ""), "barcode"),
        "attributes": parse_attributes(values.get("attributes", "")),
    }
    if not variant["sku"]:
        raise ValueError("sku is empty")
    return product, variant


def _clean(values):
    return {key: value for key, value in values.items() if value is not None}


def documents_from_rows(rows):
    """([(first line, product document)], [(line, reason)]) from the rows of a catalog file."""
    rejected, groups = {}, {}
    for row in rows:
        product_id = row.values["product-id"]
        if not product_id:
            rejected[row.line] = "product-id is empty"
            continue
        try:
            product, variant = _row_values(row)
        except ValueError as error:
            rejected[row.line] = str(error)
            continue
        groups.setdefault(product_id, []).append((row, product, variant))
    documents = []
    for product_id, members in groups.items():
        first_row, product, _variant = members[0]
        if any(other != product for _row, other, _v in members[1:]):
            lines = ", ".join(str(row.line) for row, _p, _v in members)
            reason = f"conflict: lines {lines} give product {product_id} different names, pack levels or weights"
            rejected.update({row.line: reason for row, _p, _v in members})
            continue
        document = {
            "id": product_id,
            "name": product["name"],
            "pack": _clean(product["pack"]),
            "weight_kg": product["weight_kg"],
            "dimensions_cm": _clean(product["dimensions_cm"]),
        }
        variants = [variant for _row, _p, variant in members]
        if len(variants) == 1 and not variants[0]["attributes"] and not variants[0]["id"]:
            document.update(sku=variants[0]["sku"], barcode=variants[0]["barcode"])
        else:
            declared = {}
            for variant in variants:
                for name, value in variant["attributes"].items():
                    declared.setdefault(name, {})[value] = None
            document["attributes"] = [{"name": name, "values": list(values)} for name, values in declared.items()]
            document["variants"] = variants
        documents.append((first_row.line, document))
    return documents, sorted(rejected.items())

"""A street line as customers type it -> (street, house number, supplement), for the carriers' separate fields.

"C/ de Sant Miquel, nº 12, 3º 2ª" is street "C/ de Sant Miquel", number "12", supplement "3º 2ª" (floor
and door): the floor is never taken for the house number. Handled: a number marker (nº, n.º, núm., no.,
Nr.), a number after a comma when the street ends with none ("Via Roma, 12"; but "Calle Mayor 5, 2"
is number 5, floor 2), a trailing number ("Hauptstraße 12a", "Calle Mayor 5 3º 2ª", "Gran Vía 28 bis"),
a leading number ("12 rue de la Paix"), Spanish floor and door words (bajo, izq., dcha., pta., esc.,
piso...), Catalan ordinals ("Consell de Cent 333 2n 1a") and "s/n" (no number). What cannot be read keeps
the whole line as the street, with no number: never a guess taken from the floor.
"""

import re

NUMBER = r"\d{1,5}\s?[a-zA-Z]?(?:\s*[-/]\s*\d{1,5}[a-zA-Z]?)?"
PLAIN_NUMBER = re.compile(rf"^(?:{NUMBER}|s/n|S/N|sn|SN)$")
MARKER = re.compile(
    rf"(?:^|(?<=[\s,]))(?:n\.?\s?[º°o]\.?|núm\.?|num\.?|nr\.?|no\.|number|nummer)\s*({NUMBER}|s/n)(?![\wº°ª])",
    re.IGNORECASE,
)
ORDINAL = re.compile(r"[º°ª]")
# Catalan floor and door ordinals: "333 2n 1a" is number 333, floor 2n, door 1a
CATALAN_FLOOR = re.compile(r"^\d{1,2}(?:r|n|t|er)$", re.IGNORECASE)
CATALAN_DOOR = re.compile(r"^\d{1,2}a$", re.IGNORECASE)
# "28 bis": a suffix that belongs to the house number
NUMBER_SUFFIXES = {"bis", "ter", "quater"}
FLOOR_WORDS = {
    "bajo", "bajos", "bj", "entlo", "entlo.", "entresuelo", "ático", "atico", "principal", "pral", "pral.",
    "izq", "izq.", "izda", "izda.", "izquierda", "dcha", "dcha.", "dch", "derecha", "der", "der.",
    "centro", "ctro", "ctro.", "int", "int.", "interior", "ext", "ext.", "exterior",
}  # fmt: skip
# words that own the number after them: "pta 4" is door 4, never house number 4
FLOOR_KEYS = {
    "pta", "pta.", "puerta", "piso", "planta", "pl", "pl.", "esc", "esc.", "escalera", "bl", "bl.", "bloque",
    "portal", "port.", "local", "apt", "apt.", "apto", "apto.", "apartamento", "casa", "edif", "edif.", "edificio",
}  # fmt: skip


def _clean(text):
    return re.sub(r"\s+", " ", (text or "").strip(" ,;-")).strip()


def _floor_like(token):
    lowered = token.lower()
    return bool(ORDINAL.search(token)) or lowered in FLOOR_WORDS or lowered in FLOOR_KEYS or len(token) == 1


def _split_tokens(text):
    """(street, number, floor part) of one comma-free part, reading from its end."""
    tokens = text.split()
    index = len(tokens)
    while index > 1:
        token = tokens[index - 1]
        previous = tokens[index - 2]
        if PLAIN_NUMBER.match(token) and previous.lower() in FLOOR_KEYS:
            index -= 2  # "pta 4", "esc 2": the number belongs to the word before
            continue
        if CATALAN_FLOOR.match(token) or (CATALAN_DOOR.match(token) and CATALAN_FLOOR.match(previous)):
            index -= 1  # "2n 1a" after the house number
            continue
        if _floor_like(token) and not PLAIN_NUMBER.match(token):
            index -= 1
            continue
        break
    if index > 2 and tokens[index - 1].lower() in NUMBER_SUFFIXES and PLAIN_NUMBER.match(tokens[index - 2]):
        number = f"{tokens[index - 2]} {tokens[index - 1].lower()}"  # "28 bis"
        return " ".join(tokens[: index - 2]), number, " ".join(tokens[index:])
    if index > 1 and PLAIN_NUMBER.match(tokens[index - 1]):
        return " ".join(tokens[: index - 1]), tokens[index - 1], " ".join(tokens[index:])
    if len(tokens) > 1 and PLAIN_NUMBER.match(tokens[0]) and not ORDINAL.search(tokens[0]):
        return " ".join(tokens[1:]), tokens[0], ""  # "12 rue de la Paix"
    return text, "", ""


def split_street(street, street2=""):
    """(street, house number, supplement). ``street2`` (the address's second line) joins the supplement."""
    text = _clean(street)
    extra = _clean(street2)
    street_part, number, supplement = text, "", ""
    marker = MARKER.search(text)
    if marker:
        street_part, number, supplement = text[: marker.start()], marker.group(1), text[marker.end() :]
    else:
        parts = [_clean(part) for part in text.split(",") if _clean(part)]
        if parts:
            street_part, number, floor = _split_tokens(parts[0])
            rest = parts[1:]
            if not number and rest and PLAIN_NUMBER.match(rest[0]):
                # "Via Roma, 12": the number after the comma, only when the street itself ends with none
                # ("Calle Mayor 5, 2" is number 5 on floor 2)
                number, rest = rest[0], rest[1:]
            supplement = ", ".join(part for part in [floor, *rest] if part)
    supplement = ", ".join(part for part in (_clean(supplement), extra) if part)
    return _clean(street_part), _compact(number), supplement


def _compact(number):
    """'12 a' -> '12a'; a suffix word keeps its space ('28 bis')."""
    head, _space, suffix = number.rpartition(" ")
    if suffix.lower() in NUMBER_SUFFIXES:
        return re.sub(r"\s+", "", head) + " " + suffix
    return re.sub(r"\s+", "", number)

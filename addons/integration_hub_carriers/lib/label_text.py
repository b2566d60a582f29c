"""Text as a carrier can print it: its character set and its field lengths, checked before the call.

Characters a carrier cannot print are transliterated with ``anyascii`` (a well-kept library: ISC
licence, Unicode to ASCII tables) instead of reaching the label as "?": "Cerámica" becomes "Ceramica"
for a carrier that prints ASCII only, « » become quotes, and pictographs (emoji) are dropped. Every
change is returned, so the shipment can say what was printed. A value longer than the carrier's field
is wrapped onto the address supplement lines when the carrier has them, else refused with a message
that names the field, its length and the limit.

Character sets: ``latin`` = printable ASCII plus the Latin-1 letters (à-ÿ, ñ, ß...), the ordinal
indicators º ª and the middle dot (Catalan l·l); ``ascii`` = printable ASCII.
"""

import re
import textwrap
import unicodedata

from anyascii import anyascii

LATIN_EXTRA = {chr(code) for code in range(0xC0, 0x100)} - {"\u00d7", "\u00f7"} | {"º", "ª", "·"}
DROPPED_CATEGORIES = {"So", "Sk", "Cs", "Co", "Cn", "Cc", "Cf", "Mn", "Me"}  # emoji, modifiers, joiners


def allowed(char, charset):
    if " " <= char <= "~":
        return True
    return charset == "latin" and char in LATIN_EXTRA


def printable(text, charset):
    """(text the carrier can print, [(original, printed)]) for ``charset`` 'latin' or 'ascii'."""
    text = unicodedata.normalize("NFC", text or "")
    out, changes = [], []
    for char in text:
        if allowed(char, charset):
            out.append(char)
            continue
        if char in "\t\r\n":
            replacement = " "
        elif unicodedata.category(char) in DROPPED_CATEGORIES or char in "¿¡":
            replacement = ""
        elif unicodedata.category(char) in ("Pi", "Pf"):
            replacement = "'" if anyascii(char) == "'" else '"'
        else:
            replacement = "".join(c for c in anyascii(char) if allowed(c, "ascii"))
        out.append(replacement)
        if (char, replacement) not in changes:
            changes.append((char, replacement))
    # what was dropped leaves no gap: "García 😀, 3º" prints "García, 3º"
    return re.sub(r"\s+([,.;:])", r"\1", " ".join("".join(out).split())), changes


def wrap(text, width):
    """Lines of at most ``width`` characters, broken between words (a word longer than a line is cut)."""
    if not text:
        return []
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]

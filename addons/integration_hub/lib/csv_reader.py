"""The one CSV reader of the hub: every file it reads (counts, returns, later purchase orders) goes through here.

Files come from spreadsheets as people save them: a UTF-8 BOM or Windows-1252 text
(Spanish Excel), ``;`` as separator, CRLF line ends, quoted fields, numbers written the
Spanish way. The reader:

- decodes the bytes (BOM, else strict UTF-8, else Windows-1252) or refuses the file naming what
  it found (an Excel workbook, binary data);
- detects the separator among ``, ; tab |`` with Python's ``csv.Sniffer``, confirmed by the header
  (the separator that yields every required column wins), or refuses the file naming the header
  it found;
- returns each data row with its line number in the file, and rejects a row whose number of
  fields differs from the header's ("5 fields, 4 expected": an unquoted separator inside a value).

Cell rules shared by every format: ``parse_number`` (``1.250`` is 1250, ``2,5`` is 2.5, scientific
notation refused) and ``check_code`` (an SKU or barcode a spreadsheet turned into ``8,4E+12``).
"""

import csv
import io
import re
from dataclasses import dataclass, field

DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


class CsvFileError(ValueError):
    """The whole file is refused; the message says what was found and what to do."""


@dataclass
class Row:
    line: int  # the line of the file where the record starts (the header is line 1)
    values: dict  # normalized column name -> text, stripped


@dataclass
class Table:
    header: list
    rows: list = field(default_factory=list)
    rejected: list = field(default_factory=list)  # (line, reason)
    encoding: str = "UTF-8"
    delimiter: str = ","

    def describe(self):
        """e.g. 'read as Windows-1252, separator semicolon'."""
        return f"read as {self.encoding}, separator {DELIMITER_NAMES.get(self.delimiter, self.delimiter)}"


def column_key(name):
    """How column names are compared: 'Return ID', 'return_id' and 'return-id' are the same column."""
    return re.sub(r"[\s_]+", "-", (name or "").strip().lstrip("\ufeff").lower())


def decode(raw):
    """(text, encoding name) of the file's bytes, or CsvFileError naming what the bytes are."""
    if not raw:
        raise CsvFileError("the file is empty")
    if raw.startswith(b"PK\x03\x04"):
        raise CsvFileError("this is a spreadsheet workbook (.xlsx / .ods), not CSV: save it as CSV and import that")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError("this is an old Excel workbook (.xls), not CSV: save it as CSV and import that")
    for bom, encoding, name in (
        (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 (with BOM)"),
        (b"\xff\xfe", "utf-16", "UTF-16"),
        (b"\xfe\xff", "utf-16", "UTF-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), name
            except UnicodeDecodeError as error:
                raise CsvFileError(f"the file starts as {name} but is not valid {name} ({error.reason})") from None
    if b"\x00" in raw:
        raise CsvFileError("the file holds binary data (NUL bytes), not CSV text")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise CsvFileError(
            f"the file is neither UTF-8 nor Windows-1252 text (byte 0x{raw[error.start]:02x} at position "
            f"{error.start}): save it as 'CSV UTF-8'"
        ) from None


def _first_line(text):
    return next((line for line in text.splitlines() if line.strip()), "")


def detect_delimiter(text, required):
    """The separator that makes the header hold every required column; CsvFileError naming the header otherwise."""
    header_line = _first_line(text)
    if not header_line:
        raise CsvFileError("the file has no header line")
    try:
        sniffed = csv.Sniffer().sniff("\n".join(text.splitlines()[:20]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    candidates = ([sniffed] if sniffed else []) + [d for d in DELIMITERS if d != sniffed]
    wanted = {column_key(name) for name in required}
    best = None
    for delimiter in candidates:
        cells = {column_key(cell) for cell in next(csv.reader([header_line], delimiter=delimiter))}
        if wanted <= cells:
            return delimiter
        missing = [name for name in required if column_key(name) not in cells]
        if best is None or len(missing) < len(best[1]):
            best = (delimiter, missing)
    raise CsvFileError(
        f"the header line {header_line[:200]!r} does not name the columns {', '.join(required)}; "
        f"missing: {', '.join(best[1])} (read with the separator {DELIMITER_NAMES[best[0]]}; comma, semicolon, "
        "tab and vertical bar were tried)"
    )


def read_table(raw, required, optional=()):
    """Decode, detect the separator, check the header and split the rows: a Table.

    ``required`` / ``optional``: the column names of the format (compared with ``column_key``).
    Raises CsvFileError when the file as a whole cannot be read; a bad row is only rejected.
    """
    text, encoding = decode(raw)
    delimiter = detect_delimiter(text, required)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column_key(cell) for cell in next(reader)]
        while not any(header):  # blank lines above the header (the same line detect_delimiter read)
            header = [column_key(cell) for cell in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise CsvFileError(f"the header cannot be read ({error or 'no header'})") from None
    while header and not header[-1]:
        header.pop()  # a trailing separator on the header line ("sku;location;counted;")
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise CsvFileError(f"the header names {', '.join(duplicated)} more than once")
    table = Table(header=header, encoding=encoding, delimiter=delimiter)
    known = {column_key(name) for name in (*required, *optional)}
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            table.rejected.append((start, f"unreadable row ({error})"))
            previous_end = reader.line_num
            continue
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        while len(record) > len(header) and not record[-1].strip():
            record = record[:-1]  # trailing separators after the last value
        if len(record) != len(header):
            table.rejected.append(
                (
                    start,
                    f"{len(record)} fields, {len(header)} expected (a value holding the separator "
                    f"{DELIMITER_NAMES[delimiter]} must be quoted)",
                )
            )
            continue
        table.rows.append(
            Row(start, {name: cell.strip() for name, cell in zip(header, record, strict=True) if name in known})
        )
    return table


def check_code(text, what="code"):
    """An SKU or barcode as typed; raises ValueError when a spreadsheet turned it into scientific notation."""
    value = (text or "").strip()
    if SCIENTIFIC.match(value):
        raise ValueError(
            f"{what} '{value}' is a number in scientific notation: a spreadsheet rewrote the code and its digits "
            "are lost; format the column as text and export again"
        )
    return value


def parse_number(text):
    """A quantity as people type it in Spain: '1.250' is 1250, '2,5' is 2.5, '1.250,5' is 1250.5.

    A dot followed by groups of exactly three digits is a thousands separator (never a decimal point);
    a comma is the decimal mark; '12.5' (a dot not followed by three digits) is read as a decimal point.
    Raises ValueError with the reason for anything else (scientific notation, words, empty).
    """
    value = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        raise ValueError("no quantity")
    if SCIENTIFIC.match(value):
        raise ValueError(f"'{value}' is in scientific notation: a spreadsheet rewrote it; type the number itself")
    sign, digits = (-1, value[1:]) if value[:1] == "-" else (1, value.lstrip("+"))
    if re.fullmatch(r"\d+", digits):
        number = float(digits)
    elif re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", digits):
        number = float(digits.replace(".", ""))
    elif re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+,\d+", digits) or re.fullmatch(r"\d+,\d+", digits):
        number = float(digits.replace(".", "").replace(",", "."))
    elif re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+\.\d+", digits):
        number = float(digits.replace(",", ""))
    elif re.fullmatch(r"\d+\.\d+", digits):
        number = float(digits)
    else:
        raise ValueError(f"'{value}' is not a number")
    return sign * number


def parse_count(text, whole_units=True):
    """A counted quantity: a number, not negative and, for a product counted in units, whole."""
    number = parse_number(text)
    if number < 0:
        raise ValueError(f"'{text}' is negative")
    if whole_units and not float(number).is_integer():
        raise ValueError(f"'{text}' is {number:g}: not a whole unit (this product is counted in units)")
    return number


def conflicts(rows, key, value):
    """Rows that say different things about the same key: ({line: reason} to reject, {line: reason} repeats).

    ``key(row)`` / ``value(row)``: what identifies a row and what it says. Every row of a conflicting key is
    rejected (never last-wins); a row repeating an earlier one word for word is kept once.
    """
    seen, rejected, repeats = {}, {}, {}
    for row in rows:
        seen.setdefault(key(row), []).append(row)
    for group in seen.values():
        values = {value(row) for row in group}
        lines = ", ".join(str(row.line) for row in group)
        if len(values) > 1:
            for row in group:
                rejected[row.line] = f"conflict: lines {lines} give different values for the same row"
        else:
            for row in group[1:]:
                repeats[row.line] = f"repeats line {group[0].line}: applied once"
    return rejected, repeats

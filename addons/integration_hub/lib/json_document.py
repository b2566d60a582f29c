"""Read a JSON document a sender delivered, whatever they sent.

``json.loads`` alone raises ``RecursionError`` on deeply nested input and
lets through ``\\u0000`` and lone surrogates (``\\ud800``), which PostgreSQL
text cannot hold: each must become a clear :class:`PayloadError` (the raw
message stays in the inbox), never an unexpected crash.
"""

import json
import re

from .errors import PayloadError

# Deeper than any order, return or stock document; far below Python's recursion limit.
MAX_DEPTH = 64
# Half of a UTF-16 pair on its own: valid JSON escape, not a character (cannot be encoded in UTF-8).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(raw):
    """Parse ``raw`` (str or bytes) into Python values.

    Raises PayloadError when it is not JSON, is nested deeper than MAX_DEPTH,
    or contains a NUL character or a lone surrogate in a key or a string.
    """
    try:
        document = json.loads(raw)
    except RecursionError:
        raise PayloadError(f"the JSON is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError(f"the body is not valid JSON ({error.__class__.__name__}: {error})") from None
    check(document)
    return document


def check(document):
    """Raise PayloadError if ``document`` is too deep or holds a NUL or a lone surrogate; iterative, any size."""
    stack = [(document, 1, "$")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise PayloadError(f"the JSON is nested too deeply (more than {MAX_DEPTH} levels, at {path})")
        if isinstance(value, str):
            if "\x00" in value:
                raise PayloadError(f"{path} contains a NUL character (\\u0000), which is never valid text")
            if LONE_SURROGATE.search(value):
                raise PayloadError(f"{path} contains half of a UTF-16 surrogate pair (e.g. \\ud800), not a character")
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key or LONE_SURROGATE.search(key):
                    raise PayloadError(f"a key in {path} contains a NUL character or a lone surrogate")
                stack.append((item, depth + 1, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, f"{path}[{index}]") for index, item in enumerate(value))

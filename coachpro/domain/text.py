"""Cleaning text people type, so one odd character cannot break a header, a page or a store.

A name is one line. Line breaks of any kind (CR, LF, NEL U+0085, U+2028, U+2029), other
control characters, bidirectional overrides (which make a name display as something else)
and lone surrogates (which no encoder accepts) have no place in it. `single_line` turns them
into spaces and squeezes runs of spaces; `multi_line` keeps the line breaks of a message as
plain LF and removes the rest.
"""

import unicodedata

# Bidirectional embeddings, overrides and isolates: invisible, and able to reorder the text
# around them ("Maya" + U+202E can render as anything).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _unwanted(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS


def single_line(value: str) -> str:
    """`value` as one line: no control, separator or bidi characters, single spaces, stripped."""
    cleaned = "".join(" " if _unwanted(ch) else ch for ch in value)
    return " ".join(cleaned.split())


def multi_line(value: str) -> str:
    """`value` with its line breaks as LF and every other control or bidi character removed."""
    value = value.replace("\r\n", "\n")
    out = []
    for ch in value:
        if ch in _LINE_BREAKS:
            out.append("\n")
        elif ch == "\t" or not _unwanted(ch):
            out.append(ch)
    return "".join(out)


def without_surrogates(value: str) -> str:
    """`value` without lone surrogates (\\ud800…\\udfff), which cannot be encoded or stored."""
    if not any("\ud800" <= ch <= "\udfff" for ch in value):
        return value
    return "".join(ch for ch in value if not "\ud800" <= ch <= "\udfff")


def slug_for(name: str, taken: set[str]) -> str:
    """A short lower-case address part for `name` ("Weekend Reset" → "weekend-reset"), made
    unique against `taken` with -2, -3…; letters outside ASCII lose their accents or go."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    base = "-".join(words)[:50].strip("-") or "package"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug

"""Text cells that spreadsheets show as text, never run as formulas.

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or `@` (and,
in some versions, a tab or carriage return before one) as a formula: a couple named
`=HYPERLINK(...)` would become a link, or worse, in the coach's spreadsheet. OWASP's advice is
to prefix such a cell with a single quote, which the spreadsheet shows as plain text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """`value` as a CSV cell that opens as text in any spreadsheet."""
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

"""QR codes as inline SVG, made on the server: no image service sees the secret in them,
and the page's strict CSP needs nothing loosened (the SVG has no script and no style)."""

import segno

# The practice's ink on white, for phones' cameras: dark on light, with the quiet zone the
# standard asks for (4 modules).
INK = "#2b2233"


def qr_svg(text: str, *, title: str, scale: int = 5) -> str:
    """`text` as a QR code (medium error correction), an <svg> element to put in a page."""
    code = segno.make(text, error="m")
    return code.svg_inline(scale=scale, border=4, dark=INK, light="#ffffff", title=title)

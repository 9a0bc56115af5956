"""The practice's own look: its accent colour as a small stylesheet, and its logo. Both are
addressed by what they hold (the colour, the logo's fingerprint), so browsers keep them for
a year and a change is simply a new address."""

from flask import Response, abort

from coachpro.domain.colors import darker, parse_hex
from coachpro.extensions import limiter
from coachpro.public import bp
from coachpro.services.practice_settings import practice, stored_logo

A_YEAR = "public, max-age=31536000, immutable"


@bp.get("/brand/accent-<colour>.css")
@limiter.exempt
def accent_css(colour: str):
    try:
        accent = parse_hex(colour)
    except ValueError:
        abort(404)
    if accent != practice().accent_color:
        abort(404)  # only the colour the coach chose: not a stylesheet for any colour asked
    css = f":root {{ --plum: {accent}; --plum-dark: {darker(accent)}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": A_YEAR})


@bp.get("/brand/logo-<sha256>.png")
@limiter.exempt
def logo(sha256: str):
    stored = stored_logo()
    if stored is None or stored.sha256 != sha256:
        abort(404)
    return Response(
        stored.png,
        mimetype="image/png",
        headers={"Cache-Control": A_YEAR, "Content-Disposition": "inline; filename=logo.png"},
    )

"""Headers every response carries."""

from flask import Response, current_app, g, request
from flask_login import current_user

# Only our own origin: no CDNs, no inline script or style.
SHARED_FILES = frozenset({"static", "public.logo", "public.accent_css"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

_ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def apply_security_headers(response: Response) -> Response:
    headers = response.headers
    if g.get("embed"):
        # The booking widget: framed by the coach's own site(s), and nobody else.
        ancestors = " ".join(["'self'", *current_app.config["BOOKING_ALLOWED_ORIGINS"]])
        policy = CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
        )
        wanted = [("Content-Security-Policy", policy)]
    elif g.get("checkout_form"):
        # The pay button's POST is answered with a redirect to Stripe Checkout.
        origin = current_app.config["STRIPE_CHECKOUT_ORIGIN"]
        policy = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
        wanted = [("Content-Security-Policy", policy), ("X-Frame-Options", "DENY")]
    else:
        wanted = [("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Frame-Options", "DENY")]
    wanted += _ALWAYS
    if current_app.config.get("HSTS_ENABLED"):
        wanted.append(_HSTS)
    # A view may have set its own; one look at the names beats a lookup per header (werkzeug
    # raises and catches an exception for every header a lookup does not find).
    present = {name.lower() for name, _ in headers}
    headers.extend((name, value) for name, value in wanted if name.lower() not in present)
    # Pages for a signed-in person hold private data, and a page reached by a token (manage,
    # pay, invitation and reset links) is as private as a signed-in one: never keep either
    # in a cache, shared or not.
    # Files that are the same for everyone (the stylesheet, the practice's logo and colour)
    # may be kept whoever asks: they hold nothing private.
    if request.endpoint not in SHARED_FILES and (
        current_user.is_authenticated
        or request.path.startswith(("/portal", "/coach", "/password", "/login"))
        or (request.view_args and "token" in request.view_args)
    ):
        headers["Cache-Control"] = "no-store"
    return response

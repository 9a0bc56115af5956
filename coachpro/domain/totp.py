"""Time-based one-time passwords (RFC 6238), as authenticator apps compute them.

Pure: the secret and the time come in. 30-second steps, 6 digits, HMAC-SHA1 — the
parameters every authenticator app uses by default.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def code_at(secret: str, unix_time: float) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    counter = struct.pack(">Q", int(unix_time // STEP_SECONDS))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def matching_step(secret: str, code: str, unix_time: float, drift_steps: int = 1) -> int | None:
    """The time step whose code `code` is (now, or one step either side: clocks drift), or None.

    The step lets the caller refuse a code that was already used (RFC 6238, section 5.2).
    """
    code = "".join(ch for ch in code if ch in "0123456789")
    if len(code) != DIGITS:
        return None
    now_step = int(unix_time // STEP_SECONDS)
    for n in range(-drift_steps, drift_steps + 1):
        step = now_step + n
        if hmac.compare_digest(code, code_at(secret, step * STEP_SECONDS)):
            return step
    return None


def verify(secret: str, code: str, unix_time: float, drift_steps: int = 1) -> bool:
    """True if `code` is right now, or one step either side (clocks drift)."""
    return matching_step(secret, code, unix_time, drift_steps) is not None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// link authenticator apps understand (also what a QR code would hold)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = 8) -> list[str]:
    return [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
        for _ in range(count)
    ]

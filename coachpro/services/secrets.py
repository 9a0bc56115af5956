"""Secrets CoachPro must be able to read back (a calendar's password), encrypted at rest.

The key is derived from SECRET_KEY with HKDF, so nothing else needs keeping safe; a server
started with a different SECRET_KEY cannot read them (`SecretUnreadable`), and the coach is
asked to enter the password again."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class SecretUnreadable(ValueError):
    """Encrypted with another SECRET_KEY (or damaged)."""


def _fernet(purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"coachpro.{purpose}".encode()
    ).derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str, purpose: str) -> str:
    return _fernet(purpose).encrypt(plain.encode()).decode("ascii")


def unseal(sealed: str, purpose: str) -> str:
    try:
        return _fernet(purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable("encrypted with another SECRET_KEY") from exc

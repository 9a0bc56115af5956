"""Absolute links for emails, calendar files and API answers.

Always built from BASE_URL, never from the request's Host header (which a client
controls), and they work outside a request too: in the mail worker, cron, the CLI.
"""

import unicodedata
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def safe_next_path(target: str | None) -> str | None:
    """`target` if it is a path inside this app, else None.

    Used for every `next` a browser hands us (a query parameter after sign-in, a hidden
    field on the coach's forms): never `//evil.example`, `https://…`, `/\\evil`, nor a value
    with a control character, which could split the Location header into two.
    """
    if not target or len(target) > 2000:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target

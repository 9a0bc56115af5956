"""Absolute links for emails, calendar files and API answers.

Always built from BASE_URL, never from the request's Host header (which a client
controls), and they work outside a request too: in the mail worker, cron, the CLI.
"""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)

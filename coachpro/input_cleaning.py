"""Incoming text without NUL characters.

PostgreSQL cannot store U+0000 in text, and no person types it, so it is removed from query
strings, form fields and JSON before anything else sees them.
"""

from typing import Any

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _clean_multidict(data: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(_clean(k), _clean(v)) for k, v in data.items(multi=True)])


class CleanRequest(Request):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.form = _clean_multidict(self.form)

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        # Cached like werkzeug's own: pages read request.args many times.
        return _clean_multidict(super().args)


class CleanJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        return _clean(super().loads(s, **kwargs))


def register(app: Flask) -> None:
    app.request_class = CleanRequest
    app.json = CleanJSONProvider(app)

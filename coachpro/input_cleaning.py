"""Incoming text without NUL characters or lone surrogates, and JSON of a sane shape.

PostgreSQL cannot store U+0000 in text, no encoder accepts a lone surrogate (JSON can spell
one as "\\ud800"), and no person types either, so they are removed from query strings, form
fields and JSON before anything else sees them. JSON nested deeper than any request of ours
is refused with a 400 before it can exhaust the parser's recursion.
"""

from typing import Any

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.utils import cached_property

from coachpro.domain.text import without_surrogates

# Our JSON bodies are a flat object holding a list or two: eight levels is plenty.
MAX_JSON_DEPTH = 8


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return without_surrogates(value.replace("\x00", ""))
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _clean_multidict(data: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(_clean(k), _clean(v)) for k, v in data.items(multi=True)])


# Where files are sent with messages: three of 10 MB each and the words (everything else
# keeps the app's MAX_CONTENT_LENGTH).
LARGE_UPLOADS = frozenset({"portal.message_thread", "coach.message_thread"})
LARGE_UPLOAD_LENGTH = 32 * 1024 * 1024


class CleanRequest(Request):
    # Read-only here: nothing of ours sets a request's limit itself.
    @property  # type: ignore[misc]
    def max_content_length(self) -> int | None:  # type: ignore[override]
        if self.url_rule is not None and self.url_rule.endpoint in LARGE_UPLOADS:
            return LARGE_UPLOAD_LENGTH
        return super().max_content_length

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.form = _clean_multidict(self.form)

    @cached_property
    def args(self) -> ImmutableMultiDict:
        # Cached like werkzeug's own: pages read request.args many times.
        return _clean_multidict(super().args)


def _depth(value: Any) -> int:
    """How deeply `value` nests, measured without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


class CleanJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            raise BadRequest("The JSON is nested too deeply.") from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise BadRequest("The JSON is nested too deeply.")
        return _clean(data)


def register(app: Flask) -> None:
    app.request_class = CleanRequest
    app.json = CleanJSONProvider(app)

"""Whole numbers from the URL, bounded to what the database can hold.

`type=int` turns "99999999999999999999" into a Python int that no SQLite or PostgreSQL
integer can take, and the query then fails with a 500. Ids and page numbers are read here,
and a URL's `<int:…>` parts go through `BoundedIntConverter`, with the same limit.
"""

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer


def int_arg(name: str, default: int | None = None) -> int | None:
    """The query parameter `name` as a whole number from 0 to MAX_ID, else `default`."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value <= MAX_ID else default


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only numbers a database id can be; larger ones are a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

"""Loading what a coach URL names, or answering 404."""

from flask import abort

from coachpro.extensions import db


def get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found

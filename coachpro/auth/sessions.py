"""Who is signed in, and which role may see what."""

import hmac
from collections.abc import Callable
from functools import wraps

from flask import abort, url_for
from flask_login import current_user, login_required

from coachpro.extensions import db
from coachpro.models import Role, User


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader. The id carries the account's random session token, so replacing
    the token ends old sessions, and a cookie never fits another account that reuses the id."""
    user_id, _sep, token = str(session_id).partition(":")
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18 or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode("utf-8", "replace")):
        return None
    return user


def role_required(role: Role) -> Callable:
    """Signed-out visitors are sent to sign in; signed-in users of another role get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def home_url_for(user: User) -> str:
    return url_for("coach.dashboard") if user.is_coach else url_for("portal.today")

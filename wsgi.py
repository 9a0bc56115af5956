"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from coachpro import create_app

app = create_app()

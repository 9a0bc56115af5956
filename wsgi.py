"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from coachpro import create_app
from coachpro.warmup import warm_up

app = create_app()
warm_up(app)  # each worker imports this module before it accepts a request

"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from coachpro import create_app
from coachpro.services.first_run import announce_at_start
from coachpro.warmup import warm_up

app = create_app()
warm_up(app)  # each worker imports this module before it accepts a request
announce_at_start(app)  # a fresh installation's setup code, in the server's log

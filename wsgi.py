"""Entry point for gunicorn: `gunicorn wsgi:app`."""

import gc

from coachpro import create_app
from coachpro.services.first_run import announce_at_start
from coachpro.warmup import warm_up

app = create_app()
warm_up(app)  # each worker imports this module before it accepts a request
announce_at_start(app)  # a fresh installation's setup code, in the server's log

# What the worker loaded to get here (about 200,000 objects: libraries, compiled templates)
# lives as long as it does. Frozen, a full garbage collection no longer walks it: the
# benchmark caught those walks as 100 ms pauses, one dashboard request in twenty.
gc.collect()
gc.freeze()

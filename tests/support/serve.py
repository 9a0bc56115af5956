"""Serve the app in its own process for tests that need several app processes.

Usage: python -m tests.support.serve PORT DATABASE_URL RATELIMIT_STORAGE_URI KEY_PREFIX
"""

import os
import sys

os.environ["COACHPRO_ENV"] = "testing"

from werkzeug.serving import make_server

from coachpro import create_app


def main() -> None:
    port, database_url, storage_uri, key_prefix = sys.argv[1:5]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": storage_uri,
            "RATELIMIT_KEY_PREFIX": key_prefix,
            "MAIL_FILE_DIR": "",
        }
    )
    make_server("127.0.0.1", int(port), app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()

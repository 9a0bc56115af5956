#!/usr/bin/env bash
# Set everything up and run the whole test suite. Extra arguments go to pytest.
# Runs on SQLite; set TEST_DATABASE_URL=postgresql+psycopg://… to run on PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "note: Chromium is not at ${CHROMIUM_PATH:-/usr/bin/chromium}; browser tests will be skipped" \
       "(install it with: sudo apt-get install chromium chromium-driver)." >&2
fi
echo "==> Running the test suite on ${TEST_DATABASE_URL:-SQLite}"
python -m pytest "$@"

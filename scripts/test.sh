#!/usr/bin/env bash
# Set everything up and run the whole test suite. Extra arguments go to pytest.
# Runs on SQLite; set TEST_DATABASE_URL=postgresql+psycopg://… to run on PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "note: Chromium is not at ${CHROMIUM_PATH:-/usr/bin/chromium}; browser tests will be skipped" \
       "(install it with: sudo apt-get install chromium chromium-driver)." >&2
fi
# axe-core (the accessibility checker the browser tests load into Chromium from disk) and
# ical.js (the JavaScript calendar parser the invite tests read our invites with).
AXE=tests/e2e/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ] || [ tests/e2e/package-lock.json -nt "$AXE" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "==> Installing axe-core and ical.js from npm"
    npm ci --prefix tests/e2e --no-audit --no-fund --silent
    touch "$AXE"
  else
    echo "note: npm not found; the accessibility checks will be skipped (install Node.js and npm)." >&2
  fi
fi
echo "==> Running the test suite on ${TEST_DATABASE_URL:-SQLite}"
python -m pytest "$@"

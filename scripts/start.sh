#!/usr/bin/env bash
# Set everything up and run CoachPro on SQLite with a demo practice at http://127.0.0.1:5000.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"

echo "==> Bringing the database up to date (instance/coachpro.sqlite3 unless DATABASE_URL is set)"
flask db upgrade
echo "==> Adding the demo practice"
flask seed-demo

# Links in emails point at the address this script serves, unless BASE_URL says otherwise.
export BASE_URL="${BASE_URL:-http://127.0.0.1:${PORT:-5000}}"

# The worker delivers email (without MAIL_SERVER it is written to instance/mail/*.eml),
# sends reminders and homework emails, and purges old data, each on its own schedule.
flask worker >instance/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<MSG

==> CoachPro is starting at http://127.0.0.1:${PORT:-5000}
    Sign in as the coach:  coach@example.com  /  coachpro-demo
    Sign in as a client:   maya@example.com   /  coachpro-demo
    Emails that would be sent are saved in instance/mail/ (the worker is running; its log
    is instance/worker.log).
    Press Ctrl+C to stop.

MSG
flask run --host 127.0.0.1 --port "${PORT:-5000}"

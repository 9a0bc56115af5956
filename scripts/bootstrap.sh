# Sourced by start.sh and test.sh: make .venv with CoachPro and its test tools installed.
# Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "CoachPro needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  echo "Set PYTHON=/path/to/python3.11 and run this again." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating a virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi

STAMP=.venv/.coachpro-installed
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "==> Installing CoachPro and its dependencies"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test]'
  echo "$WANT" > "$STAMP"
fi

export PATH="$ROOT/.venv/bin:$PATH"
export FLASK_APP=coachpro

#!/usr/bin/env bash
# Set everything up and run the performance benchmark (README: "Performance").
# Extra arguments go to `python -m bench`, e.g. --sizes 1 --databases sqlite --seconds 5.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"

if ! command -v wrk >/dev/null 2>&1; then
  echo "==> Installing wrk from Debian's packages"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
# PostgreSQL is measured in a database of its own (dropped and created for each size):
# BENCH_POSTGRES_URL, by default postgresql+psycopg://postgres@127.0.0.1:5432/coachpro_bench.
python -m bench "$@"

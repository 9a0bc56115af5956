#!/usr/bin/env bash
# Refresh the translation catalogues after changing user-facing text:
#   1. extract every marked string from the code and templates into messages.pot,
#   2. merge it into each language's messages.po (new strings arrive untranslated),
#   3. compile the .po files into the .mo files the app reads.
# Translate the new entries in coachpro/translations/<lang>/LC_MESSAGES/messages.po between
# steps 2 and 3 (run the script again after translating); the test suite fails while any
# marked string lacks a translation (tests/test_translations.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=".venv/bin/pybabel"
DIR=coachpro/translations
$PYBABEL extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location --sort-output --ignore-dirs ".*" \
  --omit-header -o "$DIR/messages.pot" .
for po in "$DIR"/*/LC_MESSAGES/messages.po; do
  $PYBABEL update --no-fuzzy-matching -i "$DIR/messages.pot" -d "$DIR" \
    -l "$(basename "$(dirname "$(dirname "$po")")")"
done
$PYBABEL compile -d "$DIR"

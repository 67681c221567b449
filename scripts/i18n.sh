#!/usr/bin/env bash
# Re-extract the messages, merge them into the zh catalogue and compile it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
$PYBABEL extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o community/translations/messages.pot .
$PYBABEL update -w 120 -i community/translations/messages.pot -d community/translations -l zh --no-fuzzy-matching
$PYBABEL compile -d community/translations

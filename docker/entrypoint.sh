#!/bin/sh
# Container entrypoint: bring the database schema up to date, then run the given command
# (gunicorn by default). Importing content/ is optional: set IMPORT_CONTENT=1 on first deploy.
set -eu
cd "$(dirname "$0")/.."
python manage.py migrate --noinput
if [ "${IMPORT_CONTENT:-0}" = "1" ]; then
  python manage.py import_content
fi
exec "$@"

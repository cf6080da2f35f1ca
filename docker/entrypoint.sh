#!/bin/sh
# Container entrypoint: bring the database schema up to date, then run the given command
# (gunicorn by default). With several app servers, migrations run once, before they start
# (compose.yaml's `migrate` service): the servers themselves set MIGRATE=0.
# Importing content/ is optional: set IMPORT_CONTENT=1 on first deploy.
set -eu
cd "$(dirname "$0")/.."
if [ "${MIGRATE:-1}" = "1" ]; then
  python manage.py migrate --noinput
fi
if [ "${IMPORT_CONTENT:-0}" = "1" ]; then
  python manage.py import_content
fi
exec "$@"

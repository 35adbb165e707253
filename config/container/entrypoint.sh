#!/bin/sh
# The container's entry point (Dockerfile, compose.yaml). One image, four roles:
#   init     wait for the database, migrate it, load the office file, and on first run make
#            the shared secret key and the print agent's device token (in $SHARED_DIR)
#   serve    one server process on 0.0.0.0:$PORT (default 8000)
#   printer  the print agent, printing for $PRINTER_SERVER on $PRINTER_URI
#   anything else is a queue-server command: backup /backups, restore FILE, user add ...
# Its own settings (not QUEUE_*, which queue-server checks): SHARED_DIR, INIT_TRIES, PORT,
# PRINTER_OFFICE, PRINTER_NAME, PRINTER_SERVER, PRINTER_URI, PRINTER_TOKEN_FILE, PRINTER_STATE_DIR.
set -eu

shared="${SHARED_DIR:-/shared}"

say() { echo "entrypoint: $*" >&2; }

use_shared_secret() {
    # Every server process must sign sessions with the same key.
    if [ -z "${QUEUE_SECRET_KEY:-}" ] && [ -s "$shared/secret-key" ]; then
        QUEUE_SECRET_KEY="$(cat "$shared/secret-key")"
        export QUEUE_SECRET_KEY
    fi
}

init() {
    tries="${INIT_TRIES:-30}"
    attempt=1
    until queue-server init; do
        if [ "$attempt" -ge "$tries" ]; then
            say "the database did not answer after $tries tries; giving up"
            exit 1
        fi
        say "the database is not ready (try $attempt of $tries); again in 2 s"
        attempt=$((attempt + 1))
        sleep 2
    done
    mkdir -p "$shared"
    if [ ! -s "$shared/secret-key" ]; then
        python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > "$shared/secret-key.new"
        mv "$shared/secret-key.new" "$shared/secret-key"
        say "made the shared secret key"
    fi
    if [ -n "${PRINTER_OFFICE:-}" ] && [ ! -s "$shared/printer-token" ]; then
        queue-server device add "${PRINTER_NAME:-printer-1}" --kind printer \
            --office "$PRINTER_OFFICE" > "$shared/printer-token.new"
        mv "$shared/printer-token.new" "$shared/printer-token"
        say "made the device token of printer ${PRINTER_NAME:-printer-1}"
    fi
}

case "${1:-serve}" in
    init)
        init
        ;;
    serve)
        use_shared_secret
        if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
            mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
        fi
        exec queue-server serve --host 0.0.0.0 --port "${PORT:-8000}"
        ;;
    printer)
        token_file="${PRINTER_TOKEN_FILE:-$shared/printer-token}"
        until [ -s "$token_file" ]; do
            say "waiting for the printer's token in $token_file (made by init)"
            sleep 2
        done
        exec queue-printer --server "${PRINTER_SERVER:-http://nginx}" \
            --token-file "$token_file" --printer "${PRINTER_URI:-image:///var/lib/queue/tickets}" \
            --state-dir "${PRINTER_STATE_DIR:-/var/lib/queue/printer}"
        ;;
    *)
        use_shared_secret
        exec queue-server "$@"
        ;;
esac

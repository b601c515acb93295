#!/bin/sh
# Starts a throwaway PostgreSQL server for the export tests and prints its URL.
#
#   url=$(scripts/start-postgres.sh)        # install if needed, init, start (idempotent)
#   SYNTHTUNE_PG_URL=$url cargo test --test export
#   scripts/start-postgres.sh stop          # stop it (the data stays until you delete it)
#
# The server listens on 127.0.0.1 only, trusts local connections, and keeps its data
# and socket in $SYNTHTUNE_PG_DIR (default /tmp/synthtune-pg). As root it runs as the
# `postgres` user (PostgreSQL refuses to run as root). Settings:
#   SYNTHTUNE_PG_DIR   data directory   (default /tmp/synthtune-pg)
#   SYNTHTUNE_PG_PORT  port             (default 54329)
# Everything but the URL goes to stderr.
set -eu

dir=${SYNTHTUNE_PG_DIR:-/tmp/synthtune-pg}
port=${SYNTHTUNE_PG_PORT:-54329}
database=synthtune
url="postgresql://postgres@127.0.0.1:$port/$database"

say() { echo "start-postgres: $*" >&2; }

# The server binaries: on PATH, or in Debian's versioned directory.
find_bin() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "PostgreSQL is not installed; run as root, or: apt-get update && apt-get install -y postgresql"
        exit 1
    fi
    say "installing PostgreSQL with apt-get"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    bin=$(find_bin)
fi

psql=$(command -v psql || echo "$bin/psql")

# Run as `postgres` when root, as ourselves otherwise.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-}" = stop ]; then
    if [ -f "$dir/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2
    else
        say "not running"
    fi
    exit 0
fi

if [ ! -f "$dir/PG_VERSION" ]; then
    say "creating a cluster in $dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-locale --no-sync >&2
fi

if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    say "starting on 127.0.0.1:$port"
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >&2
fi

exists=$(as_owner "$psql" -X -tA -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = '$database'")
if [ "$exists" != 1 ]; then
    as_owner "$psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE DATABASE $database" >&2
fi

echo "$url"

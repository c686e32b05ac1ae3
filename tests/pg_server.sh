#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks (the same one for developers and CI).
#
#   eval "$(bash tests/pg_server.sh start DIR)"   # sets DOITHOAI_TEST_PG_URL, prints nothing else
#   bash tests/pg_server.sh stop DIR
#   bash tests/pg_server.sh start-kept DIR          # the benchmarks' server (see below)
#   bash tests/pg_server.sh stop-kept DIR
#
# The server runs from a fresh data directory DIR/data on 127.0.0.1 on a free port, with the
# superuser "postgres" and a fixed test password (the tests create and drop databases, and check
# that a wrong password is refused); it is tuned for speed, not durability:
# fsync off, because the data is thrown away.
#
# start-kept / stop-kept are for `make bench`: the data directory DIR/data is made once and kept
# (the generated province takes minutes to write), and the server is durable like an office's
# (fsync, synchronous_commit and full_page_writes at their defaults), because the benchmark
# measures commit latency and a server that never flushes would flatter it. As root it runs as the "postgres" user (initdb
# refuses root); it is installed from Debian's packages by .ci/run when missing.
set -euo pipefail

pg_bindir() {
    local found
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then
        echo "$found"
        return
    fi
    echo "pg_server.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 3
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Only for this throwaway server on 127.0.0.1; never a real office's password.
PASSWORD=doithoai-test
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop|start-kept|stop-kept DIR" >&2
    exit 2
fi
bin=$(pg_bindir)

# A new data directory in DIR/data, owned by the server's user.
init_data() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
    fi
    # TCP asks for the password (so the tests can check a wrong one); the socket is for pg_ctl.
    printf '%s\n' "$PASSWORD" >"$dir/pwfile"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir/pwfile"
    fi
    init() {
        as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 "$@" >"$dir/initdb.log" 2>&1
    }
    init --locale=C.UTF-8 || { rm -rf "$dir/data" && init --locale=C; }
    rm -f "$dir/pwfile"
}

# Start the server of DIR/data on a free port with these extra settings; prints the URL export.
run_server() {
    local port
    port=$(free_port)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
        -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200 $*" start >/dev/null
    echo "$port" >"$dir/port"
    echo "export DOITHOAI_TEST_PG_URL=postgresql+psycopg://postgres:$PASSWORD@127.0.0.1:$port/postgres"
}

case "$cmd" in
start)
    init_data
    run_server -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    ;;
start-kept)
    if [ -f "$dir/data/PG_VERSION" ]; then
        dir=$(cd "$dir" && pwd)
        # A run killed before stop-kept left it running: stop it, then start it afresh.
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    else
        rm -rf "$dir/data"
        init_data
    fi
    # An office server's durability (the defaults), with memory for a province's indexes.
    run_server -c shared_buffers=256MB -c max_wal_size=4GB
    ;;
stop-kept)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop|start-kept|stop-kept DIR" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A throw-away PostgreSQL primary and its hot standby (streaming replication), for the tests
# that read reports on a real replica (test/integration/reports-replica.test.ts, decision 0060).
# Uses the machine's PostgreSQL binaries; the clusters live in a new directory under /tmp and
# listen on 127.0.0.1 only. Prints the two URLs as shell assignments:
#   eval "$(scripts/replica-pair.sh start)"   sets TEST_REPLICA_PRIMARY_URL, TEST_REPLICA_URL
#   scripts/replica-pair.sh stop DIR          stops both and removes DIR (REPLICA_PAIR_DIR)
set -euo pipefail
# Two free ports in a row from 5434 up (another pair, or a leftover one, may hold some).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PRIMARY_PORT=5434
while ! { port_free "$PRIMARY_PORT" && port_free $((PRIMARY_PORT + 1)); }; do
  PRIMARY_PORT=$((PRIMARY_PORT + 2))
  [ "$PRIMARY_PORT" -lt 5500 ] || { echo "replica-pair.sh: no free ports below 5500" >&2; exit 1; }
done
STANDBY_PORT=$((PRIMARY_PORT + 1))
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
# initdb and the servers refuse to run as root: as root, run them as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
  dir="$(mktemp -d /tmp/v2v-replica-pair.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  cat >>"$dir/primary/postgresql.conf" <<CONF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
wal_level = replica
fsync = off
CONF
  echo "host replication all 127.0.0.1/32 trust" >>"$dir/primary/pg_hba.conf"
  as_pg "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start >/dev/null
  # -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby.
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$dir/standby" -R -X stream
  sed -i "s/^port = $PRIMARY_PORT\$/port = $STANDBY_PORT/" "$dir/standby/postgresql.conf"
  as_pg "$bin/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w start >/dev/null
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qc "CREATE DATABASE v2v" >/dev/null
  echo "REPLICA_PAIR_DIR=$dir"
  echo "TEST_REPLICA_PRIMARY_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/v2v"
  echo "TEST_REPLICA_URL=postgres://postgres@127.0.0.1:$STANDBY_PORT/v2v"
  ;;
stop)
  dir="${2:?usage: replica-pair.sh stop DIR}"
  for c in standby primary; do
    [ -d "$dir/$c" ] && as_pg "$bin/pg_ctl" -D "$dir/$c" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
  ;;
*)
  echo "usage: replica-pair.sh start | stop DIR" >&2
  exit 2
  ;;
esac

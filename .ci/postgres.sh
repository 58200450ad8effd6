# Sourced by .ci/run (or by hand: `source .ci/postgres.sh`): installs PostgreSQL from Debian's packages when it
# is missing, starts a throwaway server on loopback with its own data directory, exports
# ROTH_ROOM_TEST_POSTGRES for the tests, and stops the server and removes the directory when the shell exits.

_rr_pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; fi
}

if [ -z "$(_rr_pg_bin)" ]; then
  echo "postgres.sh: installing PostgreSQL from Debian's packages" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
RR_PG_BIN=$(_rr_pg_bin)
RR_PG_DATA=$(mktemp -d /tmp/roth-room-pg.XXXXXX)
RR_PG_PORT=${RR_PG_PORT:-55432}
while (echo >"/dev/tcp/127.0.0.1/$RR_PG_PORT") 2>/dev/null; do RR_PG_PORT=$((RR_PG_PORT + 1)); done

# PostgreSQL refuses to run as root: as root, run it as the 'postgres' user the package created.
RR_PG_AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$RR_PG_DATA"
  RR_PG_AS=(runuser -u postgres --)
fi
"${RR_PG_AS[@]}" "$RR_PG_BIN/initdb" -D "$RR_PG_DATA/db" -U roth -A trust -E UTF8 --no-sync >/dev/null
"${RR_PG_AS[@]}" "$RR_PG_BIN/pg_ctl" -D "$RR_PG_DATA/db" -l "$RR_PG_DATA/server.log" -w -s start \
  -o "-c listen_addresses=127.0.0.1 -p $RR_PG_PORT -k $RR_PG_DATA -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c max_connections=200"
export ROTH_ROOM_TEST_POSTGRES="postgresql://roth@127.0.0.1:$RR_PG_PORT/postgres"
echo "postgres.sh: PostgreSQL $("$RR_PG_BIN/postgres" --version | awk '{print $3}') on $ROTH_ROOM_TEST_POSTGRES" >&2

_rr_pg_stop() {
  "${RR_PG_AS[@]}" "$RR_PG_BIN/pg_ctl" -D "$RR_PG_DATA/db" -m fast -w -s stop || true
  rm -rf "$RR_PG_DATA"
}
trap _rr_pg_stop EXIT

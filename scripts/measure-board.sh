#!/usr/bin/env bash
# Latency of the tracking board and of a faceted search (issue 7), measured by wrk from a
# second process on 127.0.0.1, on a database that already holds the national volume
# (`ceres demo --scale national`).
#
# Usage: scripts/measure-board.sh CERES_BIN [SECONDS]
# The database is the one of the environment (DATABASE_URL, or CERES_DATA_DIR's SQLite);
# CERES_SIGNING_KEY is needed with PostgreSQL, as for `ceres serve`.
# Prints, for each page and account, wrk's request rate and the median and 95th percentile.
set -euo pipefail
bin=${1:?usage: measure-board.sh CERES_BIN [SECONDS]}
seconds=${2:-20}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

RUST_LOG=warn "$bin" serve --listen 127.0.0.1:0 --port-file "$work/port" >"$work/log" 2>&1 &
server=$!
for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://$(cat "$work/port")"

cat >"$work/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  %d requests, %d errors; median %.1f ms, p95 %.1f ms, max %.1f ms\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000))
end
LUA

cookie_of() {
  local jar="$work/jar-$1" token
  token=$(curl -fsS -c "$jar" -b "$jar" "$base/connexion" \
    | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=ceres-demo-2026" "$base/connexion"
  awk '$6 ~ /ceres_session/ { print $6 "=" $7 }' "$jar"
}

for account in admin@demo.ceres.fr agent.drieets-idf@demo.ceres.fr; do
  cookie=$(cookie_of "$account")
  for path in "/" "/sessions?q=agent&etat=validee" "/sessions?impression=partielle&tri=code"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$path")
    echo "$account GET $path (status $status)"
    wrk -t 1 -c 4 -d "${seconds}s" -H "Cookie: $cookie" -s "$work/percentiles.lua" \
      "$base$path" | tail -n 1
  done
done

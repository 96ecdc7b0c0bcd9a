#!/usr/bin/env bash
# Measures, for issue 2: the time from an empty data folder to a served page (import and demo
# included, build excluded), and the peak memory (VmHWM) of `ceres serve` after a sign-in, a
# candidate list and a preview PDF. Usage: scripts/measure-first-start.sh [path/to/ceres]
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/ceres}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

start=$(date +%s%N)
CERES_DATA_DIR=$dir DATABASE_URL= RUST_LOG=warn "$bin" serve --demo --listen 127.0.0.1:0 \
  --port-file "$dir/port" 2>"$dir/log" &
pid=$!
until [ -s "$dir/port" ]; do sleep 0.02; done
address=$(cat "$dir/port")
curl -sf -o /dev/null "http://$address/connexion"
end=$(date +%s%N)
echo "first start to served page: $(( (end - start) / 1000000 )) ms"

jar=$dir/cookies
# The sign-in form carries a CSRF token tied to the web session (issue 8).
token=$(curl -sf -c "$jar" -b "$jar" "http://$address/connexion" \
  | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -sf -o /dev/null -c "$jar" -b "$jar" \
  --data-urlencode "csrf_token=$token" \
  -d 'email=agent.ud75@demo.ceres.fr&password=ceres-demo-2026' "http://$address/connexion"
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" \
  "http://$address/sessions/TITRE_B_2023_470415/candidats")
[ "$status" = 200 ] || { echo "candidate list answered $status: sign-in failed" >&2; exit 1; }
curl -sf -o /dev/null -b "$jar" \
  "http://$address/sessions/TITRE_B_2023_470415/candidats/2122559/apercu/diplome.pdf"
grep VmHWM "/proc/$pid/status"

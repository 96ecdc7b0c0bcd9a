#!/usr/bin/env bash
# The print provider's API tested from its own OpenAPI document with schemathesis (PyPI):
# starts `ceres serve --demo` on a scratch SQLite database, issues a provider token, has the
# demo's agent send a candidate for printing through the web form and `ceres work --lot` put
# the pli into a lot, then lets schemathesis call every operation with generated data and
# check each answer against the document: status codes, content types, response schemas, no
# server error.
#
# Usage: tests/provider-api/run.sh CERES_BIN
# Settings: CERES_VENV (default $HOME/.cache/ceres-venv), ST_MAX_EXAMPLES (default 40).
set -euo pipefail

bin=${1:?usage: run.sh CERES_BIN}
venv=${CERES_VENV:-$HOME/.cache/ceres-venv}
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis>=4,<5'
fi

export DATABASE_URL="sqlite://$work/ceres.sqlite" CERES_DATA_DIR="$work" RUST_LOG=warn
"$bin" serve --demo --listen 127.0.0.1:0 --port-file "$work/port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://$(cat "$work/port")"
for _ in $(seq 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

token=$("$bin" provider add-token --label schemathesis 2>/dev/null)
# A lot to take: the demo's agent sends a candidate for printing through the web form.
jar="$work/cookies"
csrf() { curl -fsS -b "$jar" -c "$jar" "$base/$1" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1; }
t=$(csrf connexion)
curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$t" \
  --data-urlencode "email=agent.ud75@demo.ceres.fr" --data-urlencode "password=ceres-demo-2026" \
  "$base/connexion"
t=$(csrf sessions/TITRE_B_2023_470415/candidats/2122559)
curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$t" \
  --data-urlencode "verifie=oui" "$base/sessions/TITRE_B_2023_470415/candidats/2122559/demande-impression"
"$bin" work --lot >/dev/null
lots=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/provider/v1/lots")
echo "lots: $lots"
echo "$lots" | grep -q '"plis":1' || { echo "no lot to test against" >&2; cat "$work/server.log" >&2; exit 1; }

"$venv/bin/st" run "$base/api/provider/v1/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "${ST_MAX_EXAMPLES:-40}" \
  --no-color

#!/usr/bin/env bash
# The whole test suite of ceres, as CI runs it (.ci/run calls this script):
#   1. installs what the tests need and a fresh Debian machine lacks (Chromium, pdftotext);
#   2. makes sure PostgreSQL answers on 127.0.0.1:5432;
#   3. installs the OpenID Connect provider the integration tests start (tests/oidc, npm ci
#      from its lock file);
#   4. cargo test --workspace on SQLite (the default), then again on PostgreSQL;
#   5. the browser tests in Chromium (tests/e2e/) with the binary `cargo test` built;
#   6. the provider's API tested from its OpenAPI document by schemathesis (PyPI, in a
#      virtualenv under $HOME/.cache);
#   7. the pipeline's tests again with the files on an S3-compatible storage (moto's
#      server, PyPI, same virtualenv).
#
# Runs as root on Debian with Rust and Node.js 20 (elsewhere, apt-get goes through sudo).
# Settings, all optional:
#   CARGO_TARGET_DIR   where cargo builds (default: target/)
#   CERES_TEST_PG_URL  the PostgreSQL database the tests make their scratch databases from
#                      (default: postgres://postgres@127.0.0.1:5432/test)
#   E2E_ARTIFACTS      where the browser test leaves its screenshots and the server log
#                      (default: <target dir>/e2e-artifacts)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

pg_url=${CERES_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}

section() {
  printf '\n==== %s ====\n' "$*"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

section "System packages"
if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null && command -v curl >/dev/null; then
  echo "chromium, pdftotext and curl are installed"
else
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y chromium chromium-driver poppler-utils curl
fi
for tool in cargo node npm pg_isready psql python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
/usr/bin/chromium --version 2>/dev/null

section "PostgreSQL on 127.0.0.1:5432"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  # The newest installed major version (Debian keeps one folder per version).
  version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
  echo "not answering: starting cluster $version/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.5
  done
fi
pg_isready -h 127.0.0.1 -p 5432
psql -X -q -c 'select 1' "$pg_url" >/dev/null
echo "$pg_url answers"

section "OpenID Connect test provider (tests/oidc)"
(cd tests/oidc && npm ci --ignore-scripts --no-audit --no-fund)

section "cargo test --workspace (SQLite)"
env -u DATABASE_URL cargo test --workspace

section "cargo test --workspace (PostgreSQL)"
export DATABASE_URL=$pg_url
cargo test --workspace
unset DATABASE_URL

section "Browser tests in Chromium: the tutorial, the pages under the CSP"
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
export CERES_BIN="$target_dir/debug/ceres"
# `cargo test` has just built the binary for its integration tests: `cargo build -p ceres`
# would resolve other features and build about forty crates a second time.
[ -x "$CERES_BIN" ] || cargo build -p ceres
export E2E_ARTIFACTS=${E2E_ARTIFACTS:-$target_dir/e2e-artifacts}
mkdir -p "$E2E_ARTIFACTS"
(cd tests/e2e && npm ci --ignore-scripts --no-audit --no-fund)
node --test tests/e2e/
echo "screenshots and server log: $E2E_ARTIFACTS"

section "The provider's API from its OpenAPI document (schemathesis)"
export CERES_VENV=${CERES_VENV:-$HOME/.cache/ceres-venv}
tests/provider-api/run.sh "$CERES_BIN"

section "The pipeline with its files on an S3-compatible storage (moto)"
tests/object-store/run.sh

section "All tests passed"

#!/usr/bin/env bash
# The ledger's files on an S3-compatible object storage (issue 5): starts moto's S3 server
# (PyPI, in the virtualenv under $HOME/.cache), makes a bucket, then runs the tests of the
# pipeline and of what follows the sending (rendering, the provider's downloads and ZIP, the
# crash sweep, the duplicata and PND cycle) with `CERES_TEST_FILES_URL` pointing every test
# app, and the `ceres` processes they start, at that bucket instead of a local folder;
# finally checks that the bucket holds the PDFs they wrote.
#
# Usage: tests/object-store/run.sh   (from scripts/test.sh, after `cargo test` built things)
# Settings: CERES_VENV (default $HOME/.cache/ceres-venv).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
venv=${CERES_VENV:-$HOME/.cache/ceres-venv}
work=$(mktemp -d)
trap 'kill "${moto:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ ! -x "$venv/bin/moto_server" ]; then
  "$venv/bin/pip" install --quiet 'moto[server]>=5,<6'
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
endpoint="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fsS -o /dev/null "$endpoint/" 2>/dev/null && break; sleep 0.2; done
bucket=ceres-test
curl -fsS -o /dev/null -X PUT "$endpoint/$bucket"
echo "moto S3 server on $endpoint, bucket $bucket"

export CERES_TEST_FILES_URL="s3://$bucket" AWS_ENDPOINT="$endpoint" AWS_ALLOW_HTTP=true \
  AWS_ACCESS_KEY_ID=ceres-test AWS_SECRET_ACCESS_KEY=ceres-test AWS_REGION=eu-west-3
env -u DATABASE_URL cargo test --workspace --test app -- pipeline:: after_send::

# What the tests wrote is in the bucket: the listing names PDFs under the apps' folders.
pdfs=$(curl -fsS "$endpoint/$bucket?list-type=2&max-keys=1000" | grep -o '<Key>[^<]*\.pdf</Key>' | wc -l)
echo "$pdfs PDFs in the bucket"
[ "$pdfs" -gt 0 ] || { echo "no PDF reached the bucket" >&2; exit 1; }

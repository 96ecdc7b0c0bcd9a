#!/usr/bin/env bash
# Vendors the French state design system (DSFR) into crates/web/static/dsfr/.
#
# Only what a server-rendered page needs is kept (about 7 MB of the 111 MB package): the
# minified CSS with the fonts and icons its url() references point at, the two JS bundles,
# the favicons and the licence. The layout under dist/ is kept as it is so that every
# relative url() in the CSS still resolves; the script checks that before it finishes.
#
# `npm pack` fetches the tarball without running any install script (the package's own
# postinstall refuses to run without DSFR_ACCEPT_LICENSE=1). The tarball is checked against
# the integrity the registry published for this version.
#
# Usage: scripts/vendor-dsfr.sh   (needs npm, tar, sha512sum or openssl, base64)
set -euo pipefail

version=1.15.3
integrity='sha512-R9AALZc1LfZjtytWZMOaUIOHWTkllBZ/sZlsL8TpKZVgF3qUKXt/uNYh+L1D1Fh4p92ZqWxbtNcebsigBZe5pQ=='

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/crates/web/static/dsfr"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> Fetching @gouvfr/dsfr@$version with npm pack"
(cd "$work" && npm pack --ignore-scripts --silent "@gouvfr/dsfr@$version" >/dev/null)
tarball="$work/gouvfr-dsfr-$version.tgz"

actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "integrity mismatch: expected $integrity, got $actual" >&2
  exit 1
fi

echo "==> Extracting"
tar -xzf "$tarball" -C "$work"
pkg="$work/package"
dist="$pkg/dist"

echo "==> Copying into ${dest#"$root"/}"
mkdir -p "$dest"
# Everything but the hand-written notes is replaced.
find "$dest" -mindepth 1 -maxdepth 1 ! -name VENDORED.md -exec rm -rf {} +

cp "$dist/dsfr.min.css" "$dist/dsfr.module.min.js" "$dist/dsfr.nomodule.min.js" "$dest/"
cp -r "$dist/fonts" "$dist/icons" "$dist/favicon" "$dest/"
mkdir -p "$dest/utility"
cp "$dist/utility/utility.min.css" "$dest/utility/"
# The licence links to its terms of use at doc/legal/cgu.md: keep that link resolving.
cp "$pkg/LICENSE.md" "$dest/"
mkdir -p "$dest/doc/legal"
cp "$pkg/doc/legal/cgu.md" "$dest/doc/legal/"

echo "==> Checking that every url() in the CSS resolves"
missing=0
for css in "$dest/dsfr.min.css" "$dest/utility/utility.min.css"; do
  dir=$(dirname "$css")
  while IFS= read -r ref; do
    [ -f "$dir/$ref" ] || { echo "missing: $ref (from ${css#"$dest"/})" >&2; missing=1; }
  done < <(grep -o 'url([^)]*)' "$css" \
             | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" -e 's/[?#].*$//' \
             | grep -v '^data:' | sort -u)
done
[ "$missing" -eq 0 ] || exit 1

echo "==> Done: $(du -sh "$dest" | cut -f1) in $(find "$dest" -type f | wc -l) files"

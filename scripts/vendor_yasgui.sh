#!/usr/bin/env bash
# Vendor YASGUI (the SPARQL editor of /sparql) from the npm registry into api/static/vendor/yasgui/,
# so that the page loads it from this server (no CDN). Pinned version; `npm pack` checks the
# tarball against the registry's integrity hash, and this script checks it again. Safe to run
# again: it does nothing when the pinned version is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.2.28
INTEGRITY="sha512-HN1neZqERSGoDyk/Fg40nI+F0tHnaBxjqizhN0mur2Kj0oJsklBsFMRk/M+wW+ohy8dSEn7AgX3H0pPrV/wmVg=="
DEST=api/static/vendor/yasgui

if [ -f "$DEST/VERSION" ] && [ "$(cat "$DEST/VERSION")" = "$VERSION" ] && [ -f "$DEST/yasgui.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "setup: installing nodejs and npm (to fetch YASGUI from the npm registry)" >&2
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@triply/yasgui@$VERSION" >/dev/null)
tarball="$work/triply-yasgui-$VERSION.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
  echo "setup: @triply/yasgui@$VERSION does not match its pinned integrity hash" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
mkdir -p "$DEST"
for f in build/yasgui.min.js build/yasgui.min.css build/yasgui.min.js.LICENSE.txt LICENSE.txt; do
  cp "$work/package/$f" "$DEST/"
done
echo "$VERSION" > "$DEST/VERSION"
echo "setup: vendored @triply/yasgui@$VERSION into $DEST" >&2

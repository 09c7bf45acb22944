#!/usr/bin/env bash
# Refresh the vendored YASGUI (the SPARQL editor of /sparql) in api/static/vendor/yasgui/ from the
# npm registry (@zazuko/yasgui, the maintained fork of @triply/yasgui). The built files are
# committed (about 1.1 MB), so a clean clone needs nothing from here; run this only to change the
# pinned version. The tarball is checked against the registry's sha512 integrity hash.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.6.2
INTEGRITY="sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
URL="https://registry.npmjs.org/@zazuko/yasgui/-/yasgui-$VERSION.tgz"
DEST=api/static/vendor/yasgui

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsS --max-time 120 -o "$work/yasgui.tgz" "$URL"
got="sha512-$(openssl dgst -sha512 -binary "$work/yasgui.tgz" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
  echo "vendor_yasgui: $URL does not match its pinned integrity hash" >&2
  exit 1
fi
tar -xzf "$work/yasgui.tgz" -C "$work"
mkdir -p "$DEST"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" "$DEST/"
# The tarball ships no licence file; package.json declares MIT (copyright Triply). Write it out.
license=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["license"])' "$work/package/package.json")
if [ "$license" != MIT ]; then
  echo "vendor_yasgui: licence changed to $license; review before vendoring" >&2
  exit 1
fi
cat > "$DEST/LICENSE" <<'LIC'
@zazuko/yasgui (https://github.com/rdfjs/Yasgui), licence declared in its package.json: MIT

Copyright (c) Triply B.V. and contributors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LIC
echo "$VERSION $INTEGRITY" > "$DEST/VERSION"
echo "vendor_yasgui: vendored @zazuko/yasgui@$VERSION into $DEST" >&2

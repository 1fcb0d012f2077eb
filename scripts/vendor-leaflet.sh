#!/bin/sh
# Refreshes src/web/vendor/leaflet (the map of /places, served by the node itself: no CDN) from
# the npm registry, checking the package against its published integrity. Leaflet is
# BSD-2-Clause: its LICENSE is kept beside the files. Needs npm, openssl, tar.
#
#   scripts/vendor-leaflet.sh [DEST]
set -eu
VERSION=1.9.4
INTEGRITY='sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=='
DEST=${1:-src/web/vendor/leaflet}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "leaflet@$VERSION" >/dev/null)
got="sha512-$(openssl dgst -sha512 -binary "$tmp/leaflet-$VERSION.tgz" | base64 -w0)"
[ "$got" = "$INTEGRITY" ] || { echo "leaflet-$VERSION.tgz: integrity $got, expected $INTEGRITY" >&2; exit 1; }
tar -xzf "$tmp/leaflet-$VERSION.tgz" -C "$tmp"
rm -rf "$DEST"; mkdir -p "$DEST/images"
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$DEST/"
cp "$tmp/package/dist/images/"*.png "$DEST/images/"
cp "$tmp/package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"

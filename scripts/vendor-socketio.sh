#!/usr/bin/env bash
# Copy the official Socket.IO browser client out of its npm package into static/vendor/socket.io/.
# The files are committed, so serving the app needs no network; run this only to change the version.
# socket.io-client 4.x speaks Engine.IO protocol v4, the one python-socketio 5.x serves.
#   scripts/vendor-socketio.sh [VERSION]        (default: the version pinned below)
set -euo pipefail
VERSION=${1:-4.8.4}
case "$VERSION" in
  4.*) ;;
  *) echo "socket.io-client $VERSION: only 4.x speaks the protocol of python-socketio 5.x" >&2; exit 1 ;;
esac
cd "$(dirname "$0")/.."
DEST=static/vendor/socket.io
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# npm pack checks the tarball against the registry's integrity hash before writing it.
(cd "$WORK" && npm pack --silent --json "socket.io-client@$VERSION" > pack.json)
TARBALL=$(node -e 'console.log(require(process.argv[1])[0].filename)' "$WORK/pack.json")
INTEGRITY=$(node -e 'console.log(require(process.argv[1])[0].integrity)' "$WORK/pack.json")
tar -xzf "$WORK/$TARBALL" -C "$WORK" package/package.json package/LICENSE \
  package/dist/socket.io.min.js package/dist/socket.io.min.js.map
PACKED=$(node -e 'console.log(require(process.argv[1]).version)' "$WORK/package/package.json")
[ "$PACKED" = "$VERSION" ] || { echo "asked for $VERSION, the package says $PACKED" >&2; exit 1; }

mkdir -p "$DEST"
rm -f "$DEST"/*
cp "$WORK/package/dist/socket.io.min.js" "$WORK/package/dist/socket.io.min.js.map" "$WORK/package/LICENSE" "$DEST/"
{
  echo "socket.io-client $VERSION"
  echo "from the npm package $TARBALL ($INTEGRITY)"
  echo "files: dist/socket.io.min.js, dist/socket.io.min.js.map, LICENSE"
  echo "made by scripts/vendor-socketio.sh"
} > "$DEST/VERSION"
echo "socket.io-client $VERSION -> $DEST"

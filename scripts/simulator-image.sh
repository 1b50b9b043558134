#!/usr/bin/env bash
# Build the One API simulator (fixtures/simulator) statically and import it as goroscope-test/simulator:latest.
# Idempotent: the image is also tagged with a hash of the source, and nothing is rebuilt while that tag exists
# and :latest points at it. Works offline and as root (Go caches under /tmp).
set -euo pipefail

cd "$(dirname "$0")/.."
src=fixtures/simulator
image=goroscope-test/simulator
hash=$(cat "$src"/go.mod "$src"/*.go scripts/simulator-image.sh | sha256sum | cut -c1-12)

latest_id=$(docker image inspect --format '{{.Id}}' "$image:latest" 2>/dev/null || true)
hash_id=$(docker image inspect --format '{{.Id}}' "$image:src-$hash" 2>/dev/null || true)
if [ -n "$hash_id" ] && [ "$hash_id" = "$latest_id" ]; then
  echo "simulator-image.sh: $image:latest is current (src-$hash)"
  exit 0
fi

command -v go >/dev/null 2>&1 || { echo "simulator-image.sh: go not found (apt-get install golang-go)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/data"
chmod 1777 "$root/tmp"
echo "simulator-image.sh: building $src (src-$hash)"
( cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOCACHE=/tmp/goroscope-gocache GOPATH=/tmp/goroscope-gopath \
    go build -trimpath -o "$root/simulator" . )
if [ -x /bin/busybox ]; then
  cp /bin/busybox "$root/bin/"
  for c in sh wget cat ls sleep kill ps env; do ln -sf busybox "$root/bin/$c"; done
fi
tar -C "$root" -c . | docker import --change 'ENTRYPOINT ["/simulator"]' --change 'WORKDIR /data' \
  --change 'ENV PATH=/bin' - "$image:src-$hash" >/dev/null
docker tag "$image:src-$hash" "$image:latest"
# Drop the tags of older builds so the engine does not collect them.
docker images --format '{{.Repository}}:{{.Tag}}' "$image" | grep ':src-' | grep -v ":src-$hash\$" | xargs -r docker rmi >/dev/null 2>&1 || true
echo "simulator-image.sh: $image:latest = src-$hash"

#!/usr/bin/env bash
# Make the images the engine tests run, on an engine that already answers. Nothing can be pulled here, so both are
# made locally with `docker import`:
#   goroscope-test/busybox    from the host's static busybox (Debian: busybox-static)
#   goroscope-test/simulator  the One API simulator (fixtures/simulator), built with Go when `go` exists
# Idempotent. Exits 0 when it made (or found) what it could; the test setup then checks which images exist.
# With --strict (CI) a missing ingredient is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
strict=0
[ "${1:-}" = "--strict" ] && strict=1

missing() { # what, how to get it
  if [ "$strict" = 1 ]; then echo "test-images.sh: $1 ($2)" >&2; exit 1; fi
  echo "test-images.sh: skipped: $1 ($2)" >&2
}

# A static busybox: a dynamically linked one would not start in an image with no libc.
static_busybox() {
  for b in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null || true)"; do
    [ -n "$b" ] && [ -x "$b" ] || continue
    if ! LC_ALL=C ldd "$b" 2>&1 | grep -q '=>'; then echo "$b"; return 0; fi
  done
  return 1
}

if ! docker image inspect goroscope-test/busybox:latest >/dev/null 2>&1; then
  if bb=$(static_busybox); then
    echo "test-images.sh: importing goroscope-test/busybox from $bb"
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/tmp" "$root/www"
    cp "$bb" "$root/bin/busybox"
    for c in sh echo cat sleep printf seq httpd head tr yes wget date env kill true false ls mkdir rm; do ln -sf busybox "$root/bin/$c"; done
    tar -C "$root" -c . | docker import - goroscope-test/busybox:latest >/dev/null
    rm -rf "$root"
  else
    missing "no static busybox for goroscope-test/busybox" "apt-get install busybox-static"
  fi
fi

if command -v go >/dev/null 2>&1; then
  scripts/simulator-image.sh
elif ! docker image inspect goroscope-test/simulator:latest >/dev/null 2>&1; then
  missing "no Go toolchain to build goroscope-test/simulator" "apt-get install golang-go"
fi

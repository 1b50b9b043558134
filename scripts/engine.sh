#!/usr/bin/env bash
# Install (from Debian's packages), start and prepare the Docker engine the engine tests use (CI runs this).
# Idempotent: safe to run again on a machine where the engine already answers.
# Images cannot be pulled here, so the test image is made locally with `docker import`.
set -euo pipefail

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
[ -x /bin/busybox ] || need_pkgs+=(busybox-static)
command -v go >/dev/null 2>&1 || need_pkgs+=(golang-go)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium) # the HTML report check (test/report/html-browser.test.ts)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "engine.sh: installing ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# The docker CLI on PATH may be newer than the daemon (API 1.41); let it negotiate down.
if ! docker version >/dev/null 2>&1; then
  echo "engine.sh: starting dockerd"
  rm -f /var/run/docker.pid
  nohup dockerd --iptables=false --bridge=none --storage-driver=vfs >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker version >/dev/null 2>&1 || { echo "engine.sh: dockerd did not start; see /tmp/dockerd.log" >&2; tail -20 /tmp/dockerd.log >&2; exit 1; }
fi

# The test images (goroscope-test/busybox, goroscope-test/simulator); the test setup runs this too.
scripts/test-images.sh --strict
echo "engine.sh: engine ready ($(docker version --format '{{.Server.Version}} API {{.Server.APIVersion}}'))"

#!/usr/bin/env bash
# Installs the real Linux SSTP client (Debian package sstp-client, `sstpc`)
# for the embedding tests (tests/embed_sstpc.rs). Idempotent and quiet; it
# never fails the build: where the client cannot be had it prints
#   SKIPPED sstpc tests: <reason>
# and the tests skip themselves with the same notice.
set -u

have_sstpc() {
  command -v sstpc >/dev/null 2>&1 || [ -x /usr/sbin/sstpc ] || [ -x /usr/bin/sstpc ]
}

if have_sstpc; then
  exit 0
fi
if [ "$(uname -s)" != "Linux" ]; then
  echo "SKIPPED sstpc tests: sstp-client is a Linux program (this is $(uname -s))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "SKIPPED sstpc tests: no apt-get here (sstp-client is installed from Debian's packages)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "SKIPPED sstpc tests: not root, cannot install sstp-client"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show sstp-client >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
fi
if ! apt-cache show sstp-client >/dev/null 2>&1; then
  echo "SKIPPED sstpc tests: no sstp-client package in the configured package sources"
  exit 0
fi
if ! apt-get install -y -qq --no-install-recommends sstp-client >/dev/null 2>&1; then
  echo "SKIPPED sstpc tests: apt-get install sstp-client failed"
  exit 0
fi
if ! have_sstpc; then
  echo "SKIPPED sstpc tests: sstp-client installed but no sstpc found"
fi
exit 0

#!/usr/bin/env bash
# What building and testing Newswire needs on a fresh Debian machine: a C and C++
# toolchain and make for librdkafka and CLD2, Java 17 and Maven for the local Kafka broker, and the
# independent checkers the tests call. Installs only what is missing.
set -euo pipefail

need=()
command -v cc >/dev/null || need+=(build-essential)
command -v c++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v docker-compose >/dev/null || need+=(docker-compose)
# Go's standard library reads feed dates strictly (tests/reference/strict-dates.go).
command -v go >/dev/null || need+=(golang-go)
# Node runs the networks' own counting code the social tests recount posts with.
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
# The wire monitor's browser test (tests/tests/e2e/browser.rs) drives Debian's Chromium
# through its WebDriver server.
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
# The SFTP destination's test (services/delivery/tests/sftp.rs) starts Debian's OpenSSH
# server on loopback.
{ [ -x /usr/sbin/sshd ] && command -v ssh-keygen >/dev/null; } || need+=(openssh-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # Install without starting services: the tests start their own OpenSSH server on
  # loopback, and a machine-wide one on port 22 is not ours to open (policy-rc.d, as
  # Debian's invoke-rc.d reads it; systemd hosts: the unit is disabled after).
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  installed=0
  apt-get install -y -q "${need[@]}" >/dev/null || installed=$?
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
  [ "$installed" -eq 0 ] || exit "$installed"
  if printf '%s\n' "${need[@]}" | grep -qx openssh-server && command -v systemctl >/dev/null; then
    systemctl disable --now ssh >/dev/null 2>&1 || true
  fi
fi
# Independent checkers the feeds tests run.
python3 -c "import feedparser" 2>/dev/null || python3 -m pip install -q feedparser
# The W3C Feed Validator (its source is in ../shared/conformance/feedvalidator) needs lxml,
# html5lib and rdflib; they live in a venv of their own, where the feeds conformance
# test looks for it (or NEWSWIRE_FEEDVALIDATOR_PYTHON); feedparser beside them for the
# readers' differential test.
venv="$HOME/.cache/newswire/feedvalidator-venv"
"$venv/bin/python" -c "import lxml, html5lib, rdflib, feedparser" 2>/dev/null || {
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q lxml==6.1.3 html5lib==1.1 rdflib==7.6.0 feedparser==6.0.14
}
# OpenTelemetry Python's W3C Trace Context propagator: the reference the traceparent
# test (shared/tests/traceparent.rs) checks our parser against, in a venv of its own.
otel="$HOME/.cache/newswire/otel-venv"
"$otel/bin/python" -c "import opentelemetry.trace.propagation.tracecontext" 2>/dev/null || {
  python3 -m venv "$otel"
  "$otel/bin/pip" install -q opentelemetry-api==1.45.2
}
# The Standard Webhooks reference library (Python), which the webhook tests' receiver
# (services/delivery/tests/reference/webhook_receiver.py) verifies every signature with.
hooks="$HOME/.cache/newswire/webhooks-venv"
"$hooks/bin/python" -c "import standardwebhooks" 2>/dev/null || {
  python3 -m venv "$hooks"
  "$hooks/bin/pip" install -q standardwebhooks==1.1.0
}
# X's official twitter-text 3.1.0 (and the data the build script reads), pinned by the
# lockfile, into the git-ignored services/social/tests/reference/node_modules.
reference="$(dirname "$0")/../../services/social/tests/reference"
[ -f "$reference/node_modules/twitter-text/package.json" ] && [ -f "$reference/node_modules/tlds/package.json" ] \
  || (cd "$reference" && npm ci --no-audit --no-fund --loglevel=error)
# The feeds' reference readers: gofeed's modules (go.sum pins them) and the Node reader,
# pinned by its lockfile, into the git-ignored node_modules.
feeds_reference="$(dirname "$0")/../../services/feeds/tests/reference"
(cd "$feeds_reference/gofeed" && go mod download)
[ -f "$feeds_reference/node/node_modules/@extractus/feed-extractor/package.json" ] \
  || (cd "$feeds_reference/node" && npm ci --no-audit --no-fund --loglevel=error)
command -v cargo >/dev/null || { echo "install-deps: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt

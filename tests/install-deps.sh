#!/bin/sh
# install-deps.sh - the Debian 12 packages secret-milter builds, tests and
# demonstrates with.  Run as root; safe to run again.
set -e
pkgs="build-essential autoconf automake pkg-config clang valgrind
      libgmime-3.0-dev libpcre2-dev libmilter-dev libyaml-dev libjson-c-dev
      check postfix swaks miltertest ca-certificates"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

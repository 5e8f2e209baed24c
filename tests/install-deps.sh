#!/bin/sh
# install-deps.sh - the Debian 12 packages secret-milter builds, tests and
# demonstrates with.  Run as root; safe to run again.
set -e
pkgs="build-essential autoconf automake pkg-config clang valgrind
      libgmime-3.0-dev libpcre2-dev libmilter-dev libyaml-dev libjson-c-dev
      check postfix swaks miltertest ca-certificates m4 util-linux perl
      libvectorscan-dev python3-yaml libarchive-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
export DEBIAN_FRONTEND=noninteractive
if [ -n "$missing" ]; then
	echo "installing:$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# tests/sendmail.sh runs a Sendmail unpacked from these .debs (never
# installed: sendmail-bin conflicts with postfix); fetch them once
cache=${SS_DEBCACHE:-/var/cache/secret-milter-tests/debs}
mkdir -p "$cache"
for p in sendmail-bin sendmail-cf libwrap0; do
	ls "$cache/${p}_"*.deb >/dev/null 2>&1 && continue
	echo "downloading $p into $cache"
	(cd "$cache" && apt-get download -qq "$p" 2>/dev/null) ||
		{ apt-get update -qq && (cd "$cache" && apt-get download -qq "$p" 2>/dev/null); } ||
		echo "warning: cannot download $p: tests/sendmail.sh will skip"
done

#!/bin/sh
# deb-source-fetch.sh PACKAGE VERSION SUITE NAME FILE... - unpack Debian's
# source package PACKAGE=VERSION from SUITE into
# ${XDG_CACHE_HOME:-$HOME/.cache}/wakesim/NAME-UPSTREAM once (UPSTREAM: the
# version without epoch and Debian revision, 1:10.2.2+ds-1 -> 10.2.2), and
# print the tree's path on stdout (the last line; progress goes to stderr).
# FILE... are paths the tree must have (a tree without them is not usable).
# When the suite no longer offers VERSION, the newest source it offers is
# taken (said on stderr; a tree already unpacked from it is reused).  Used
# by tools/qemu-fetch.sh and tools/libuv-fetch.sh.
#
# The machine's apt configuration is never changed: a private deb-src list
# reuses the system entry's URIs and Signed-By keyring, and its index lives
# in the cache directory.  Nothing is written inside the repository.
#
# Exit 0 with the tree's path; 77 when the source cannot be had for want of
# apt, dpkg-source, the archive keyring or the network, with the reason on
# stderr; 1 when apt works but the fetch failed; 2 on bad usage.
set -eu
[ $# -ge 5 ] || { echo "usage: deb-source-fetch.sh PACKAGE VERSION SUITE NAME FILE..." >&2; exit 2; }
pkg=$1 want=$2 suite=$3 name=$4
shift 4
me="deb-source-fetch($pkg)"
skip() { echo "$me: SKIP: $*" >&2; exit 77; }
die() { echo "$me: FAIL: $*" >&2; exit 1; }
check_tree() {
    t=$1
    shift
    for f in "$@"; do
        [ -f "$t/$f" ] || return 1
    done
}

upstream_of() {
    u=${1#*:}
    u=${u%%+*}
    echo "${u%%-*}"
}
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/wakesim
# cached_tree V FILE...: a usable tree unpacked from PACKAGE=V before: its
# path, or nothing.
cached_tree() {
    v=$1
    shift
    t=$cache/$name-$(upstream_of "$v")
    if [ "$(cut -d' ' -f1 "$t/.wakesim-unpacked" 2>/dev/null)" = "$pkg=$v" ] &&
       check_tree "$t" "$@"; then
        echo "$t"
    fi
}
tree=$(cached_tree "$want" "$@")
if [ -n "$tree" ]; then
    echo "$tree"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || skip "apt-get not found"
command -v dpkg-source >/dev/null 2>&1 || skip "dpkg-source not found (Debian package dpkg-dev)"
uri=http://deb.debian.org/debian
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    u=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' "$f")
    if [ -n "$u" ]; then
        uri=$u
        k=$(awk -v u="$u" '/^URIs:/ {hit = ($2 == u)} hit && /^Signed-By:/ {print $2; exit}' "$f")
        [ -n "$k" ] && keyring=$k
        break
    fi
done
[ -f "$keyring" ] || skip "keyring $keyring not found (Debian package debian-archive-keyring)"

mkdir -p "$cache"
work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/dl"
cat >"$work/sources.sources" <<SRC
Types: deb-src
URIs: $uri
Suites: $suite
Components: main
Signed-By: $keyring
SRC
apt_opts() {
    echo -o Dir::Etc::SourceList="$work/sources.sources" -o Dir::Etc::SourceParts=- \
         -o Dir::State::Lists="$work/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
}
apt_private() {
    # shellcheck disable=SC2046
    apt-get $(apt_opts) -o Dir::Cache::Archives="$work/archives" \
            -o APT::Sandbox::User=root -o Debug::NoLocking=1 "$@"
}

echo "$me: apt-get update of deb-src $uri $suite (private list)" >&2
apt_private update >"$work/update.log" 2>&1 || {
    tail -5 "$work/update.log" >&2
    skip "apt-get update of the private deb-src list failed (no network to $uri?)"
}
ls "$work"/lists/*Sources* >/dev/null 2>&1 || {
    tail -5 "$work/update.log" >&2
    skip "apt-get update downloaded no Sources index (no network to $uri?)"
}
# shellcheck disable=SC2046
versions=$(apt-cache $(apt_opts) showsrc "$pkg" 2>"$work/showsrc.log" |
           awk -v p="$pkg" '/^Package: / {n = $2} /^Version: / && n == p {print $2}' | sort -u)
[ -n "$versions" ] || { cat "$work/showsrc.log" >&2; die "apt works, but $suite offers no $pkg source package"; }
version=$want
if ! echo "$versions" | grep -qxF "$want"; then
    version=
    for v in $versions; do
        if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
            version=$v
        fi
    done
    echo "$me: $pkg=$want is gone from $suite (it offers: $(echo $versions)); taking the newest, $pkg=$version" >&2
    tree=$(cached_tree "$version" "$@")
    if [ -n "$tree" ]; then
        echo "$tree"
        exit 0
    fi
fi
tree=$cache/$name-$(upstream_of "$version")

echo "$me: apt-get source --download-only $pkg=$version" >&2
(cd "$work/dl" && apt_private source --download-only "$pkg=$version") >"$work/source.log" 2>&1 || {
    tail -5 "$work/source.log" >&2
    die "apt works, but apt-get source $pkg=$version failed"
}
dsc=$(ls "$work"/dl/*.dsc 2>/dev/null | head -1)
[ -n "$dsc" ] || die "apt-get source $pkg=$version downloaded no .dsc"
echo "$me: unpacking $(basename "$dsc") into $tree" >&2
rm -rf "$tree"
# --no-check: apt-get already verified the files against the signed index.
dpkg-source --no-check --skip-patches -x "$dsc" "$work/tree" >"$work/unpack.log" 2>&1 || {
    tail -5 "$work/unpack.log" >&2
    die "dpkg-source -x $(basename "$dsc") failed"
}
check_tree "$work/tree" "$@" || die "$pkg=$version lacks one of: $*"
mv "$work/tree" "$tree"
echo "$pkg=$version suite=$suite uri=$uri" >"$tree/.wakesim-unpacked"
echo "$tree"

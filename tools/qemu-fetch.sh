#!/bin/sh
# qemu-fetch.sh - find a QEMU source tree for wakesim's QEMU target and print
# its path on stdout (the last line; progress goes to stderr).
#
# QEMU_SRC=/path/to/qemu   use that checkout as it is (a QEMU developer's tree)
# otherwise                 Debian's source package qemu=$QEMU_DEB_VERSION
#                           (the pinned version by default) from suite
#                           $QEMU_DEB_SUITE, fetched once with apt-get source
#                           through a sources list private to this script,
#                           unpacked into
#                           ${XDG_CACHE_HOME:-$HOME/.cache}/wakesim/qemu-<ver>.
#                           When the suite no longer offers that version, the
#                           newest qemu source it offers is taken instead
#                           (said on stderr): the QEMU target's mutations
#                           fail the build if QEMU moved the code they edit
#                           (targets/qemu/mutate.py).
#
# The machine's apt configuration is never changed: the private list reuses
# the system entry's URIs and Signed-By keyring, and its index lives in the
# cache directory.  Nothing is written inside the repository.
#
# Exit 0 with the tree's path; 77 when the source cannot be had for want of
# apt, dpkg-source, the archive keyring or the network (the index cannot be
# downloaded), with the reason on stderr; 1 when apt works but the fetch
# failed (no qemu source in the index, the download or the unpack failed):
# CI must not mistake that for a machine without network; 2 on bad usage.
set -eu

QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.2.2+ds-1}
QEMU_DEB_SUITE=${QEMU_DEB_SUITE:-sid}

skip() { echo "qemu-fetch: SKIP: $*" >&2; exit 77; }
die() { echo "qemu-fetch: FAIL: $*" >&2; exit 1; }
# 1:10.2.2+ds-1 -> 10.2.2: the cache directory's suffix.
upstream_of() {
    u=${1#*:}
    u=${u%%+*}
    echo "${u%%-*}"
}

# The files the QEMU target compiles; a tree without them is not usable.
check_tree() {
    for f in util/async.c util/aio-posix.c util/fdmon-io_uring.c \
             util/fdmon-poll.c util/qemu-timer.c util/lockcnt.c \
             util/event_notifier-posix.c include/block/aio.h; do
        [ -f "$1/$f" ] || return 1
    done
}

if [ -n "${QEMU_SRC:-}" ]; then
    [ -d "$QEMU_SRC" ] || { echo "qemu-fetch: QEMU_SRC=$QEMU_SRC is not a directory" >&2; exit 2; }
    check_tree "$QEMU_SRC" || { echo "qemu-fetch: QEMU_SRC=$QEMU_SRC lacks util/aio-posix.c etc.: not a QEMU tree" >&2; exit 2; }
    (cd "$QEMU_SRC" && pwd)
    exit 0
fi

cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/wakesim
# A tree unpacked from qemu=VERSION before: its path, or nothing.
cached_tree() {
    t=$cache/qemu-$(upstream_of "$1")
    if [ "$(cut -d' ' -f1 "$t/.wakesim-unpacked" 2>/dev/null)" = "qemu=$1" ] &&
       check_tree "$t"; then
        echo "$t"
    fi
}
tree=$(cached_tree "$QEMU_DEB_VERSION")
if [ -n "$tree" ]; then
    echo "$tree"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || skip "apt-get not found (set QEMU_SRC to a QEMU checkout)"
command -v dpkg-source >/dev/null 2>&1 || skip "dpkg-source not found (Debian package dpkg-dev; or set QEMU_SRC)"

# Take URIs and Signed-By from the system's first Debian deb822 entry (or a
# one-line entry), so the private list trusts exactly what the machine does.
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
Suites: $QEMU_DEB_SUITE
Components: main
Signed-By: $keyring
SRC

apt_private() {
    apt-get -o Dir::Etc::SourceList="$work/sources.sources" \
            -o Dir::Etc::SourceParts=- \
            -o Dir::State::Lists="$work/lists" \
            -o Dir::Cache::Archives="$work/archives" \
            -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
            -o APT::Sandbox::User=root \
            -o Debug::NoLocking=1 "$@"
}

echo "qemu-fetch: apt-get update of deb-src $uri $QEMU_DEB_SUITE (private list)" >&2
apt_private update >"$work/update.log" 2>&1 || {
    tail -5 "$work/update.log" >&2
    skip "apt-get update of the private deb-src list failed (no network to $uri?)"
}
# apt-get update may warn and still exit 0 when nothing could be downloaded.
ls "$work"/lists/*Sources* >/dev/null 2>&1 || {
    tail -5 "$work/update.log" >&2
    skip "apt-get update downloaded no Sources index (no network to $uri?)"
}

# The versions of qemu's source the suite offers, newest first.
versions=$(apt-cache -o Dir::Etc::SourceList="$work/sources.sources" \
                     -o Dir::Etc::SourceParts=- -o Dir::State::Lists="$work/lists" \
                     -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
                     showsrc qemu 2>"$work/showsrc.log" |
           awk '/^Package: / {p = $2} /^Version: / && p == "qemu" {print $2}' | sort -u)
[ -n "$versions" ] || { cat "$work/showsrc.log" >&2; die "apt works, but $QEMU_DEB_SUITE offers no qemu source package"; }
newest=
for v in $versions; do
    if [ -z "$newest" ] || dpkg --compare-versions "$v" gt "$newest"; then
        newest=$v
    fi
done
version=$QEMU_DEB_VERSION
if ! echo "$versions" | grep -qxF "$QEMU_DEB_VERSION"; then
    echo "qemu-fetch: qemu=$QEMU_DEB_VERSION is gone from $QEMU_DEB_SUITE (it offers: $(echo $versions)); taking the newest, qemu=$newest" >&2
    version=$newest
    tree=$(cached_tree "$version")
    if [ -n "$tree" ]; then
        echo "$tree"
        exit 0
    fi
fi
tree=$cache/qemu-$(upstream_of "$version")

echo "qemu-fetch: apt-get source --download-only qemu=$version" >&2
(cd "$work/dl" && apt_private source --download-only "qemu=$version") >"$work/source.log" 2>&1 || {
    tail -5 "$work/source.log" >&2
    die "apt works, but apt-get source qemu=$version failed"
}
dsc=$(ls "$work"/dl/*.dsc 2>/dev/null | head -1)
[ -n "$dsc" ] || die "apt-get source qemu=$version downloaded no .dsc"
echo "qemu-fetch: unpacking $(basename "$dsc") into $tree" >&2
rm -rf "$tree"
# --no-check: apt-get already verified the files against the signed index.
dpkg-source --no-check --skip-patches -x "$dsc" "$work/tree" >"$work/unpack.log" 2>&1 || {
    tail -5 "$work/unpack.log" >&2
    die "dpkg-source -x $(basename "$dsc") failed"
}
check_tree "$work/tree" || die "qemu=$version lacks util/aio-posix.c etc."
mv "$work/tree" "$tree"
echo "qemu=$version suite=$QEMU_DEB_SUITE uri=$uri" >"$tree/.wakesim-unpacked"
echo "$tree"

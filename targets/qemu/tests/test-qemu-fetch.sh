#!/usr/bin/env bash
# test-qemu-fetch.sh QEMU_FETCH QEMU_BUILD - tools/qemu-fetch.sh against a
# fake apt (apt-get, apt-cache, dpkg-source on PATH; the real dpkg compares
# versions), offline and in a fresh cache:
#   the pinned version when offered; the newest offered (by Debian's order,
#   not the text's) when the pinned one is gone, reused from the cache the
#   second time; exit 77 only without network (update fails, or downloads
#   no index); exit 1 when apt works but the fetch fails (no qemu source,
#   a failed download), passed on by qemu-build.sh so qemu.build fails.
set -u
fetch=$1 build=$2
command -v dpkg >/dev/null 2>&1 || { echo "SKIP: dpkg not found (not Debian)"; exit 77; }
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
  { echo "SKIP: no Debian archive keyring (qemu-fetch.sh skips before apt)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

mkdir "$work/bin"
# The Dir::State::Lists option, and the words that are not options.
cat >"$work/bin/fake-args" <<'SH'
lists=; words=
while [ $# -gt 0 ]; do
  case $1 in
    -o) case $2 in Dir::State::Lists=*) lists=${2#*=} ;; esac; shift 2 ;;
    *) words="$words $1"; shift ;;
  esac
done
SH
cat >"$work/bin/apt-get" <<'SH'
#!/bin/sh
. "$(dirname "$0")/fake-args"
echo "apt-get$words" >>"$FAKE_LOG"
set -- $words
case $1 in
  update)
    case ${FAKE_NET:-up} in
      down) echo "E: Failed to fetch InRelease: Temporary failure resolving" >&2; exit 100 ;;
      quiet) echo "W: Some index files failed to download" >&2; exit 0 ;;
    esac
    : >"$lists/deb.debian.org_debian_dists_sid_main_source_Sources" ;;
  source)
    v=${3#qemu=}
    case " ${FAKE_VERSIONS:-} " in
      *" $v "*) ;;
      *) echo "E: Can not find version '$v' of package 'qemu'" >&2; exit 100 ;;
    esac
    for b in ${FAKE_BROKEN:-}; do
      [ "$b" = "$v" ] && { echo "E: Failed to fetch qemu_$v.dsc  404  Not Found" >&2; exit 100; }
    done
    echo "Version: $v" >"qemu_${v#*:}.dsc" ;;
esac
SH
cat >"$work/bin/apt-cache" <<'SH'
#!/bin/sh
for v in ${FAKE_VERSIONS:-}; do printf 'Package: qemu\nVersion: %s\n\n' "$v"; done
printf 'Package: qemu-web\nVersion: 99:1\n\n'
SH
cat >"$work/bin/dpkg-source" <<'SH'
#!/bin/sh
# dpkg-source --no-check --skip-patches -x DSC DIR
mkdir -p "$5/util" "$5/include/block"
for f in util/async.c util/aio-posix.c util/fdmon-io_uring.c util/fdmon-poll.c \
         util/qemu-timer.c util/lockcnt.c util/event_notifier-posix.c include/block/aio.h; do
  : >"$5/$f"
done
SH
chmod +x "$work/bin/apt-get" "$work/bin/apt-cache" "$work/bin/dpkg-source"

# run NAME EXPECTED_RC [VAR=VALUE...] : qemu-fetch.sh in cache $work/NAME
run() {
  local name=$1 want=$2; shift 2
  export FAKE_LOG=$work/$name.log
  : >"$FAKE_LOG"
  env PATH="$work/bin:$PATH" XDG_CACHE_HOME="$work/$name" "$@" sh "$fetch" \
    >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, expected $want"; cat "$work/err"
    return 1
  fi
  echo "ok: $name -> $rc: $(cat "$work/out") $(grep 'gone\|SKIP\|FAIL' "$work/err" | tail -1)"
}

offered="1:10.2.2+ds-1 1:10.2.9+ds-1 1:10.2.10+ds-2"
run pinned 0 FAKE_VERSIONS="$offered" &&
  { [ "$(cat "$work/out")" = "$work/pinned/wakesim/qemu-10.2.2" ] || fail "pinned: tree $(cat "$work/out")"; }
run gone 0 FAKE_VERSIONS="$offered" QEMU_DEB_VERSION=1:99.0.0+ds-1 &&
  { grep -q "qemu=1:99.0.0+ds-1 is gone from sid.*taking the newest, qemu=1:10.2.10+ds-2" "$work/err" ||
      fail "gone: no fallback message"
    [ "$(cat "$work/out")" = "$work/gone/wakesim/qemu-10.2.10" ] || fail "gone: tree $(cat "$work/out")"
    grep -qx "qemu=1:10.2.10+ds-2 .*" "$work/gone/wakesim/qemu-10.2.10/.wakesim-unpacked" ||
      fail "gone: the unpacked tree does not record qemu=1:10.2.10+ds-2"; }
run gone 0 FAKE_VERSIONS="$offered" QEMU_DEB_VERSION=1:99.0.0+ds-1 &&
  { grep -q "^apt-get source" "$work/gone.log" && fail "gone again: downloaded what the cache has"; }
run offline 77 FAKE_VERSIONS="$offered" FAKE_NET=down
run offline-quiet 77 FAKE_VERSIONS="$offered" FAKE_NET=quiet
run no-qemu 1 FAKE_VERSIONS=
run broken-pinned 1 FAKE_VERSIONS="$offered" FAKE_BROKEN=1:10.2.2+ds-1
run broken-newest 1 FAKE_VERSIONS="$offered" QEMU_DEB_VERSION=1:99.0.0+ds-1 FAKE_BROKEN=1:10.2.10+ds-2
grep -q "FAIL: apt works, but apt-get source qemu=1:10.2.10+ds-2 failed" "$work/err" ||
  fail "broken-newest: unclear message"

# qemu-build.sh passes the failure on: qemu.build fails instead of skipping.
if command -v clang >/dev/null 2>&1; then
  env PATH="$work/bin:$PATH" XDG_CACHE_HOME="$work/build-cache" FAKE_LOG="$work/b.log" \
    FAKE_VERSIONS="$offered" FAKE_BROKEN=1:10.2.2+ds-1 sh "$build" "$work/b" >/dev/null 2>&1
  rc=$?
  [ "$rc" -eq 1 ] && echo "ok: qemu-build.sh -> 1 when apt works but the fetch fails" ||
    fail "qemu-build.sh exited $rc when the fetch failed with apt working (expected 1)"
fi
[ "$failures" -eq 0 ] && echo "test-qemu-fetch: all pass" || echo "test-qemu-fetch: $failures failure(s)"
[ "$failures" -eq 0 ]

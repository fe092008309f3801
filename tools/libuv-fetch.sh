#!/bin/sh
# libuv-fetch.sh - find a libuv source tree for wakesim's libuv target
# (targets/libuv) and print its path on stdout (the last line).
#
# LIBUV_SRC=/path/to/libuv  use that checkout as it is
# otherwise                 Debian's source package libuv1=$LIBUV_DEB_VERSION
#                           (1.44.2-1+deb12u1, what Debian 12 ships) from suite
#                           $LIBUV_DEB_SUITE (bookworm), unpacked once into
#                           ${XDG_CACHE_HOME:-$HOME/.cache}/wakesim/libuv-1.44.2
#                           (tools/deb-source-fetch.sh).  Debian's patches are
#                           not applied: the tree is upstream's.
# Exit 0 with the path; 77 without apt or network (the reason on stderr);
# 1 when the fetch failed; 2 on bad usage.
set -eu
files="src/unix/async.c src/unix/core.c src/unix/linux-core.c src/threadpool.c include/uv.h"
if [ -n "${LIBUV_SRC:-}" ]; then
    for f in $files; do
        [ -f "$LIBUV_SRC/$f" ] || { echo "libuv-fetch: LIBUV_SRC=$LIBUV_SRC lacks $f: not a libuv tree" >&2; exit 2; }
    done
    (cd "$LIBUV_SRC" && pwd)
    exit 0
fi
version=${LIBUV_DEB_VERSION:-1.44.2-1+deb12u1}
# shellcheck disable=SC2086
exec "$(dirname "$0")/deb-source-fetch.sh" libuv1 "$version" "${LIBUV_DEB_SUITE:-bookworm}" \
    libuv $files

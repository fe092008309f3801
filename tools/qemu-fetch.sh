#!/bin/sh
# qemu-fetch.sh - find a QEMU source tree for wakesim's QEMU target and print
# its path on stdout (the last line; progress goes to stderr).
#
# QEMU_SRC=/path/to/qemu   use that checkout as it is (a QEMU developer's tree)
# otherwise                 Debian's source package qemu=$QEMU_DEB_VERSION
#                           (the pinned version by default) from suite
#                           $QEMU_DEB_SUITE, unpacked once into
#                           ${XDG_CACHE_HOME:-$HOME/.cache}/wakesim/qemu-<ver>
#                           by tools/deb-source-fetch.sh (which never changes
#                           the machine's apt configuration).  When the suite
#                           no longer offers that version, the newest qemu
#                           source it offers is taken instead (said on
#                           stderr): the QEMU target's mutations fail the
#                           build if QEMU moved the code they edit
#                           (targets/qemu/mutate.py).
#
# Exit 0 with the tree's path; 77 when the source cannot be had for want of
# apt, dpkg-source, the archive keyring or the network (the index cannot be
# downloaded), with the reason on stderr; 1 when apt works but the fetch
# failed (no qemu source in the index, the download or the unpack failed):
# CI must not mistake that for a machine without network; 2 on bad usage.
set -eu
# The files the QEMU target compiles; a tree without them is not usable.
files="util/async.c util/aio-posix.c util/fdmon-io_uring.c util/fdmon-poll.c
       util/qemu-timer.c util/lockcnt.c util/event_notifier-posix.c include/block/aio.h"

if [ -n "${QEMU_SRC:-}" ]; then
    [ -d "$QEMU_SRC" ] || { echo "qemu-fetch: QEMU_SRC=$QEMU_SRC is not a directory" >&2; exit 2; }
    for f in $files; do
        [ -f "$QEMU_SRC/$f" ] ||
            { echo "qemu-fetch: QEMU_SRC=$QEMU_SRC lacks $f: not a QEMU tree" >&2; exit 2; }
    done
    (cd "$QEMU_SRC" && pwd)
    exit 0
fi
# shellcheck disable=SC2086
exec "$(dirname "$0")/deb-source-fetch.sh" qemu "${QEMU_DEB_VERSION:-1:10.2.2+ds-1}" \
    "${QEMU_DEB_SUITE:-sid}" qemu $files

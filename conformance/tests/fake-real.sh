#!/bin/sh
# fake-real.sh - a conf-real stand-in whose Linux half never runs (exit 77,
# as where io_uring is denied).  --probe answers $FAKE_PROBE_RC: 0 as on a
# machine where io_uring_setup works, 77 as where it does not.
rc=${FAKE_PROBE_RC:-0}
if [ "${1:-}" = --probe ]; then
    if [ "$rc" -eq 0 ]; then
        echo "io_uring_setup(4) works on Linux fake"
    else
        echo "io_uring_setup(4) fails on Linux fake: Operation not permitted" >&2
    fi
    exit "$rc"
fi
cat >/dev/null
echo "conf-real: io_uring unavailable here: io_uring_queue_init: Operation not permitted" >&2
exit 77

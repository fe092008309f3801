#!/bin/sh
# smoke.sh QEMU_REAL - every reproducer of qemu-real runs 3 iterations in a
# mode that needs no cgroup and prints its summary line; the counts are not
# judged (real threads: see tests.cmake).  A bad command line exits 2.
set -u
bin=$1
[ -x "$bin" ] || { echo "qemu.real-smoke: SKIP: no $bin (needs a QEMU tree)" >&2; exit 77; }
fail=0
for repro in rearm timer sibling eagain; do
    out=$("$bin" "$repro" --nudge none --iterations 3 --watchdog-ms 300) || {
        echo "FAIL: qemu-real $repro exited $?"; fail=1; continue; }
    echo "$out"
    echo "$out" | grep -q "^$repro: nudge=none iterations=3 occurred=[0-3] " || {
        echo "FAIL: qemu-real $repro: no summary line"; fail=1; }
done
"$bin" rearm --iterations 0 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL: a bad iteration count must exit 2"; fail=1; }
"$bin" timer --nudge nosuch 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL: an unknown nudge must exit 2"; fail=1; }
"$bin" nosuch 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL: an unknown reproducer must exit 2"; fail=1; }
exit $fail

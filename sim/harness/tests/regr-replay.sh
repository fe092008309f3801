#!/usr/bin/env bash
# regr-replay.sh WAKESIM FILE - the regression gate for one reproducer in
# regressions/ (CTest regr.*).
#
# The gate is the keyed replay: the file's keyed decisions must still
# reach its recorded violation (exit 1), and the fixed code must pass the
# same keyed schedule (exit 0).  Keyed decisions survive scheduling points
# added or removed in loop/ (docs/reproducers.md), positional ones do not:
# a positional replay that diverges (exit 3) is printed as information and
# fails nothing.  A positional replay that crashes or exits otherwise
# fails, as that is a bug whatever the schedule.
set -u
w=$1 f=$2

keyed=$("$w" replay "$f" --keyed 2>&1); b=$?
fixed=$("$w" replay "$f" --keyed --fixed 2>&1); c=$?
pos=$("$w" replay "$f" 2>&1); a=$?

# The replay's verdict line, or its last line when it has none (an error).
said() { { echo "$1" | grep -E '^keyed replay' || echo "$1"; } | tail -1; }
echo "keyed:         $(said "$keyed") (exit $b, want 1)"
echo "keyed, fixed:  $(said "$fixed") (exit $c, want 0)"
case $a in
  1) echo "positional:    matches the recording (exit 1)" ;;
  3) echo "positional:    diverged (exit 3); information only, not a failure: loop/ moved" \
       "scheduling points since the recording ($(echo "$pos" | grep -E '^replay di' | tail -1))."
     echo "               tools/rerecord-reproducers.sh refreshes the file" ;;
  *) echo "positional:    exit $a (want 1, or 3 for a divergence):"; echo "$pos" | tail -5 ;;
esac

if [ "$b" = 1 ] && [ "$c" = 0 ] && { [ "$a" = 1 ] || [ "$a" = 3 ]; }; then
  exit 0
fi
[ "$b" = 1 ] || { echo "--- keyed replay:"; echo "$keyed" | tail -5; }
[ "$c" = 0 ] || { echo "--- keyed replay of the fixed code:"; echo "$fixed" | tail -5; }
echo "FAIL; reproduce: $w replay $f --keyed [--fixed]"
exit 1

#!/usr/bin/env bash
# rr-replay.sh TRACE [WAKESIM] - record a reproducer's replay under rr, so it
# can be debugged with reverse execution (rr replay DIR).  rr needs hardware
# performance counters: where it cannot record (most VMs), this says why and
# exits 77 (skipped), never 1.
set -uo pipefail
trace=${1:?usage: rr-replay.sh TRACE [WAKESIM]}
root=$(cd "$(dirname "$0")/.." && pwd)
wakesim=${2:-$root/build/cli/wakesim}
if ! command -v rr >/dev/null; then
  echo "rr-replay: rr is not installed (apt-get install rr); skipped"
  exit 77
fi
probe=$(mktemp -d)
if ! msg=$(rr record -n -o "$probe/t" /bin/true 2>&1); then
  echo "rr-replay: rr cannot record on this machine; skipped: $(head -1 <<<"$msg")"
  rm -rf "$probe"
  exit 77
fi
rm -rf "$probe"
out=$(mktemp -d)/rr-trace
rr record -o "$out" "$wakesim" replay "$trace"
echo "recorded: rr replay $out   (then: break, reverse-continue, ...)"

#!/usr/bin/env bash
# run-if-built.sh WAKESIM ARGS... - runs WAKESIM ARGS, or skips (77) when
# that wakesim was not built (the qemu.build fixture skipped: no QEMU source).
wakesim=$1
shift
if [ ! -x "$wakesim" ]; then
  echo "SKIP: $wakesim not built (see the qemu.build test: no QEMU source or no clang)"
  exit 77
fi
echo "+ $wakesim $*"
exec "$wakesim" "$@"

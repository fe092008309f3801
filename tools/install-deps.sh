#!/usr/bin/env bash
# Installs the Debian packages wakesim needs (Debian 12).  Calls the package
# manager only when a REQUIRED package is missing; optional ones (other fuzz
# engines, debuggers) are then tried too, and otherwise only reported on
# every run (install them with --optional).  Needs root (or sudo) only when
# installing.
set -euo pipefail

required=(
  build-essential cmake pkg-config
  liburing-dev libglib2.0-dev libjson-glib-dev
  clang libclang-rt-14-dev llvm
  zip clang-format
  python3 dpkg-dev xz-utils debian-archive-keyring
)
optional=(afl++ rr gdb valgrind)

missing_of() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
with_optional=false
[ "${1:-}" = "--optional" ] && with_optional=true
mapfile -t missing < <(missing_of "${required[@]}")
mapfile -t missing_optional < <(missing_of "${optional[@]}")
if [ "${#missing[@]}" -eq 0 ] && { [ "${#missing_optional[@]}" -eq 0 ] || ! $with_optional; }; then
  if [ "${#missing_optional[@]}" -gt 0 ]; then
    echo "install-deps: required packages present; optional packages missing: ${missing_optional[*]}" \
         "(not installed; $0 --optional installs them)"
  else
    echo "install-deps: all packages present"
  fi
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ "${#missing_optional[@]}" -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing_optional[@]}" ||
    echo "install-deps: optional packages not installed: ${missing_optional[*]}"
fi

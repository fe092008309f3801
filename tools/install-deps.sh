#!/usr/bin/env bash
# Installs every Debian package wakesim needs (Debian 12).  Idempotent: does
# nothing when all are present.  Needs root (or sudo) only when installing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  liburing-dev libglib2.0-dev
  clang libclang-rt-14-dev llvm
  zip
)
optional=(afl++ rr gdb valgrind)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all required packages present"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# Nice to have (debugging, other fuzz engines); their absence is not an error.
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${optional[@]}" || \
  echo "install-deps: optional packages (${optional[*]}) not installed"

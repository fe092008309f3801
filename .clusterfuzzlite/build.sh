#!/bin/bash -eu
# The recipe lives in the repository (fuzz/ossfuzz.sh).
"$SRC/wakesim/fuzz/ossfuzz.sh"

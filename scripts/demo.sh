#!/usr/bin/env bash
# make demo: the main job on built-in defaults.
set -euo pipefail
build=${1:-build}
"$build/ttt" --help

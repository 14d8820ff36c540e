#!/usr/bin/env bash
# Runs every test file with Node's test runner through tsx. Node 20 does not glob .ts itself.
# The mocks-only files (listed in test/mocks-only.ts) run in two shared processes; every other file
# runs in a process of its own. `test/run.sh --quick` runs the mocks-only files alone.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
shared=(test/mocks-only-a.run.ts test/mocks-only-b.run.ts)
quick=false
if [ "${1:-}" = "--quick" ]; then quick=true; shift; fi
if $quick; then exec node --import tsx --test --test-concurrency=2 "$@" "${shared[@]}"; fi
mapfile -t listed < <(node --import tsx test/mocks-only.ts)
files=()
for f in test/**/*.test.ts policy/**/*.test.ts; do
  [[ " ${listed[*]} " == *" $f "* ]] || files+=("$f")
done
for f in "${listed[@]}"; do
  if [ ! -f "$f" ]; then echo "test/mocks-only.ts lists $f, which does not exist" >&2; exit 1; fi
done
exec node --import tsx --test --test-concurrency=2 "$@" "${shared[@]}" "${files[@]}"

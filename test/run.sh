#!/usr/bin/env bash
# Runs every test file with Node's test runner through tsx, in the processes test/lanes.ts lists.
# `npm test` spreads the files over the lanes of test/lanes.ts (a few shared processes) plus the files
# that need a process of their own; `test/run.sh --quick` runs only the mocks-only files
# (test/mocks-only.ts) in their two shared processes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--quick" ]; then
  shift
  mapfile -t listed < <(node --import tsx test/mocks-only.ts)
  for f in "${listed[@]}"; do
    if [ ! -f "$f" ]; then echo "test/mocks-only.ts lists $f, which does not exist" >&2; exit 1; fi
  done
  exec node --import tsx --test --test-concurrency=2 "$@" test/mocks-only-a.run.ts test/mocks-only-b.run.ts
fi
mapfile -t runners < <(node --import tsx test/lanes.ts)
exec node --import tsx --test --test-concurrency="${#runners[@]}" "$@" "${runners[@]}"

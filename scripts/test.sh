#!/usr/bin/env bash
# `npm test`: the type-check and jest side by side, so both cores stay busy (jest runs two workers;
# tsc is incremental, its state in node_modules/.cache). Fails if either fails. Arguments go to
# jest: `npm test -- test/app/modules/s3.test.ts`.
set -uo pipefail
cd "$(dirname "$0")/.."

node_modules/.bin/tsc --noEmit &
tsc_pid=$!
test-tools/node_modules/.bin/jest "$@"
jest_status=$?
wait "$tsc_pid"
tsc_status=$?
[ "$tsc_status" -eq 0 ] || echo "Type-check failed (tsc --noEmit exited $tsc_status)." >&2
[ "$jest_status" -eq 0 ] && [ "$tsc_status" -eq 0 ]

#!/usr/bin/env bash
# Installs the kit's test-only packages (test-tools/: jest, mocks, the guide checker's mermaid and
# jsdom, the Dockerfile linter) when they are missing or older than test-tools/package-lock.json,
# so `npm ci && npm test` works on a fresh machine while the student's `npm ci` stays light.
# System tools are not installed here: without shellcheck or cfn-lint the checks that need them
# are skipped with a notice. CI=true requires shellcheck and moto_server (the emulated-account tier,
# moto 5.2.1); CFN_LINT_REQUIRED=true requires cfn-lint.
set -euo pipefail
cd "$(dirname "$0")/.."

lock=test-tools/package-lock.json
stamp=test-tools/node_modules/.installed-lock.json
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  echo "Installing the test tools (test-tools/package-lock.json)..."
  npm ci --prefix test-tools --no-audit --no-fund --loglevel=error
  cp "$lock" "$stamp"
fi
# `npx jest test/foo.test.ts` keeps working: the kit's .bin points at the test-tools jest.
if [ -d node_modules/.bin ] && [ ! -e node_modules/.bin/jest ]; then
  ln -s ../../test-tools/node_modules/.bin/jest node_modules/.bin/jest
fi

require_tool() { # tool, whether required, how to install
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$2" = "true" ]; then
    echo "$1 is required here and is not on the PATH ($3)." >&2
    exit 1
  fi
  echo "Note: $1 is not on the PATH; the tests that need it are skipped ($3)." >&2
}
require_tool shellcheck "${CI:-}" "apt-get install shellcheck; CI=true requires it"
require_tool cfn-lint "${CFN_LINT_REQUIRED:-}" "pip install cfn-lint; CFN_LINT_REQUIRED=true requires it"
require_tool moto_server "${CI:-}" "pip install \"moto[server]==5.2.1\"; CI=true requires it for the emulated-account tier"

#!/usr/bin/env bash
# Installs the system tools the test suite runs (shellcheck lints the instance boot script)
# when they are missing, so `npm test` works on a fresh Debian/Ubuntu machine as written.
set -euo pipefail

missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
  echo "Missing test tools: ${missing[*]}. Install them (e.g. apt-get install ${missing[*]}) and run the tests again." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing test tools: ${missing[*]}. Install them with your package manager (brew install ${missing[*]} on macOS)." >&2
  exit 1
fi
echo "Installing test tools: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

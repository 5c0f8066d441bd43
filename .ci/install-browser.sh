#!/usr/bin/env bash
# Installs what the real-browser tests (tests/browser/) need; safe to run again and again.
#  - Debian's Chromium and ChromeDriver, only if /usr/bin/chromium is missing (never a browser download
#    by a test tool: playwright-core drives this one through executablePath).
#  - playwright-core, exactly as pinned in clients/tests/package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium chromium-driver
fi

if ! command -v npm >/dev/null; then
  echo "install-browser: npm not found; the browser tests will be skipped" >&2
  exit 0
fi

# playwright-core has no install script that fetches a browser; this keeps it that way regardless.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix clients/tests --no-audit --no-fund

/usr/bin/chromium --version

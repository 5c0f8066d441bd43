#!/usr/bin/env bash
# Installs what the real-browser tests (tests/browser/) need; safe to run again and again.
#  - Debian's Chromium and ChromeDriver, only if /usr/bin/chromium is missing (never a browser download
#    by a test tool: playwright-core drives this one through executablePath).
#  - playwright-core, exactly as pinned in clients/tests/package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

# Installing Chromium needs Debian's apt and root. Anywhere else this says so and exits 0: the README's
# `&&` chain goes on to pytest, and the browser tests skip with the reason (CI, root on Debian, installs).
if [ ! -x /usr/bin/chromium ]; then
  if ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then
    echo "install-browser: not a Debian system; install Chromium at /usr/bin/chromium (or set CHROMIUM_PATH)" \
         "yourself, or the browser tests will be skipped" >&2
    exit 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: apt-get needs root; run 'sudo bash .ci/install-browser.sh' to install Chromium," \
         "or the browser tests will be skipped" >&2
    exit 0
  fi
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

/usr/bin/chromium --version || true

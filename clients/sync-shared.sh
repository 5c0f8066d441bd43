#!/bin/sh
# Copies the shared client modules (mentor/http/static/js/shared/, the one source) into the extension: an
# unpacked Manifest V3 extension cannot load files from outside its own folder. Run after editing them;
# tests/browser/test_client_modules.py fails while the copies differ.
set -eu
cd "$(dirname "$0")/.."
rm -rf clients/extension/shared
cp -R mentor/http/static/js/shared clients/extension/shared

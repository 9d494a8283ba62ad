#!/usr/bin/env bash
# Open the built book in headless Chromium and check every page (see tests/browser.rs).
# Needs `chromium` (.ci/run installs Debian's package if missing) and a built book.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f book/build/index.html ] || cargo book
PYHEAP_BROWSER=1 cargo test --quiet --test browser -- --ignored --nocapture

#!/usr/bin/env bash
# The webview tests drive Debian's Chromium with playwright-core (Playwright's own browser download
# cannot work here). Install it when missing and we may (root + apt-get); otherwise say what to do.
set -u
for b in "${NETLENS_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -n "$b" ] && [ -x "$b" ] && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "netlens: installing Debian chromium for the webview tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || exit 1
  exit 0
fi
echo "netlens: Chromium not found; install Debian's chromium or set NETLENS_CHROMIUM to a Chromium binary" >&2
exit 1

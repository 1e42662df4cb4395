#!/usr/bin/env bash
# run.sh SUITE MODE [TEST FILE…]: runs end-to-end tests on a throwaway machine made of the cached
# SUITE chroot (chroot.sh) with an overlay on top, in its own mount and PID namespaces: its mounts,
# nix-daemon and every process it started end with it. Needs root (mounts, chroot).
# MODE is one of the modes of inside.sh (root, trusted, untrusted-sudo, untrusted-nosudo).
# The repository is mounted read-only at /repo; its node_modules/.bin/node (glibc) runs there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "${1:-}" = --in-namespace ]; then
  # Second half, inside the namespaces: $2 base, $3 work dir, then MODE and test files.
  base=$2 work=$3
  shift 3
  root="$work/root"
  mkdir -p "$work/upper" "$work/overlay-work" "$root"
  mount --make-rprivate /
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/overlay-work" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  mkdir -p "$root/repo"
  mount --bind "$repo" "$root/repo"
  mount -o remount,bind,ro "$root/repo"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/bash /repo/scripts/nix-matrix/inside.sh "$@"
fi

suite=${1:?usage: run.sh SUITE MODE [TEST FILE…]}
mode=${2:?usage: run.sh SUITE MODE [TEST FILE…]}
shift 2
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (mounts and chroot)" >&2; exit 1; }
base=$("$here/chroot.sh" "$suite")
work=$(mktemp -d "/tmp/nix-matrix-$suite-$mode-XXXXXX")
trap 'rm -rf "$work"' EXIT
# --fork: the new PID namespace's first process is the chroot; when it ends, the kernel ends the
# rest (the daemon, nginx, anything a test left behind).
unshare --mount --pid --fork "$0" --in-namespace "$base" "$work" "$mode" "$@"

#!/bin/bash
# inside.sh MODE [TEST FILE…]: runs inside a matrix machine as root (run.sh starts it). Sets the
# machine up for MODE, then runs the test files (default: every end-to-end test) with node:test.
#   root              tests run as root, single-user: no daemon (like the host suite);
#   trusted           nix-daemon with `trusted-users = root runner`; tests run as runner;
#   untrusted-sudo    nix-daemon trusting root only; runner has passwordless sudo, and the action
#                     restarts the daemon with NIX_DAEMON_RESTART_COMMAND (nix-daemon-service);
#   untrusted-nosudo  the same without sudo: the action can only say what to change.
set -euo pipefail
mode=${1:?usage: inside.sh MODE [TEST FILE…]}
shift
cd /repo
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/e2e/*.test.ts)
command=(node --test --test-concurrency=1 "${files[@]}")
# `--sh 'COMMAND'` instead of test files: run a shell command as the mode's user (to look around).
[ "${1:-}" != --sh ] || command=(bash -c "${2:?--sh needs a command}")

trusted_users="root"
case "$mode" in
  root | untrusted-sudo | untrusted-nosudo) ;;
  trusted) trusted_users="root runner" ;;
  *) echo "inside.sh: unknown mode $mode" >&2; exit 2 ;;
esac
# No internet: the machine's Nix substitutes from nothing but what the tests configure. Every test
# job stands for a fresh runner, but they share this machine's daemon, which would remember a
# cache's "not there" answers to earlier jobs (narinfo-cache-negative-ttl) and build instead.
mkdir -p /etc/nix
echo "127.0.0.1 localhost $(hostname)" >/etc/hosts # sudo looks the host name up
cat >/etc/nix/nix.conf <<CONF
build-users-group = nixbld
sandbox = false
experimental-features = nix-command
substituters =
trusted-public-keys =
trusted-users = $trusted_users
narinfo-cache-negative-ttl = 0
CONF
if [ "$mode" = untrusted-sudo ]; then
  echo 'runner ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/runner
  chmod 440 /etc/sudoers.d/runner
fi

env=(PATH=/repo/node_modules/.bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TMPDIR=/tmp NIX_MATRIX_MODE="$mode")
if [ "$mode" = root ]; then
  env -i "${env[@]}" HOME=/root USER=root "${command[@]}"
  exit
fi

nix-daemon-service start
env+=(HOME=/home/runner USER=runner NIX_DAEMON_RESTART_COMMAND="nix-daemon-service restart")
# Not exec: this shell is the machine's PID 1 and reaps the daemons that restarts leave behind.
setpriv --reuid runner --regid runner --init-groups -- env -i "${env[@]}" "${command[@]}"

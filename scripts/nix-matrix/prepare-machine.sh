#!/bin/sh
# Runs once inside a freshly built chroot (as root) and makes it a multi-user Nix machine the way
# upstream's installer lays one out; Debian's nix-bin has no maintainer scripts for this.
# - build users nixbld1..4 in group nixbld, uids 31001..31004; the store root:nixbld 1775. Not
#   the system uids useradd would pick: those may equal the host's own nixbld users, and a host
#   Nix kills every process of a build user's uid (kill -1) before a build, across our PID
#   namespace too: our builds would die with signal 9 whenever the host builds;
# - the daemon socket reachable by every user (no `nix-users` group: code and tests must not
#   assume one);
# - `runner`, the user the tests run as in the daemon modes (trust and sudo are set per run);
# - nix-daemon-service, the daemon's start/stop/restart without systemd.
set -eu
groupadd --gid 31000 nixbld
for i in 1 2 3 4; do
  useradd --uid "3100$i" --no-create-home --home-dir /var/empty --shell /usr/sbin/nologin \
    --gid nixbld --groups nixbld "nixbld$i"
done
mkdir -p /nix/store /nix/var/nix/daemon-socket /nix/var/nix/profiles/per-user /nix/var/nix/gcroots/per-user
chown root:nixbld /nix/store
chmod 1775 /nix/store
chmod 755 /nix/var/nix/daemon-socket
chmod 1777 /nix/var/nix/profiles/per-user /nix/var/nix/gcroots/per-user
useradd --create-home --uid 1001 --shell /bin/bash runner
install -m 755 /tmp/nix-daemon-service /usr/bin/nix-daemon-service
rm /tmp/nix-daemon-service

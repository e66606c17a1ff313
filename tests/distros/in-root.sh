#!/bin/sh
# Runs a command in a Debian root made by tests/distros/make-root.sh, on a
# copy of this checkout at /src inside it:
#   tests/distros/in-root.sh ROOT COMMAND...          runs COMMAND in the root;
#   tests/distros/in-root.sh --host ROOT COMMAND...   runs COMMAND here, with
#     AI_IMAGE_EDIT_ROOT=ROOT (the integration tests then chroot into it).
# /proc, /sys and /dev are mounted for the command and unmounted after.
set -eu
host=0
if [ "$1" = --host ]; then host=1; shift; fi
root=$1; shift
here=$(cd "$(dirname "$0")/../.." && pwd)

# The checkout's tracked and new files, without build output; what an
# earlier copy held goes (its build folder stays, for a quick rebuild).
mkdir -p "$root/src"
find "$root/src" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
(cd "$here" && git ls-files -co --exclude-standard -z) |
  (cd "$here" && tar --null -T - -cf -) | (cd "$root/src" && tar -xf -)

cleanup() {
  for m in tmp/.X11-unix dev/pts dev sys proc; do
    mountpoint -q "$root/$m" && umount -l "$root/$m" || true
  done
}
trap cleanup EXIT INT TERM
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/sys" || mount --rbind /sys "$root/sys"
mountpoint -q "$root/dev" || mount --rbind /dev "$root/dev"
# The tests' X servers (Xvfb, started here) are reached through their sockets.
mkdir -p /tmp/.X11-unix "$root/tmp/.X11-unix"
chmod 1777 /tmp/.X11-unix
mountpoint -q "$root/tmp/.X11-unix" || mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
if [ "$host" = 1 ]; then
  AI_IMAGE_EDIT_ROOT=$root "$@"
  exit $?
fi
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 TERM=dumb "$@"

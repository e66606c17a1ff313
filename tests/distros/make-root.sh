#!/bin/sh
# Makes (or brings up to date) a Debian root for the tests of another
# release:   tests/distros/make-root.sh bullseye|trixie|forky
# Prints the root's path.  Roots live outside the checkout, in
# $AI_IMAGE_EDIT_ROOTS (default /var/tmp/ai-image-edit-roots), and are
# reused: a root that already has its packages costs nothing.
set -eu
release=$1
roots=${AI_IMAGE_EDIT_ROOTS:-/var/tmp/ai-image-edit-roots}
root="$roots/$release"

common="build-essential pkg-config gettext ca-certificates libcurl4-openssl-dev libjson-c-dev
        libpng-dev libjpeg-dev libwebp-dev libsecret-1-dev python3 python3-numpy python3-pil
        openssl icc-profiles-free debhelper"
case $release in
  bullseye) packages="gimp libgimp2.0-dev $common" ;;      # Debian 11: GIMP 2.10.22, curl 7.74
  # Debian 13: GIMP 3.0.4.  Its glibc ignores LANGUAGE under C.UTF-8, so
  # the tests run in en_US.UTF-8 (generated below); Japanese glyphs for
  # the translated dialog.
  trixie)   packages="gimp libgimp-3.0-dev locales fonts-ipafont-gothic $common" ;;
  # Debian forky: GIMP 3.2.x, same locale needs as trixie.
  forky)    packages="gimp libgimp-3.0-dev locales fonts-ipafont-gothic $common" ;;
  *) echo "make-root.sh: unknown release $release" >&2; exit 2 ;;
esac
packages=$(echo $packages)
stamp="$root/.ai-image-edit-packages"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ]; then
  echo "$root"; exit 0
fi
mkdir -p "$roots"
if [ ! -x "$root/usr/bin/apt-get" ]; then
  rm -rf "$root"
  # forky is Debian's testing release: its Release file can be past its
  # Valid-Until date on a mirror snapshot, so that check is off (for every
  # release: the packages are still checked against the signed Release).
  # Only the main suite is used, no -updates or -security, which testing
  # does not have in the same form.
  mmdebstrap --quiet --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="$(echo $packages | tr ' ' ,)" "$release" "$root" >&2
else
  # shellcheck disable=SC2086
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get -o Acquire::Check-Valid-Until=false update -qq && apt-get install -y -qq --no-install-recommends $packages" >&2
fi
if [ -d "$root/usr/share/i18n/charmaps" ]; then
  chroot "$root" /usr/bin/localedef -i en_US -f UTF-8 en_US.UTF-8
fi
echo "$packages" >"$stamp"
echo "$root"

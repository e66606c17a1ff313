#!/bin/sh
# Installs what the build needs (when missing), builds the plug-in for each
# GIMP on the machine (2.10, 3.x, or both), and installs each with its
# translations into that GIMP's profile:
#   GIMP 2.10: $GIMP2_DIRECTORY (default ~/.config/GIMP/2.10)/plug-ins/ai-image-edit/
#   GIMP 3:    $GIMP3_DIRECTORY (default ~/.config/GIMP/3.0)/plug-ins/ai-image-edit/
# With no GIMP installed yet, it installs the distribution's GIMP (3 where
# the distribution has libgimp 3.0's development files, else 2.10).
# Idempotent; needs no network when everything is already present.
# --no-deps skips the package step; --deps-only stops after it;
# --test-deps also installs what `make check` needs (Xvfb, xdotool,
# ImageMagick, clang's fuzzer runtime, valgrind, gnome-keyring, mmdebstrap...).
set -eu
cd "$(dirname "$0")"

want_deps=1; want_build=1; want_test_deps=0
for arg in "$@"; do
  case "$arg" in
    --no-deps) want_deps=0 ;;
    --deps-only) want_build=0 ;;
    --test-deps) want_test_deps=1 ;;
    *) echo "usage: $0 [--no-deps|--deps-only] [--test-deps]" >&2; exit 2 ;;
  esac
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# Which GIMPs are installed: "2", "3", or "2 3".
gimps_installed() {
  found=""
  if command -v gimp-2.10 >/dev/null 2>&1 || command -v gimp-console-2.10 >/dev/null 2>&1 ||
     pkg-config --exists gimp-2.0 2>/dev/null; then found="2"; fi
  if command -v gimp-3.0 >/dev/null 2>&1 || command -v gimp-console-3.0 >/dev/null 2>&1 ||
     pkg-config --exists gimp-3.0 2>/dev/null; then found="$found 3"; fi
  echo $found
}

# With no GIMP yet: the one the distribution packages.
apt_gimp() {
  if apt-cache show libgimp-3.0-dev >/dev/null 2>&1; then echo 3; else echo 2; fi
}

build_deps_present() {
  command -v make >/dev/null 2>&1 && command -v cc >/dev/null 2>&1 &&
    command -v msgfmt >/dev/null 2>&1 &&
    pkg-config --exists libcurl json-c libpng libjpeg libwebp libsecret-1 2>/dev/null ||
    return 1
  gimps=$(gimps_installed)
  [ -n "$gimps" ] || return 1
  for g in $gimps; do
    case $g in
      2) pkg-config --exists gimp-2.0 gimpui-2.0 2>/dev/null || return 1 ;;
      3) pkg-config --exists gimp-3.0 gimpui-3.0 2>/dev/null || return 1 ;;
    esac
  done
}

install_deps() {
  if build_deps_present; then return 0; fi
  echo "install.sh: installing build dependencies"
  gimps=$(gimps_installed)
  if command -v apt-get >/dev/null 2>&1; then
    if [ -z "$gimps" ]; then as_root apt-get update; gimps=$(apt_gimp); fi
    gimp_dev=""
    for g in $gimps; do
      case $g in
        2) gimp_dev="$gimp_dev libgimp2.0-dev" ;;
        3) gimp_dev="$gimp_dev libgimp-3.0-dev" ;;
      esac
    done
    # shellcheck disable=SC2086
    apt_install build-essential pkg-config gettext gimp $gimp_dev \
      libcurl4-openssl-dev libjson-c-dev libpng-dev libjpeg-dev libwebp-dev \
      libsecret-1-dev ca-certificates
  elif command -v dnf >/dev/null 2>&1; then
    as_root dnf install -y gcc make pkgconf-pkg-config gettext gimp gimp-devel \
      libcurl-devel json-c-devel libpng-devel libjpeg-turbo-devel libwebp-devel \
      libsecret-devel ca-certificates
  elif command -v pacman >/dev/null 2>&1; then
    as_root pacman -S --needed --noconfirm base-devel pkgconf gettext gimp \
      curl json-c libpng libjpeg-turbo libwebp libsecret ca-certificates
  else
    echo "install.sh: no apt-get, dnf or pacman; install GIMP's development files" \
         "(2.10 or 3), libcurl, json-c, libpng, libjpeg, libwebp, libsecret and" \
         "gettext yourself" >&2
    exit 1
  fi
}

test_deps_present() {
  for tool in python3 openssl Xvfb xauth xdotool import tesseract clang valgrind dbus-daemon \
              gnome-keyring-daemon secret-tool gimp-2.10 mmdebstrap; do
    command -v "$tool" >/dev/null 2>&1 || return 1
  done
  /usr/bin/python3 -c 'import numpy, PIL' >/dev/null 2>&1 || return 1
  [ -f /usr/share/color/icc/compatibleWithAdobeRGB1998.icc ] || return 1
  # Japanese glyphs for the translated dialog's screenshot.
  [ -d /usr/share/fonts/opentype/ipafont-gothic ] || return 1
  tesseract --list-langs 2>/dev/null | grep -qx jpn || return 1
  ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1
}

install_test_deps() {
  if test_deps_present; then return 0; fi
  echo "install.sh: installing test dependencies"
  if command -v apt-get >/dev/null 2>&1; then
    apt_install python3 python3-numpy python3-pil openssl xvfb xauth xdotool imagemagick \
      clang libclang-rt-14-dev valgrind dbus gnome-keyring libsecret-tools gimp \
      icc-profiles-free tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-rus \
      tesseract-ocr-jpn mmdebstrap fonts-ipafont-gothic
  else
    echo "install.sh: install Xvfb, xdotool, ImageMagick, tesseract, clang with its fuzzer" \
         "runtime, valgrind, dbus, gnome-keyring, secret-tool, mmdebstrap, numpy and PIL" \
         "for /usr/bin/python3, and an Adobe RGB ICC profile to run the tests" >&2
    exit 1
  fi
}

[ "$want_deps" = 1 ] && install_deps
[ "$want_test_deps" = 1 ] && install_test_deps
[ "$want_build" = 1 ] || exit 0

make -s all

# Each GIMP keeps the plug-in, its model table and its translations in a
# folder of its own.
install_into() {
  binary=$1; dest="$2/plug-ins/ai-image-edit"
  mkdir -p "$dest"
  install -m 755 "$binary" "$dest/ai-image-edit"
  # The model table (the person's own additions go in the profile:
  # ai-image-edit/models.ini, see the README).
  install -m 644 plugin/data/models.ini "$dest/models.ini"
  if [ -d build/locale ]; then
    mkdir -p "$dest/locale"
    cp -R build/locale/. "$dest/locale/"
  fi
  echo "install.sh: installed into $dest"
}
installed=0
if [ -x build/gimp2/ai-image-edit ]; then
  install_into build/gimp2/ai-image-edit "${GIMP2_DIRECTORY:-$HOME/.config/GIMP/2.10}"
  installed=1
fi
if [ -x build/gimp3/ai-image-edit ]; then
  install_into build/gimp3/ai-image-edit "${GIMP3_DIRECTORY:-$HOME/.config/GIMP/3.0}"
  installed=1
fi
if [ "$installed" = 0 ]; then
  echo "install.sh: found no GIMP development files (2.10 or 3) to build against" >&2
  exit 1
fi

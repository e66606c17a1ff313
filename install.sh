#!/bin/sh
# Installs what the build needs (when missing), builds, and installs the
# plug-in and its translations into the GIMP 2.10 profile:
#   $GIMP2_DIRECTORY/plug-ins/ai-image-edit/   when GIMP2_DIRECTORY is set,
#   ~/.config/GIMP/2.10/plug-ins/ai-image-edit/ otherwise.
# Idempotent; needs no network when everything is already present.
# --no-deps skips the package step; --deps-only stops after it;
# --test-deps also installs what `make check` needs (Xvfb, xdotool,
# ImageMagick, clang's fuzzer runtime, valgrind, gnome-keyring...).
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

build_deps_present() {
  command -v make >/dev/null 2>&1 && command -v cc >/dev/null 2>&1 &&
  command -v msgfmt >/dev/null 2>&1 &&
  pkg-config --exists gimp-2.0 gimpui-2.0 libcurl json-c libpng libjpeg libwebp libsecret-1 2>/dev/null
}

install_deps() {
  if build_deps_present; then return 0; fi
  echo "install.sh: installing build dependencies"
  if command -v apt-get >/dev/null 2>&1; then
    apt_install build-essential pkg-config gettext gimp libgimp2.0-dev \
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
    echo "install.sh: no apt-get, dnf or pacman; install GIMP 2.10 development" \
         "files, libcurl, json-c, libpng, libjpeg, libwebp, libsecret and gettext" \
         "yourself" >&2
    exit 1
  fi
}

test_deps_present() {
  for tool in python3 openssl Xvfb xauth xdotool import tesseract clang valgrind dbus-daemon \
              gnome-keyring-daemon secret-tool gimp-2.10; do
    command -v "$tool" >/dev/null 2>&1 || return 1
  done
  /usr/bin/python3 -c 'import numpy, PIL' >/dev/null 2>&1 || return 1
  [ -f /usr/share/color/icc/compatibleWithAdobeRGB1998.icc ] || return 1
  ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1
}

install_test_deps() {
  if test_deps_present; then return 0; fi
  echo "install.sh: installing test dependencies"
  if command -v apt-get >/dev/null 2>&1; then
    apt_install python3 python3-numpy python3-pil openssl xvfb xauth xdotool imagemagick \
      clang libclang-rt-14-dev valgrind dbus gnome-keyring libsecret-tools gimp \
      icc-profiles-free tesseract-ocr tesseract-ocr-eng
  else
    echo "install.sh: install Xvfb, xdotool, ImageMagick, tesseract, clang with its fuzzer" \
         "runtime, valgrind, dbus, gnome-keyring, secret-tool, numpy and PIL" \
         "for /usr/bin/python3, and an Adobe RGB ICC profile to run the tests" >&2
    exit 1
  fi
}

[ "$want_deps" = 1 ] && install_deps
[ "$want_test_deps" = 1 ] && install_test_deps
[ "$want_build" = 1 ] || exit 0

make -s all

profile="${GIMP2_DIRECTORY:-$HOME/.config/GIMP/2.10}"
dest="$profile/plug-ins/ai-image-edit"
mkdir -p "$dest"
install -m 755 build/gimp2/ai-image-edit "$dest/ai-image-edit"
if [ -d build/locale ]; then
  mkdir -p "$dest/locale"
  cp -R build/locale/. "$dest/locale/"
fi
echo "install.sh: installed into $dest"

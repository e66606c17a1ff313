#!/bin/sh
# Installs what the build needs (when missing), builds the plug-in for each
# GIMP on the machine (2.10, 3.x, or both), and installs each with its
# translations into the person's GIMP profiles, PROFILE/plug-ins/ai-image-edit/:
#   GIMP 2.10: $GIMP2_DIRECTORY, else the folder gimptool-2.0 names
#     (~/.config/GIMP/2.10, or $XDG_CONFIG_HOME/GIMP/2.10);
#   GIMP 3:    $GIMP3_DIRECTORY alone, else every existing ~/.config/GIMP/3.*
#     (each 3.x minor version reads its own) and the folder of each GIMP 3.x
#     installed (as its gimptool names it).
# A GIMP that has never run is started once without its window first, so
# that it makes its own folder (see first_start).
# It says where it installed, and what to do about a Flatpak or Snap GIMP.
# `make install` installs system-wide instead.
# With no GIMP installed yet, it installs the distribution's GIMP (3 where
# the distribution has libgimp 3.0's development files, else 2.10).
# Idempotent; needs no network when everything is already present (with
# apt, one dpkg-query says which of the packages are missing).
# --no-deps skips the package step; --deps-only stops after it;
# --test-deps also installs what `make check` needs (Xvfb, xdotool,
# ImageMagick, clang's fuzzer runtime, valgrind, gnome-keyring, mmdebstrap,
# debhelper...).
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

# apt-get update at most once a run.
apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  as_root apt-get update
  apt_updated=1
}

# Those of the packages "$@" dpkg has not installed, space-separated, from
# one dpkg-query for all (it lists the ones it knows, each with its status).
apt_missing() {
  installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
                sed -n 's/^\([^ ]*\) .* installed$/\1/p' | tr '\n' ' ')"
  for package in "$@"; do
    case "$installed" in *" $package "*) ;; *) printf '%s ' "$package" ;; esac
  done
}

# Installs the packages "$@" that are missing, saying $1 first; with none
# missing, does nothing (no apt-get, no network).
apt_install() {
  heading=$1; shift
  missing=$(apt_missing "$@")
  [ -n "$missing" ] || return 0
  echo "install.sh: $heading"
  apt_update
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

# The GIMP 3.x versions on PATH ("3.0 3.2"), from the programs' names
# (gimp-3.2, gimp-console-3.2, gimptool-3.2; Debian forky has all three).
gimp3_versions() {
  (IFS=:
   for dir in $PATH; do
     for program in "$dir"/gimp-3.* "$dir"/gimp-console-3.* "$dir"/gimptool-3.*; do
       [ -x "$program" ] && echo "${program##*-}"
     done
   done) | grep -E '^3\.[0-9]+$' | sort -u -t. -k2,2n | tr '\n' ' '
}

# Which GIMPs are installed: "2", "3", or "2 3".
gimps_installed() {
  found=""
  if command -v gimp-2.10 >/dev/null 2>&1 || command -v gimp-console-2.10 >/dev/null 2>&1 ||
     pkg-config --exists gimp-2.0 2>/dev/null; then found="2"; fi
  if [ -n "$(gimp3_versions)" ] || pkg-config --exists gimp-3.0 2>/dev/null; then
    found="$found 3"; fi
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
  gimps=$(gimps_installed)
  if command -v apt-get >/dev/null 2>&1; then
    if [ -z "$gimps" ]; then apt_update; gimps=$(apt_gimp); fi
    gimp_dev=""
    for g in $gimps; do
      case $g in
        2) gimp_dev="$gimp_dev libgimp2.0-dev" ;;
        3) gimp_dev="$gimp_dev libgimp-3.0-dev" ;;
      esac
    done
    # shellcheck disable=SC2086
    apt_install "installing build dependencies" build-essential pkg-config gettext gimp \
      $gimp_dev libcurl4-openssl-dev libjson-c-dev libpng-dev libjpeg-dev libwebp-dev \
      libsecret-1-dev ca-certificates
  elif command -v dnf >/dev/null 2>&1; then
    echo "install.sh: installing build dependencies"
    as_root dnf install -y gcc make pkgconf-pkg-config gettext gimp gimp-devel \
      libcurl-devel json-c-devel libpng-devel libjpeg-turbo-devel libwebp-devel \
      libsecret-devel ca-certificates
  elif command -v pacman >/dev/null 2>&1; then
    echo "install.sh: installing build dependencies"
    as_root pacman -S --needed --noconfirm base-devel pkgconf gettext gimp \
      curl json-c libpng libjpeg-turbo libwebp libsecret ca-certificates
  else
    echo "install.sh: installing build dependencies"
    echo "install.sh: no apt-get, dnf or pacman; install GIMP's development files" \
         "(2.10 or 3), libcurl, json-c, libpng, libjpeg, libwebp, libsecret and" \
         "gettext yourself" >&2
    exit 1
  fi
}

test_deps_present() {
  for tool in python3 openssl Xvfb xauth xdotool import tesseract clang valgrind dbus-daemon \
              gnome-keyring-daemon secret-tool gimp-2.10 mmdebstrap dh dpkg-buildpackage; do
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
  if command -v apt-get >/dev/null 2>&1; then
    apt_install "installing test dependencies" python3 python3-numpy python3-pil openssl \
      xvfb xauth xdotool imagemagick clang libclang-rt-14-dev valgrind dbus gnome-keyring \
      libsecret-tools gimp icc-profiles-free tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu \
      tesseract-ocr-rus tesseract-ocr-jpn mmdebstrap fonts-ipafont-gothic debhelper dpkg-dev
  else
    echo "install.sh: installing test dependencies"
    echo "install.sh: install Xvfb, xdotool, ImageMagick, tesseract, clang with its fuzzer" \
         "runtime, valgrind, dbus, gnome-keyring, secret-tool, mmdebstrap, debhelper, numpy and PIL" \
         "for /usr/bin/python3, and an Adobe RGB ICC profile to run the tests" >&2
    exit 1
  fi
}

[ "$want_deps" = 1 ] && install_deps
[ "$want_test_deps" = 1 ] && install_test_deps
[ "$want_build" = 1 ] || exit 0

make -s all

config="${XDG_CONFIG_HOME:-$HOME/.config}/GIMP"

# The profile folder's name a GIMP's own tool installs plug-ins into
# ("3.2"): gimptool prints "cp 'FILE' 'PROFILE/plug-ins/NAME/'" for a dry
# run.  Asked with a throw-away HOME, because gimptool makes that folder
# even for a dry run (and a folder made before GIMP's first start stops
# GIMP making it properly, see first_start).
tool_folder() {
  scratch=$(mktemp -d)
  env -u XDG_CONFIG_HOME -u GIMP2_DIRECTORY -u GIMP3_DIRECTORY HOME="$scratch" \
    "$1" --dry-run --install-bin "$scratch/ai-image-edit" 2>/dev/null |
    sed -n "s|^cp '.*' '$scratch/.config/GIMP/\\([^/]*\\)/plug-ins/.*|\\1|p" | head -n 1
  rm -rf "$scratch"
}

# A GIMP makes its profile folder on its first start, with the folders it
# expects and the settings of the newest older version copied in (from 3.0
# with its plug-ins, from 2.10 without); a folder made here first would lack
# the one and stop the other.  So a GIMP whose folder does not exist yet is
# started once here without its window (a few seconds).  False when that
# GIMP has no console program, or did not make the folder.
first_start() {
  version=$1; profile=$2
  console=$(command -v "gimp-console-$version") || return 1
  echo "install.sh: starting GIMP $version once without its window, to make its folder $profile" >&2
  case $version in
    2.*) "$console" -i -b '(gimp-quit 0)' ;;
    *)   "$console" -i --quit ;;
  esac </dev/null >/dev/null 2>&1 || true
  [ -d "$profile" ]
}

# The folder a GIMP reads (made by it if need be), or a note saying what to
# do and nothing.
ready_profile() {
  version=$1; profile=$2
  if [ -d "$profile" ] || first_start "$version" "$profile"; then
    echo "$profile"
  else
    echo "install.sh: start GIMP $version once, then run ./install.sh again to add this" \
         "plug-in to it ($profile does not exist yet)." >&2
  fi
}

# The GIMP 3 profiles to install into, one per line: every 3.x one there
# is (each minor version reads its own, and an update must reach each), and
# the one of each GIMP 3.x installed.
gimp3_profiles() {
  if [ -n "${GIMP3_DIRECTORY:-}" ]; then
    newest=$(gimp3_versions); newest=${newest% }; newest=${newest##* }
    ready_profile "${newest:-3.0}" "$GIMP3_DIRECTORY"
    return
  fi
  for d in "$config"/3.*; do [ -d "$d" ] && echo "$d"; done
  for v in $(gimp3_versions); do
    folder=""
    command -v "gimptool-$v" >/dev/null 2>&1 && folder=$(tool_folder "gimptool-$v")
    ready_profile "$v" "$config/${folder:-$v}"
  done
}

gimp2_profile() {
  folder=""
  if [ -z "${GIMP2_DIRECTORY:-}" ] && command -v gimptool-2.0 >/dev/null 2>&1; then
    folder=$(tool_folder gimptool-2.0)
  fi
  ready_profile 2.10 "${GIMP2_DIRECTORY:-$config/${folder:-2.10}}"
}

installed=0
if [ -x build/gimp2/ai-image-edit ]; then
  profile=$(gimp2_profile)
  if [ -n "$profile" ]; then
    make -s install-into SERIES=2 DIR="$profile/plug-ins/ai-image-edit"
    installed=$((installed + 1))
  fi
fi
if [ -x build/gimp3/ai-image-edit ]; then
  while IFS= read -r profile; do
    [ -n "$profile" ] || continue
    make -s install-into SERIES=3 DIR="$profile/plug-ins/ai-image-edit"
    installed=$((installed + 1))
  done <<PROFILES
$(gimp3_profiles | sort -u)
PROFILES
fi
if [ ! -x build/gimp2/ai-image-edit ] && [ ! -x build/gimp3/ai-image-edit ]; then
  echo "install.sh: found no GIMP development files (2.10 or 3) to build against" >&2
  exit 1
fi

# Sandboxed GIMPs keep their profile elsewhere and run plug-ins with the
# libraries they bring, so a plug-in built here does not run in them.
if [ -d "$HOME/.var/app/org.gimp.GIMP" ] ||
   { command -v flatpak >/dev/null 2>&1 && flatpak info org.gimp.GIMP >/dev/null 2>&1; }; then
  echo "install.sh: a Flatpak GIMP (org.gimp.GIMP) is here too. It runs plug-ins inside its" \
       "sandbox, where a plug-in built on this machine does not run, and it does not read the" \
       "folders above: use your distribution's GIMP for this plug-in." >&2
fi
if [ -d /snap/gimp ] || [ -d "$HOME/snap/gimp" ]; then
  echo "install.sh: a Snap GIMP is here too. It runs plug-ins confined, where a plug-in built" \
       "on this machine does not run, and it does not read the folders above: use your" \
       "distribution's GIMP for this plug-in." >&2
fi
[ "$installed" -gt 0 ] || echo "install.sh: nothing installed yet; see above." >&2

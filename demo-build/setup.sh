#!/usr/bin/env bash
# Installs everything the site build and the test suite need on Debian 12:
# the Emscripten toolchain, Debian's Linux 6.1 source, the kernel's own host
# tools, and the Chromium used by the browser tests. Safe to run again: it only
# installs what is missing.
set -euo pipefail

packages=(
  # The kernel-to-WebAssembly toolchain (clang/wasm-ld 14, binaryen) and node.
  emscripten nodejs clang-14 lld-14 llvm-14
  # Debian's kernel source: /usr/src/linux-source-6.1.tar.xz.
  linux-source-6.1
  # The kernel's own host tools (gcc and libc6-dev build kbuild's helpers;
  # patch applies demo-build/patches).
  make flex bison bc xz-utils python3 perl cpio gcc libc6-dev patch
  # Size figures in the demo manifest are checked against these.
  gzip brotli
  # The browser that the page tests drive. Chromium depends on no font
  # package, and --no-install-recommends brings none: pages would lay out
  # text without any glyphs on a bare machine.
  chromium chromium-driver fonts-dejavu-core
  # The Java runtime of the Nu Html Checker (vnu-jar), which validates every
  # published page in the tests (src/tests/page_audit.rs).
  default-jre-headless
)

# npm fetches the theme's pinned browser code (theme/vendor: xterm.js for the
# demo terminal, elasticlunr.js for search), the hosting tests' pinned
# static-host emulator (src/tests/fixtures/host-emulator/) and the page
# audit's axe-core and vnu-jar (src/tests/fixtures/page-audit/).
# Debian's npm package goes with Debian's nodejs; a machine with another node
# build already has its own npm, which serves as well.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all system packages are present" >&2
fi

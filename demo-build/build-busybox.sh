#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the userland of the kernel's user programs: Debian's busybox source
# package (1.35) with Debian's patches and ours (demo-build/busybox/patches/),
# configured from demo-build/busybox/busybox.config on top of allnoconfig,
# static and NOMMU, compiled with the libc's lkljs-cc for the user ABI.
#
#   demo-build/build-busybox.sh --libc DIR --work DIR --out DIR [--jobs N]
#
# LIBC  the built libc (the directory above bin/lkljs-cc), from build-libc.sh.
# WORK  scratch space this script owns. The downloaded source package is
#       kept there, so a rebuild does not download it again; the tree is
#       extracted afresh each time, so nothing stale survives.
# OUT   where the result goes: busybox.wasm, busybox.links (the applets'
#       paths in the root file system, one a line), config.txt (the full
#       .config), busybox-version.txt and testsuite/ (BusyBox's own
#       testsuite, which run-busybox-testsuite.js runs inside the kernel).
#
# Progress on stdout, as build-kernel.sh: "@@lkljs step NAME" and
# "  CC      file" per compiled file.
set -euo pipefail

demo_build_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$demo_build_dir/build-common.sh"
busybox_dir=$demo_build_dir/busybox

# Debian 12's busybox: the exact source package, pinned by the hash of its
# signed .dsc (which in turn pins the tarballs by theirs).
busybox_package=busybox
busybox_version=1:1.35.0-4+deb12u1
busybox_dsc_sha256=9c01fe128b0eeded371c70e37d474fdb5055f71b5d0a778db44c6b0c62d3a7fa

usage() {
  echo "usage: $0 --libc DIR --work DIR --out DIR [--jobs N]" >&2
  exit 2
}

fail() {
  echo "build-busybox: $*" >&2
  exit 1
}

libc_dir="" work_dir="" out_dir="" jobs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --libc) [ $# -ge 2 ] || usage; libc_dir=$2; shift 2 ;;
    --work) [ $# -ge 2 ] || usage; work_dir=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out_dir=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "build-busybox: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$libc_dir" ] && [ -n "$work_dir" ] && [ -n "$out_dir" ] || usage
[ -x "$libc_dir/bin/lkljs-cc" ] ||
  fail "'$libc_dir' is not a built libc (no bin/lkljs-cc); build it with demo-build/build-libc.sh"
[ -n "$jobs" ] || jobs=$(nproc)
check_jobs "$jobs"

echo "@@lkljs step busybox toolchain"
need "$llvm_bin/clang" clang-14
need "$llvm_bin/llvm-ar" llvm-14
need apt-get apt
need dpkg-source dpkg-dev
need make make
need gcc gcc
need patch patch
need bzip2 bzip2
need sha256sum coreutils
need_all_found

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1670716800}
export LC_ALL=C TZ=UTC
# BusyBox's Makefile stamps the build's date and user into the binary
# unless these are fixed (scripts/mkcompile_h style, as the kernel's).
export KBUILD_BUILD_USER=lkljs KBUILD_BUILD_HOST=lkljs

mkdir -p "$work_dir" "$out_dir"
work_dir=$(cd "$work_dir" && pwd)
out_dir=$(cd "$out_dir" && pwd)
libc_dir=$(cd "$libc_dir" && pwd)

echo "@@lkljs step busybox fetch"
debian_source_fetch "$busybox_package" "$busybox_version" "$busybox_dsc_sha256" "$work_dir/download"

echo "@@lkljs step busybox extract"
tree=$work_dir/busybox
debian_source_extract "$busybox_package" "$busybox_version" "$work_dir/download" "$tree"
upstream_version=${busybox_version#*:}
upstream_version=${upstream_version%-*}
[ "$(sed -n 's/^VERSION = //p' "$tree/Makefile").$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile").$(sed -n 's/^SUBLEVEL = //p' "$tree/Makefile")" = "$upstream_version" ] ||
  fail "the busybox source is not version $upstream_version"

echo "@@lkljs step busybox patch"
for patch_file in "$busybox_dir"/patches/*.patch; do
  [ -e "$patch_file" ] || continue
  echo "  PATCH   $(basename "$patch_file")"
  patch -d "$tree" -p1 --quiet --forward < "$patch_file" ||
    fail "patch $(basename "$patch_file") does not apply to busybox $upstream_version"
done

echo "@@lkljs step busybox configure"
# BusyBox's kconfig ignores KCONFIG_ALLCONFIG for booleans, so the fragment
# replaces its options' lines in allnoconfig's .config, and oldconfig gives
# every option that this reveals (an applet's features) its default.
config_fragment=$busybox_dir/busybox.config
bmake() {
  make -C "$tree" HOSTCC=gcc "$@"
}
bmake -s allnoconfig > "$work_dir/allnoconfig.log" 2>&1 ||
  fail "make allnoconfig failed; see $work_dir/allnoconfig.log"
fragment_options=$(sed -n 's/^\(# \)\{0,1\}\(CONFIG_[A-Z0-9_]*\)[= ].*/\2/p' "$config_fragment")
grep -v -w -F -e "$fragment_options" "$tree/.config" > "$tree/.config.merged" || true
grep -E '^(CONFIG_|# CONFIG_)' "$config_fragment" >> "$tree/.config.merged"
mv "$tree/.config.merged" "$tree/.config"
(yes '' || true) | bmake -s oldconfig > "$work_dir/oldconfig.log" 2>&1 ||
  fail "make oldconfig failed; see $work_dir/oldconfig.log"
# Every choice of the fragment must have survived Kconfig's dependencies.
line_number=0
while IFS= read -r line; do
  line_number=$((line_number + 1))
  case "$line" in
    CONFIG_*=*) grep -qxF "$line" "$tree/.config" ||
      fail "$config_fragment:$line_number: '$line' did not take effect (an option it depends on is off: see its 'depends on' in the busybox source)" ;;
    "# CONFIG_"*" is not set")
      option=${line#\# }; option=${option%% *}
      if grep -q "^$option=" "$tree/.config"; then
        fail "$config_fragment:$line_number: '$option' should be off but is on (another option selects it)"
      fi ;;
  esac
done < "$config_fragment"

echo "@@lkljs step busybox compile"
# musl keeps libm, librt and libcrypt inside libc.a and installs empty
# archives under their names; BusyBox's link asks for them by name.
empty_libs=$work_dir/empty-libs
rm -rf "$empty_libs"
mkdir -p "$empty_libs"
for name in m rt crypt resolv; do
  "$llvm_bin/llvm-ar" crs "$empty_libs/lib$name.a"
done
# The compiler is wrapped to print kbuild-style "  CC  file" progress lines
# (BusyBox's own are not printed for a -s build).
cc_wrapper=$work_dir/cc
cat > "$cc_wrapper" <<WRAPPER
#!/bin/sh
prev=
for arg; do [ "\$prev" = -o ] && case "\$arg" in *.o) echo "  CC      \$arg" ;; esac; prev=\$arg; done
exec $libc_dir/bin/lkljs-cc "\$@"
WRAPPER
chmod +x "$cc_wrapper"
# __linux__: clang's wasm32 target does not define it, but these programs
# run on Linux, and BusyBox guards Linux-only code (sysinfo, ...) with it.
bb_cflags="-D__linux__ -Wno-string-plus-int -Wno-ignored-optimization-argument -Qunused-arguments -ffile-prefix-map=$tree/=busybox/ -ffile-prefix-map=$libc_dir/=libc/"
# LD makes each directory's built-in.o with -r: clang drives wasm-ld for it.
CFLAGS="$bb_cflags" LDFLAGS="-L$empty_libs" bmake -s -j"$jobs" \
  CC="$cc_wrapper" LD="$llvm_bin/clang --target=wasm32" AR="$llvm_bin/llvm-ar" SKIP_STRIP=y \
  busybox
[ -f "$tree/busybox_unstripped" ] || fail "BusyBox did not link; see the errors above (and $tree/busybox_unstripped.out)"
bmake -s busybox.links > /dev/null

echo "@@lkljs step busybox install"
rm -rf "$out_dir/busybox.wasm" "$out_dir/busybox.links" "$out_dir/config.txt" "$out_dir/busybox-version.txt" \
  "$out_dir/testsuite"
cp "$tree/busybox_unstripped" "$out_dir/busybox.wasm"
sort "$tree/busybox.links" > "$out_dir/busybox.links"
cp "$tree/.config" "$out_dir/config.txt"
echo "busybox $busybox_version (Debian source package $busybox_package)" > "$out_dir/busybox-version.txt"
# The testsuite as the source package has it, with its scripts' modes (runtest
# executes the *.tests files directly).
cp -R "$tree/testsuite" "$out_dir/testsuite"
echo "@@lkljs step busybox done"

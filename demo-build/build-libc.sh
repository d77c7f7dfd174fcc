#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the C library of the kernel's user programs: Debian's musl source
# package ported to the lkljs user ABI (arch wasm32, demo-build/libc/), with
# the kernel's own system call numbers, and the compiler-rt builtins that
# clang's wasm32 code calls. Then builds and links the check program
# demo-build/libc/tests/hello.c against it.
#
#   demo-build/build-libc.sh --kernel-source PATH --work DIR --out DIR [--jobs N]
#
# PATH  the Linux 6.1 source (tarball or tree) whose unistd headers give the
#       system call numbers, as for build-kernel.sh.
# DIR   scratch space this script owns. The downloaded source package is
#       kept there, so a rebuild does not download it again; the musl tree
#       is extracted afresh each time (a megabyte), so nothing stale survives.
# OUT   where the libc is installed: include/, lib/{crt1.o,libc.a,
#       libcompiler_rt.a}, bin/lkljs-cc (with bin/lkljs-loop-check.js, which
#       it runs on every program it links), tests/hello.wasm, musl-version.txt.
#
# Progress on stdout, as build-kernel.sh: "@@lkljs step NAME",
# "@@lkljs total N", and "  CC      file" per compiled file.
set -euo pipefail

demo_build_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$demo_build_dir/build-common.sh"
libc_dir=$demo_build_dir/libc

# Debian 12's musl: the exact source package, pinned by the hash of its
# signed .dsc (which in turn pins the tarballs by theirs).
musl_package=musl
musl_version=1.2.3-1
musl_dsc_sha256=243a7462e9c751da662c4c61d4c96b6318c796ba302b72f6cdf74ea5427a9b4f

usage() {
  echo "usage: $0 --kernel-source PATH --work DIR --out DIR [--jobs N]" >&2
  exit 2
}

fail() {
  echo "build-libc: $*" >&2
  exit 1
}

kernel_source="" work_dir="" out_dir="" jobs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel-source) [ $# -ge 2 ] || usage; kernel_source=$2; shift 2 ;;
    --work) [ $# -ge 2 ] || usage; work_dir=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out_dir=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "build-libc: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$kernel_source" ] && [ -n "$work_dir" ] && [ -n "$out_dir" ] || usage
[ -e "$kernel_source" ] || fail "kernel source '$kernel_source' does not exist; pass a Linux 6.1 tarball (e.g. /usr/src/linux-source-6.1.tar.xz from the linux-source-6.1 package) or an extracted tree"
[ -n "$jobs" ] || jobs=$(nproc)
check_jobs "$jobs"

echo "@@lkljs step libc toolchain"
need "$llvm_bin/clang" clang-14
need "$llvm_bin/wasm-ld" lld-14
need "$llvm_bin/llvm-ar" llvm-14
need "$llvm_bin/llvm-ranlib" llvm-14
need apt-get apt
need dpkg-source dpkg-dev
need make make
need tar tar
need xz xz-utils
need sha256sum coreutils
need node nodejs
need gcc gcc
need_all_found
# LLVM's compiler-rt sources, as Debian's emscripten ships them.
compiler_rt_dir=/usr/share/emscripten/system/lib/compiler-rt
compiler_rt_src=$compiler_rt_dir/lib/builtins
sjlj_source=$compiler_rt_dir/emscripten_setjmp.c
[ -f "$compiler_rt_src/multf3.c" ] && [ -f "$sjlj_source" ] ||
  fail "$compiler_rt_dir is missing or incomplete (LLVM's compiler-rt sources, shipped with Debian's emscripten); install it with: apt-get install emscripten"

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1670716800}
export LC_ALL=C TZ=UTC

mkdir -p "$work_dir" "$out_dir"
work_dir=$(cd "$work_dir" && pwd)
out_dir=$(cd "$out_dir" && pwd)

echo "@@lkljs step libc fetch"
debian_source_fetch "$musl_package" "$musl_version" "$musl_dsc_sha256" "$work_dir/download"

echo "@@lkljs step libc extract"
tree=$work_dir/musl
debian_source_extract "$musl_package" "$musl_version" "$work_dir/download" "$tree"
[ "$(cat "$tree/VERSION")" = "${musl_version%-*}" ] ||
  fail "the musl source says version $(cat "$tree/VERSION"), not ${musl_version%-*}"

echo "@@lkljs step libc patch"
for patch_file in "$libc_dir"/patches/*.patch; do
  [ -e "$patch_file" ] || continue
  echo "  PATCH   $(basename "$patch_file")"
  patch -d "$tree" -p1 --quiet --forward < "$patch_file" ||
    fail "patch $(basename "$patch_file") does not apply to musl $musl_version"
done

echo "@@lkljs step libc overlay"
# Our arch (arch/wasm32) and C replacements (src/*/wasm32), where musl's
# Makefile looks for an arch's own files.
cp -r "$libc_dir/arch/." "$tree/arch/"
cp -r "$libc_dir/src/." "$tree/src/"

echo "@@lkljs step libc syscalls"
# What the libc takes from the kernel source, kept while the source is
# unchanged: include/uapi (the unistd headers give the system call numbers;
# all of it is installed for programs), with the port's own
# arch/lkljs/include/uapi, and what `make headers_install` runs on them:
# scripts/headers_install.sh, scripts/unifdef.c, and the top Makefile's
# version for linux/version.h.
headers=$work_dir/kernel-headers
header_sources=(include/uapi scripts/headers_install.sh scripts/unifdef.c Makefile)
if [ -d "$kernel_source" ]; then
  source_identity="directory $(cd "$kernel_source" && pwd) $(find "$kernel_source/include/uapi" -type f -newer "$kernel_source/Makefile" | wc -l)"
else
  source_identity="tarball $(sha256sum < "$kernel_source" | cut -d' ' -f1)"
fi
source_identity="$source_identity: ${header_sources[*]}"
if [ ! -f "$headers.identity" ] || [ "$(cat "$headers.identity")" != "$source_identity" ]; then
  echo "  EXTRACT ${header_sources[*]}"
  rm -rf "$headers" "$headers.identity"
  mkdir -p "$headers"
  if [ -d "$kernel_source" ]; then
    (cd "$kernel_source" && tar cf - "${header_sources[@]}") | tar xf - -C "$headers"
  else
    case "$kernel_source" in
      *.tar.xz|*.txz) decompress=J ;;
      *.tar.gz|*.tgz) decompress=z ;;
      *) fail "unsupported kernel source '$kernel_source': give a .tar.xz or .tar.gz tarball or a directory" ;;
    esac
    # The tarball's top directory, whatever its name, and no deeper.
    tar "x${decompress}f" "$kernel_source" -C "$headers" --strip-components=1 \
      --wildcards --no-wildcards-match-slash "${header_sources[@]/#/*/}"
  fi
  for file in include/uapi/asm-generic/unistd.h "${header_sources[@]:1}"; do
    [ -f "$headers/$file" ] || fail "no $file in '$kernel_source'"
  done
  echo "$source_identity" > "$headers.identity"
fi
rm -rf "$headers/arch"
mkdir -p "$headers/arch/lkljs/include"
cp -r "$demo_build_dir/arch/lkljs/include/uapi" "$headers/arch/lkljs/include/"
echo "  GEN     bits/syscall.h"
numbers=$("$demo_build_dir/syscall-numbers.sh" "$headers")
{ echo "/* Generated by build-libc.sh from the kernel's unistd headers (demo-build/syscall-numbers.sh). */"
  while read -r name number; do echo "#define __NR_$name $number"; done <<< "$numbers"
  # musl's name for asm-generic's llseek.
  echo "#define __NR__llseek __NR_llseek"
  # A 32-bit asm-generic table leaves wait4 out (with the other calls that
  # carry a 32-bit time). If the kernel does not add it back, the libc
  # answers it on waitid (src/internal/wasm32/libc_syscall.c), under
  # asm-generic's own number.
  grep -q '^wait4 ' <<< "$numbers" || echo "#define __NR_wait4 260"
} > "$tree/arch/wasm32/bits/syscall.h.in"
{ echo "/* Generated by build-libc.sh: 1 if the libc answers wait4 itself (the kernel has none). */"
  if grep -q '^wait4 ' <<< "$numbers"; then echo "#define WASM32_LIBC_WAIT4 0"; else echo "#define WASM32_LIBC_WAIT4 1"; fi
} > "$tree/arch/wasm32/libc_wait4.h"

echo "@@lkljs step libc configure"
# musl's Makefile reads config.mak (what its configure would write). The
# compiler is wrapped to print kbuild-style "  CC  file" progress lines.
cc_wrapper=$work_dir/cc
cat > "$cc_wrapper" <<WRAPPER
#!/bin/sh
prev=
for arg; do [ "\$prev" = -o ] && echo "  CC      \${arg#obj/}"; prev=\$arg; done
exec $llvm_bin/clang "\$@"
WRAPPER
chmod +x "$cc_wrapper"
target_flags="--target=wasm32 -matomics -mbulk-memory"
cat > "$tree/config.mak" <<CONFIG
ARCH = wasm32
prefix = $out_dir
includedir = \$(prefix)/include
libdir = \$(prefix)/lib
CC = $cc_wrapper $target_flags
AR = $llvm_bin/llvm-ar
RANLIB = $llvm_bin/llvm-ranlib
CFLAGS_AUTO = -Os -pipe -fno-stack-protector -ffunction-sections -fdata-sections \
  -Werror=implicit-function-declaration -Werror=implicit-int -Werror=pointer-sign \
  -Werror=pointer-arith -Werror=int-conversion -Werror=incompatible-pointer-types \
  -Qunused-arguments -Wno-unused-command-line-argument \
  -Wno-parentheses -Wno-shift-op-parentheses -Wno-string-plus-int -Wno-ignored-pragmas \
  -Wno-ignored-attributes -Wno-tautological-constant-out-of-range-compare \
  -ffile-prefix-map=$tree/=musl/
CFLAGS_C99FSE = -std=c99 -ffreestanding -nostdinc
LIBCC =
SHARED_LIBS =
ALL_TOOLS =
CONFIG

echo "@@lkljs step libc compile"
rm -rf "$tree/obj" "$tree/lib"
targets=(lib/libc.a lib/crt1.o)
total=$(make -C "$tree" -n "${targets[@]}" 2>/dev/null | grep -c -- ' -c -o ' || true)
builtins=()
for source in "$compiler_rt_src"/*.c; do
  case "$(basename "$source")" in
    # Not builtins of a wasm program: the generic lock-based atomics (wasm
    # has real ones), emulated TLS, the host's caches, stacks, versions,
    # GCC's personality and trampolines.
    atomic*.c|clear_cache.c|emutls.c|enable_execute_stack.c|eprintf.c|gcc_personality_v0.c|\
    os_version_check.c|apple_versioning.c|trampoline_setup.c) continue ;;
  esac
  builtins+=("$source")
done
echo "@@lkljs total $((total + ${#builtins[@]} + 2))"
make -C "$tree" -s -j"$jobs" "${targets[@]}"

# LLVM's compiler-rt builtins (long double is binary128 on wasm32, so
# printf and strtold call __multf3 and friends; 64-bit division, ...).
rt_obj=$work_dir/compiler-rt
rm -rf "$rt_obj"
mkdir -p "$rt_obj"
printf '%s\n' "${builtins[@]}" |
  xargs -P "$jobs" -I{} sh -c 'object="$1/$(basename "$2" .c).o"; echo "  CC      compiler-rt/$(basename "$object")";
    exec "$3/clang" $4 -Os -ffreestanding -ffunction-sections -fdata-sections \
      -ffile-prefix-map="$5/=compiler-rt/" -c "$2" -o "$object"' \
    sh "$rt_obj" {} "$llvm_bin" "$target_flags" "$compiler_rt_src"

# setjmp/longjmp on wasm exception handling (see src/setjmp/wasm32/longjmp.c):
# saveSetjmp, testSetjmp and __wasm_longjmp, which Emscripten adds to
# compiler-rt; compiled with the setjmp lowering it belongs to.
echo "  CC      compiler-rt/emscripten_setjmp.o"
"$llvm_bin/clang" $target_flags -mexception-handling -mllvm -wasm-enable-sjlj -D__USING_WASM_SJLJ__ \
  -ftls-model=local-exec -Os -nostdinc -isystem "$tree/obj/include" -isystem "$tree/arch/wasm32" \
  -isystem "$tree/arch/generic" -isystem "$tree/include" -ffile-prefix-map="$compiler_rt_dir/=compiler-rt/" \
  -c "$sjlj_source" -o "$rt_obj/emscripten_setjmp.o"

echo "@@lkljs step libc install"
rm -rf "$out_dir/include" "$out_dir/lib" "$out_dir/bin" "$out_dir/tests"
make -C "$tree" -s install-headers
mkdir -p "$out_dir/lib" "$out_dir/bin" "$out_dir/tests"
cp "$tree/lib/libc.a" "$tree/lib/crt1.o" "$out_dir/lib/"
(cd "$rt_obj" && find . -name '*.o' | sort | xargs "$llvm_bin/llvm-ar" crsD "$out_dir/lib/libcompiler_rt.a")
"$demo_build_dir/install-kernel-headers.sh" "$headers" "$out_dir/include" "$jobs"
cp "$libc_dir/lkljs-cc" "$libc_dir/lkljs-loop-check.js" "$out_dir/bin/"
chmod 755 "$out_dir/bin/lkljs-cc"
echo "musl $musl_version (Debian source package $musl_package)" > "$out_dir/musl-version.txt"

echo "@@lkljs step libc check"
echo "  CC      tests/hello.wasm"
"$out_dir/bin/lkljs-cc" -Os -ffile-prefix-map="$libc_dir/=demo-build/libc/" \
  -o "$out_dir/tests/hello.wasm" "$libc_dir/tests/hello.c"
echo "@@lkljs step libc done"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs the kernel's user-space API headers (linux/, asm/, asm-generic/,
# ...) next to the libc's, as `make ARCH=lkljs headers_install` would: every
# header of include/uapi and of the port's arch/lkljs/include/uapi goes
# through the kernel's own scripts/headers_install.sh (which strips
# __KERNEL__ parts with scripts/unifdef), asm/ gets a wrapper for each header
# the arch takes from asm-generic (scripts/Makefile.asm-generic), and
# linux/version.h is written from the top Makefile's version. Run by
# build-libc.sh, so programs such as BusyBox's `ip` (netlink) compile.
#
#   demo-build/install-kernel-headers.sh SOURCE INCLUDE JOBS
#
# SOURCE   a directory holding the kernel's include/uapi, scripts/
#          headers_install.sh, scripts/unifdef.c and Makefile, and the port's
#          arch/lkljs/include/uapi (build-libc.sh's kernel-headers/). The
#          script builds scripts/unifdef there.
# INCLUDE  the libc's include directory. A kernel header never replaces one
#          of the libc's: the install fails if a name is taken.
set -euo pipefail

fail() {
  echo "install-kernel-headers: $*" >&2
  exit 1
}

[ $# -eq 3 ] || { echo "usage: $0 SOURCE INCLUDE JOBS" >&2; exit 2; }
source_dir=$(cd "$1" && pwd)
include_dir=$(cd "$2" && pwd)
jobs=$3
arch_uapi=arch/lkljs/include/uapi

echo "@@lkljs step libc kernel headers"
cd "$source_dir"
gcc -O2 -o scripts/unifdef scripts/unifdef.c ||
  fail "cannot build scripts/unifdef from the kernel source"

# The headers headers_install exports (scripts/Makefile.headersinst), less
# include/uapi/Kbuild's no-export-headers: those of KVM and a.out, which the
# arch does not have.
headers=$(
  (cd include/uapi && find . -name '*.h' | sed 's|^\./|include/uapi/|')
  (cd "$arch_uapi" && find . -name '*.h' | sed "s|^\./|$arch_uapi/|")
)
headers=$(grep -v -x -e include/uapi/linux/kvm.h -e include/uapi/linux/kvm_para.h \
  -e include/uapi/linux/a.out.h <<< "$headers" | LC_ALL=C sort)
installed=$(sed -e "s|^include/uapi/||" -e "s|^$arch_uapi/||" <<< "$headers")
clashes=$(cd "$include_dir" && for name in $installed; do [ ! -e "$name" ] || echo "$name"; done)
[ -z "$clashes" ] || fail "kernel headers would replace the libc's: $(echo $clashes)"

# headers_install.sh takes paths relative to the source (its list of known
# CONFIG_ leaks names files that way) and runs scripts/unifdef from there.
printf '%s\n' $headers |
  xargs -P "$jobs" -n 32 sh -c '
    include_dir=$1 arch_uapi=$2; shift 2
    for header; do
      name=${header#include/uapi/}; name=${name#$arch_uapi/}
      echo "  HDRINST $name"
      mkdir -p "$include_dir/$(dirname "$name")"
      sh scripts/headers_install.sh "$header" "$include_dir/$name" || exit 255
    done' sh "$include_dir" "$arch_uapi" ||
  fail "scripts/headers_install.sh failed; see the error above"

# asm/: what the arch does not have itself comes from asm-generic, through a
# one-line wrapper, for the headers every arch must provide (mandatory-y)
# and those the arch asks for (generic-y).
generic=$(sed -n 's/^\(mandatory\|generic\)-y[[:space:]]*+=[[:space:]]*\([a-z0-9_]*\.h\)$/\2/p' \
  include/uapi/asm-generic/Kbuild "$arch_uapi/asm/Kbuild" | LC_ALL=C sort -u)
[ -n "$generic" ] || fail "include/uapi/asm-generic/Kbuild lists no mandatory headers"
for name in $generic; do
  [ -f "$arch_uapi/asm/$name" ] && continue
  echo "  WRAP    asm/$name"
  echo "#include <asm-generic/$name>" > "$include_dir/asm/$name"
done

# linux/version.h, as the top Makefile's filechk_version.h writes it.
version=$(sed -n 's/^VERSION = //p' Makefile)
patchlevel=$(sed -n 's/^PATCHLEVEL = //p' Makefile)
sublevel=$(sed -n 's/^SUBLEVEL = //p' Makefile)
[ -n "$version" ] && [ -n "$patchlevel" ] && [ -n "$sublevel" ] || fail "no version in the kernel's Makefile"
echo "  GEN     linux/version.h"
{
  echo "#define LINUX_VERSION_CODE $((version * 65536 + patchlevel * 256 + (sublevel > 255 ? 255 : sublevel)))"
  echo '#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))'
  echo "#define LINUX_VERSION_MAJOR $version"
  echo "#define LINUX_VERSION_PATCHLEVEL $patchlevel"
  echo "#define LINUX_VERSION_SUBLEVEL $sublevel"
} > "$include_dir/linux/version.h"

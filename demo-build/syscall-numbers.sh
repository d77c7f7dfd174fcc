#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prints the kernel's system call numbers, one "name number" line each,
# sorted by name, from the lkljs port's unistd headers as the wasm32
# compiler sees them: every __NR_ name, then each one expanded. The one
# generator for every consumer: build-kernel.sh (LKLJS_NR_* for the host,
# Module.lkljs.nr for JavaScript) and build-libc.sh (the libc's SYS_*).
#
#   demo-build/syscall-numbers.sh TREE
#
# TREE  a Linux source tree with the port in arch/lkljs. The headers that
#       Kbuild generates for the arch (include/generated/uapi) are used when
#       the tree has been configured; otherwise the asm-generic ones stand in
#       for them, exactly as Kbuild's generic-y wrappers would.
set -euo pipefail

fail() {
  echo "syscall-numbers: $*" >&2
  exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 TREE" >&2; exit 2; }
tree=$1
[ -f "$tree/arch/lkljs/include/uapi/asm/unistd.h" ] ||
  fail "'$tree' has no arch/lkljs/include/uapi/asm/unistd.h (the lkljs port is not in it)"
clang=/usr/lib/llvm-14/bin/clang
[ -x "$clang" ] || fail "$clang is missing; install it with: apt-get install clang-14"

fallback=$(mktemp -d)
trap 'rm -rf "$fallback"' EXIT
ln -s "$(cd "$tree/include/uapi/asm-generic" && pwd)" "$fallback/asm"

uapi_cpp() {
  "$clang" --target=wasm32-unknown-emscripten -nostdinc -E -P \
    -I"$tree/arch/lkljs/include/uapi" -I"$tree/arch/lkljs/include/generated/uapi" \
    -I"$fallback" -I"$tree/include/uapi" -I"$tree/include/generated/uapi" "$@" -x c -
}
names=$(echo '#include <asm/unistd.h>' | uapi_cpp -dM |
  sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' | grep -vx syscalls | sort)
[ -n "$names" ] || fail "no system call numbers found in the unistd headers of '$tree'"
numbers=$({ echo '#include <asm/unistd.h>'
  for name in $names; do echo "lkljs_nr $name __NR_$name"; done
} | uapi_cpp | sed -n 's/^lkljs_nr //p')
while read -r name number; do
  case "$number" in
    ''|*[!0-9]*) fail "system call $name has no plain number ('$number')" ;;
  esac
done <<< "$numbers"
echo "$numbers"

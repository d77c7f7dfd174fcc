#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds Linux 6.1 for WebAssembly with the lkljs port and writes boot.js,
# boot.wasm and boot.worker.js, the same kernel with its self-test suite as
# selftest.js, selftest.wasm and selftest.worker.js, plus kernel-release.txt
# and config.txt.
#
#   demo-build/build-kernel.sh --source PATH --work DIR --out DIR [--jobs N]
#
# PATH  a Linux 6.1 tarball (.tar.xz / .tar.gz) or an extracted tree.
# DIR   scratch space this script owns; a tree extracted there from the same
#       source and patches is reused, so a second run only recompiles what
#       changed.
# OUT   where the artefacts go (created if missing).
#
# Progress on stdout: "@@lkljs step NAME" when a phase starts,
# "@@lkljs total N" once the number of compile units is known, and kbuild's
# usual "  CC      path.o" lines in between.
set -euo pipefail

demo_build_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$demo_build_dir/build-common.sh"

usage() {
  echo "usage: $0 --source PATH --work DIR --out DIR [--jobs N]" >&2
  exit 2
}

fail() {
  echo "build-kernel: $*" >&2
  exit 1
}

source_path="" work_dir="" out_dir="" jobs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source) [ $# -ge 2 ] || usage; source_path=$2; shift 2 ;;
    --work) [ $# -ge 2 ] || usage; work_dir=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out_dir=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "build-kernel: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$source_path" ] && [ -n "$work_dir" ] && [ -n "$out_dir" ] || usage
[ -e "$source_path" ] || fail "source '$source_path' does not exist; pass a Linux 6.1 tarball (e.g. /usr/src/linux-source-6.1.tar.xz from the linux-source-6.1 package) or an extracted tree"
if [ -z "$jobs" ]; then
  jobs=$(nproc)
fi
check_jobs "$jobs"

# Memory the host gives the kernel, and the wasm memory around it: the
# kernel block plus the host heap and one 256 KiB stack per kernel thread.
kernel_memory_mb=32
wasm_memory_mb=128

echo "@@lkljs step toolchain"
need emcc emscripten
need node nodejs
need make make
need flex flex
need bison bison
need bc bc
need gcc gcc
need perl perl
need python3 python3
need tar tar
need xz xz-utils
need patch patch
need "$llvm_bin/clang" clang-14
need "$llvm_bin/wasm-ld" lld-14
need "$llvm_bin/llvm-ar" llvm-14
need "$llvm_bin/llvm-nm" llvm-14
need wasm-opt binaryen
need_all_found

# Reproducibility: fixed identity and time, no absolute paths in objects.
# The default is the generator's (src/demo: DEFAULT_SOURCE_DATE_EPOCH, which a
# test keeps equal): 2022-12-11, the day Linux 6.1 was released.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1670716800}
export KBUILD_BUILD_USER=lkljs
export KBUILD_BUILD_HOST=lkljs
export KBUILD_BUILD_TIMESTAMP
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')
export KBUILD_BUILD_VERSION=1
export NODE_PATH=/usr/share/nodejs
export LC_ALL=C TZ=UTC

mkdir -p "$work_dir" "$out_dir"
# The physical path: checkouts that share one work directory through a
# symbolic link then give make the same compiler command lines, so a build
# from another checkout recompiles only what differs rather than every file.
work_dir=$(cd "$work_dir" && pwd -P)
out_dir=$(cd "$out_dir" && pwd)
tree="$work_dir/linux"

# The extracted tree is reused only if it came from the same source and got
# the same patches; anything else starts again from a clean extraction.
if [ -d "$source_path" ]; then
  source_path=$(cd "$source_path" && pwd)
  [ -f "$source_path/Makefile" ] && [ -d "$source_path/kernel" ] ||
    fail "'$source_path' is not a Linux source tree (no Makefile or kernel/)"
  source_identity="directory $source_path $(sed -n 's/^SUBLEVEL = //p' "$source_path/Makefile")"
else
  source_path=$(cd "$(dirname "$source_path")" && pwd)/$(basename "$source_path")
  source_identity="tarball $(sha256sum < "$source_path" | cut -d' ' -f1)"
fi
patches=("$demo_build_dir"/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
patch_identity=$(cat "${patches[@]}" /dev/null | sha256sum | cut -d' ' -f1)
tree_identity="$source_identity patches $patch_identity"
identity_file="$work_dir/tree-identity"

if [ ! -f "$identity_file" ] || [ "$(cat "$identity_file")" != "$tree_identity" ]; then
  echo "@@lkljs step extract"
  rm -rf "$tree" "$identity_file"
  mkdir -p "$tree"
  if [ -d "$source_path" ]; then
    (cd "$source_path" && tar cf - --exclude=.git .) | tar xf - -C "$tree"
  else
    case "$source_path" in
      *.tar.xz|*.txz) tar xJf "$source_path" -C "$tree" --strip-components=1 ;;
      *.tar.gz|*.tgz) tar xzf "$source_path" -C "$tree" --strip-components=1 ;;
      *) fail "unsupported source '$source_path': give a .tar.xz or .tar.gz tarball or a directory" ;;
    esac
  fi
  [ -f "$tree/Makefile" ] || fail "no Makefile at the top of '$source_path'"
  version=$(sed -n 's/^VERSION = //p' "$tree/Makefile").$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile")
  [ "$version" = "6.1" ] || fail "'$source_path' holds Linux $version; the lkljs port is for 6.1"

  echo "@@lkljs step patch"
  for patch_file in "${patches[@]}"; do
    echo "  PATCH   $(basename "$patch_file")"
    patch -d "$tree" -p1 --quiet --forward < "$patch_file" ||
      fail "patch $(basename "$patch_file") does not apply to '$source_path'"
  done
  echo "$tree_identity" > "$identity_file"
fi

# The arch overlay is copied over the previous copy, whose build products
# stay, so an unchanged file is not recompiled. Only files whose content
# differs are copied, and they take the time of the copy: the work directory
# may hold newer objects built from another checkout's overlay, which an
# overlay file's own older time would not replace. Source files that left the
# overlay are removed from the tree.
echo "@@lkljs step overlay"
overlay="$demo_build_dir/arch/lkljs"
mkdir -p "$tree/arch/lkljs"
(cd "$tree/arch/lkljs" && find . -type f ! -name '*.o' ! -name '*.a' ! -name '*.s' \
    ! -name '.*.cmd' ! -path './include/generated/*' -print) |
  while IFS= read -r file; do
    [ -e "$overlay/$file" ] || rm -f "$tree/arch/lkljs/$file"
  done
(cd "$overlay" && find . -type f -print) |
  while IFS= read -r file; do
    if ! cmp -s "$overlay/$file" "$tree/arch/lkljs/$file"; then
      mkdir -p "$(dirname "$tree/arch/lkljs/$file")"
      cp "$overlay/$file" "$tree/arch/lkljs/$file"
    fi
  done

# -Oz after Kconfig's -Os (KCFLAGS come last): clang's smallest code, about a
# tenth less than -Os per object (fork.c, tcp_input.c, dev.c, namei.c, ...),
# for a module that every visitor downloads and compiles before the boot.
kmake() {
  make -C "$tree" ARCH=lkljs LLVM="$llvm_bin/" \
    CROSS_COMPILE=wasm32-unknown-emscripten- LD="$llvm_bin/wasm-ld" \
    HOSTCC=gcc HOSTCXX=g++ \
    KCFLAGS="-Oz -ffile-prefix-map=$tree/=" \
    "$@"
}

echo "@@lkljs step configure"
config_fragment="$demo_build_dir/config/lkljs.config"
# The configuration is made again whenever the fragment or the port's Kconfig
# files change, so that it never carries another overlay's answers.
config_identity=$(cat "$config_fragment" $(find "$overlay" -name 'Kconfig*' | sort) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$work_dir/config-identity" 2>/dev/null)" != "$config_identity" ] || [ ! -f "$tree/.config" ]; then
  kmake -s KCONFIG_ALLCONFIG="$config_fragment" allnoconfig
  echo "$config_identity" > "$work_dir/config-identity"
fi
# Every choice of the fragment must have survived Kconfig's dependencies.
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) grep -qxF "$line" "$tree/.config" ||
      fail "config: '$line' from $config_fragment did not take effect (a dependency is missing)" ;;
    "# CONFIG_"*" is not set")
      option=${line#\# }; option=${option%% *}
      if grep -q "^$option=" "$tree/.config"; then
        fail "config: '$option' should be off but is on"
      fi ;;
  esac
done < "$config_fragment"

echo "@@lkljs step compile"
# Count what is left to compile from a dry run, which lists one "CC" line
# per object that a real run would build.
total=$(kmake -n -j1 lkljs-objects 2>/dev/null | grep -cE "echo '  (CC|AS) " || true)
echo "@@lkljs total $total"
kmake -j"$jobs" lkljs-objects

echo "@@lkljs step host"
generated="$work_dir/host/generated"
rm -rf "$generated"
mkdir -p "$generated"

# System call numbers for the host's C (LKLJS_NR_name) and for JavaScript
# (Module.lkljs.nr), taken from the kernel's own unistd headers by the
# generator that the libc's build shares.
echo "  GEN     lkljs-syscall-numbers.h lkljs-syscall-numbers.js"
"$demo_build_dir/syscall-numbers.sh" "$tree" > "$generated/syscall-numbers.txt"
{ echo "/* Generated by build-kernel.sh from the kernel's unistd headers. */"
  while read -r name number; do echo "#define LKLJS_NR_$name $number"; done < "$generated/syscall-numbers.txt"
} > "$generated/lkljs-syscall-numbers.h"
{ echo "// Generated by build-kernel.sh from the kernel's uapi headers."
  echo "var lkljsSyscallNumbers = Object.freeze({"
  while read -r name number; do echo "  $name: $number,"; done < "$generated/syscall-numbers.txt"
  echo "});"
} > "$generated/lkljs-syscall-numbers.js"

# The shim between the kernel and V8 11's first form of promise integration
# (host/coroutine-shim.wat), as bytes for host/lkljs-coroutines.js.
echo "  GEN     lkljs-coroutine-shim.js"
wasm-as --enable-reference-types "$demo_build_dir/host/coroutine-shim.wat" -o "$generated/coroutine-shim.wasm"
{ echo "// Generated by build-kernel.sh: host/coroutine-shim.wat, assembled by wasm-as."
  echo "Module.lkljsCoroutineShim = new Uint8Array(["
  od -An -v -tu1 "$generated/coroutine-shim.wasm" | sed -e 's/^ *//' -e 's/  */, /g' -e 's/^/  /' -e 's/$/,/'
  echo "]);"
} > "$generated/lkljs-coroutine-shim.js"

# errno values (Module.lkljs.errno) and the O_* and AT_* flags of open and the
# *at calls (Module.lkljs.fcntl), the same way: every name the header defines,
# each expanded by the preprocessor; bash's arithmetic then evaluates the
# expansions that are expressions (O_TMPFILE is `(020000000 | 00200000)`).
# $1: the JavaScript name, $2: the header, $3: the names to keep (a regex).
# Only macros are wanted, so linux/types.h (which needs headers outside uapi/
# before headers_install) is skipped by defining its include guard.
# The kernel's uapi headers as the wasm32 compiler sees them (the tree is
# configured by now, so Kbuild's generated uapi headers exist).
uapi_cpp() {
  "$llvm_bin/clang" --target=wasm32-unknown-emscripten -nostdinc -E -P \
    -I"$tree/arch/lkljs/include/uapi" -I"$tree/arch/lkljs/include/generated/uapi" \
    -I"$tree/include/uapi" -I"$tree/include/generated/uapi" "$@" -x c -
}
uapi_constants() {
  local names values
  names=$(echo "#include <$2>" | uapi_cpp -D_UAPI_LINUX_TYPES_H -dM | sed -n "s/^#define \($3\) .*/\1/p" | sort)
  # The name is quoted so that the preprocessor expands only the value.
  values=$({ echo "#include <$2>"; for name in $names; do echo "lkljs_value \"$name\" $name"; done; } |
    uapi_cpp -D_UAPI_LINUX_TYPES_H | sed -n 's/^lkljs_value "\([A-Z0-9_]*\)" /\1 /p')
  [ -n "$values" ] || fail "no constants matching $3 found in the kernel's $2"
  echo "var $1 = Object.freeze({"
  while read -r name expression; do
    case "$expression" in
      *[!0-9a-fA-FxX\ \(\)\|\<\>~+-]*) fail "$name in $2 is not a number ('$expression')" ;;
    esac
    echo "  $name: $((expression)),"
  done <<< "$values"
  echo "});"
}
echo "  GEN     lkljs-syscall-numbers.js (errno, O_*, AT_*)"
uapi_constants lkljsErrno asm/errno.h 'E[A-Z0-9]*' >> "$generated/lkljs-syscall-numbers.js"
uapi_constants lkljsFcntl linux/fcntl.h '\(O\|AT\)_[A-Z0-9_]*' >> "$generated/lkljs-syscall-numbers.js"

# The root file system comes in two cpio archives, both made by
# usr/gen_init_cpio (built here for the build machine) with every mtime
# SOURCE_DATE_EPOCH: the skeleton (demo-build/initramfs.list: directories,
# device nodes, /etc, /init) becomes a C array compiled into the module, and
# the userland (demo-build/userland.list: every program, BusyBox and its
# applets) becomes userland.cpio, a file beside the module that the loaders
# fetch in parallel with the wasm and the host appends to the skeleton (see
# host/host.c), so that the browser caches the kernel and the programs apart.
# gen_init_cpio stamps directories and nodes with -t but files with their
# own mtime, so the files are copied and stamped with SOURCE_DATE_EPOCH first.
echo "  GEN     rootfs lists"
gcc -O2 -o "$generated/gen_init_cpio" "$tree/usr/gen_init_cpio.c"
mkdir -p "$generated/rootfs"
cp -r "$demo_build_dir/initramfs.list" "$demo_build_dir/userland.list" "$demo_build_dir/initramfs" "$generated/rootfs/"

# The test programs: freestanding C for the user-program ABI (README.md),
# compiled without Emscripten and linked as the ABI says, into the rootfs's
# /bin (userland.list names them).
mkdir -p "$generated/programs" "$generated/rootfs/bin"
for program_source in "$demo_build_dir"/programs/*.c; do
  program=$(basename "${program_source%.c}")
  echo "  WASM    /bin/$program"
  "$llvm_bin/clang" --target=wasm32 -matomics -mbulk-memory -Os -ffreestanding -nostdlib \
    -Wall -Werror -I"$generated" -ffile-prefix-map="$demo_build_dir/=demo-build/" \
    -c "$program_source" -o "$generated/programs/$program.o"
  "$llvm_bin/wasm-ld" --import-memory --shared-memory --max-memory=16777216 \
    --stack-first -z stack-size=65536 --export-table --no-entry --export=_start \
    -o "$generated/rootfs/bin/$program" "$generated/programs/$program.o"
done

# A program built with the user programs' libc (Debian's musl on the same ABI,
# demo-build/libc/): the libc's own test program, which the demo step also runs
# under a stand-in loader. The demo step builds the libc first and names its
# directory in LKLJS_LIBC.
[ -n "${LKLJS_LIBC:-}" ] && [ -x "$LKLJS_LIBC/bin/lkljs-cc" ] ||
  fail "LKLJS_LIBC does not name a built libc (with bin/lkljs-cc); the demo step builds it with demo-build/build-libc.sh and sets LKLJS_LIBC"
echo "  WASM    /bin/musl-hello"
"$LKLJS_LIBC/bin/lkljs-cc" -Os -Wall -Werror -ffile-prefix-map="$demo_build_dir/=demo-build/" \
  -c "$demo_build_dir/libc/tests/hello.c" -o "$generated/programs/musl-hello.o"
"$LKLJS_LIBC/bin/lkljs-cc" -Os "$generated/programs/musl-hello.o" -o "$generated/rootfs/bin/musl-hello"
# Test programs written against the libc (musl-programs/NAME.c -> /bin/NAME).
for program_source in "$demo_build_dir"/musl-programs/*.c; do
  program=$(basename "${program_source%.c}")
  echo "  WASM    /bin/$program"
  "$LKLJS_LIBC/bin/lkljs-cc" -Os -Wall -Werror -ffile-prefix-map="$demo_build_dir/=demo-build/" \
    -c "$program_source" -o "$generated/programs/$program.o"
  "$LKLJS_LIBC/bin/lkljs-cc" -Os "$generated/programs/$program.o" -o "$generated/rootfs/bin/$program"
done
# signal-test once more without the loop check, for the bench's figure of
# what the check costs on a tight loop.
echo "  WASM    /bin/signal-test-unchecked"
"$LKLJS_LIBC/bin/lkljs-cc" -Os -mno-lkljs-loop-check "$generated/programs/signal-test.o" \
  -o "$generated/rootfs/bin/signal-test-unchecked"

# PID 1: the init program (init/init.c), built with the same libc, becomes
# the rootfs's /init (userland.list names it init.wasm).
build_init_program() {
  echo "  WASM    /init"
  "$LKLJS_LIBC/bin/lkljs-cc" -Os -Wall -Werror -ffile-prefix-map="$demo_build_dir/=demo-build/" \
    -c "$demo_build_dir/init/init.c" -o "$generated/programs/init.o"
  "$LKLJS_LIBC/bin/lkljs-cc" -Os "$generated/programs/init.o" -o "$generated/rootfs/init.wasm"
}
build_init_program

# BusyBox (Debian's busybox, built with that libc by build-busybox.sh; the
# demo step names its directory in LKLJS_BUSYBOX): /bin/busybox and, for
# each applet in its busybox.links, a symbolic link to it, sorted by path so
# that the archive does not depend on the order BusyBox lists them in.
append_busybox_to_userland_list() {
  [ -n "${LKLJS_BUSYBOX:-}" ] && [ -f "$LKLJS_BUSYBOX/busybox.wasm" ] && [ -f "$LKLJS_BUSYBOX/busybox.links" ] ||
    fail "LKLJS_BUSYBOX does not name a built BusyBox (with busybox.wasm and busybox.links); the demo step builds it with demo-build/build-busybox.sh and sets LKLJS_BUSYBOX"
  echo "  COPY    /bin/busybox"
  cp "$LKLJS_BUSYBOX/busybox.wasm" "$generated/rootfs/bin/busybox"
  { echo "# Added by build-kernel.sh: BusyBox and its applets (busybox.links)."
    echo "file /bin/busybox bin/busybox 0755 0 0"
    LC_ALL=C sort -u "$LKLJS_BUSYBOX/busybox.links" | while IFS= read -r applet; do
      case "$applet" in
        /bin/*|/sbin/*|/usr/bin/*|/usr/sbin/*) echo "slink $applet /bin/busybox 0777 0 0" ;;
        *) fail "busybox.links names '$applet', outside /bin, /sbin, /usr/bin and /usr/sbin" ;;
      esac
    done
  } >> "$generated/rootfs/userland.list"
}
append_busybox_to_userland_list

# make_cpio LIST OUTPUT: the archive of a gen_init_cpio list in the rootfs directory.
make_cpio() {
  echo "  GEN     $(basename "$2")"
  (cd "$generated/rootfs" && "$generated/gen_init_cpio" -t "$SOURCE_DATE_EPOCH" "$1") > "$2" ||
    fail "gen_init_cpio could not build $(basename "$2") from demo-build/$1"
}
find "$generated/rootfs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
make_cpio initramfs.list "$generated/initramfs.cpio"
make_cpio userland.list "$generated/userland.cpio"
{ echo "/* Generated by build-kernel.sh: demo-build/initramfs.list as a cpio archive. */"
  echo "const unsigned char lkljs_initramfs[] = {"
  od -An -v -tu1 "$generated/initramfs.cpio" | sed -e 's/  */ /g' -e 's/^ //' -e 's/ /, /g' -e 's/$/,/'
  echo "};"
  echo "const unsigned long lkljs_initramfs_size = sizeof(lkljs_initramfs);"
} > "$generated/initramfs.c"

# The self-test suite (selftest.c) goes only into the second module below.
host_objects=() selftest_objects=()
mkdir -p "$work_dir/host"
for host_source in "$demo_build_dir"/host/*.c "$generated/initramfs.c"; do
  object="$work_dir/host/$(basename "${host_source%.c}").o"
  echo "  EMCC    host/$(basename "$host_source")"
  emcc -Oz -pthread -DLKLJS_MEMORY_MB="$kernel_memory_mb" \
    -I"$demo_build_dir/arch/lkljs/include/shared" -I"$generated" \
    -ffile-prefix-map="$demo_build_dir/=demo-build/" \
    -ffile-prefix-map="$generated/=generated/" \
    -c "$host_source" -o "$object"
  if [ "$host_source" = "$demo_build_dir/host/selftest.c" ]; then
    selftest_objects+=("$object")
  else
    host_objects+=("$object")
  fi
done

echo "@@lkljs step link"
link_dir="$work_dir/link"
rm -rf "$link_dir"
mkdir -p "$link_dir"

# The link collects garbage (--gc-sections): functions and data that nothing
# live refers to are left out. Its roots are main(), the exports and every
# symbol marked `used` that is not static. The kernel's tables are the
# problem: an initcall, `__setup`, `__param` or scheduling-class entry is a
# static `__used` variable in a section of its own that only the start and
# end markers of arch/lkljs/kernel/sections.c delimit, and wasm-ld 14 takes
# neither static symbols nor sections as roots, so the whole table (and all
# that only its entries reach) would go. So each object that has entries in
# a table section is first merged (wasm-ld -r) with a zero-sized, global,
# `used` root in each such section of its own: a relocatable link joins the
# sections of one name into one, which the root then keeps whole, in link
# order, with nothing added. The roots are compiled for plain wasm32, where
# `used` does not also export a symbol as it does under Emscripten. A
# relocatable link writes every segment's flags as 0, so the object's own are
# copied back (copy-segment-flags.py): without STRINGS, the final link would
# no longer share identical strings (6.7 KB more, 2.4 KB with Brotli).
# table_roots ARCHIVE: $link_dir/ARCHIVE's name, a thin archive of the same
# members in the same order, those with table entries replaced by rooted
# copies under $link_dir/tables.
table_sections='^(\.initcall[0-9a-z]*\.init|\.con_initcall\.init|\.init\.setup|__param|__modver|__[a-z]+_sched_class)$'
table_roots() {
  local archive=$1 members member roots root_source tables rooted=()
  tables="$link_dir/$(basename "$archive").tables"
  mapfile -t members < <(cd "$tree" && "$llvm_bin/llvm-ar" t "$archive")
  # "member section" for each table section that a member has.
  (cd "$tree" && "$llvm_bin/llvm-readobj" --sections "${members[@]}") |
    awk -v pattern="$table_sections" '/^File: /{ file = $2 } /^ *Name: /{ if ($2 ~ pattern) print file, $2 }' \
    > "$tables"
  for member in "${members[@]}"; do
    roots=$(awk -v member="$member" -v id="$(echo "$member" | tr -c 'A-Za-z0-9\n' '_')" '$1 == member {
        printf "char __lkljs_table_root_%s_%d[0] __attribute__((used, section(\"%s\")));\n", id, ++n, $2 }' \
      "$tables")
    if [ -z "$roots" ]; then
      rooted+=("$tree/$member")
      continue
    fi
    root_source="$link_dir/tables/$member.roots.c"
    mkdir -p "$(dirname "$root_source")"
    echo "$roots" > "$root_source"
    "$llvm_bin/clang" --target=wasm32 -matomics -mbulk-memory -c "$root_source" -o "${root_source%.c}.o"
    "$llvm_bin/wasm-ld" -r "${root_source%.c}.o" "$tree/$member" -o "$link_dir/tables/$member"
    python3 "$demo_build_dir/copy-segment-flags.py" "$tree/$member" "$link_dir/tables/$member"
    rooted+=("$link_dir/tables/$member")
  done
  "$llvm_bin/llvm-ar" qcT "$link_dir/$(basename "$archive")" "${rooted[@]}"
  "$llvm_bin/llvm-ar" s "$link_dir/$(basename "$archive")"
}
echo "  ROOTS   vmlinux.a lib.a"
table_roots vmlinux.a
table_roots lib/lib.a
# Two modules from the same objects: boot.js + boot.wasm + boot.worker.js, the
# production kernel that the page loads, and selftest.js + selftest.wasm +
# selftest.worker.js, the same kernel with the self-test suite (selftest.o)
# and its launcher (a --pre-js), which only `node selftest.js` and tests load.
# sections.o first: it fixes the order of the kernel's table sections (see
# arch/lkljs/kernel/sections.c); the rooted archives above keep those tables
# through the garbage collection.
# Workers: boot starts about twenty host threads, each on a worker that must
# start, evaluate boot.js and instantiate the module. Emscripten's own pool
# (PTHREAD_POOL_SIZE) starts all its workers at once, so on two cores even
# the first is ready late, and makes the rest on demand, one whole start-up
# at a time on the boot's critical path. The link asks for none, and
# host/lkljs-workers.js keeps the pool instead: as many starting at once as
# there are cores, ahead of the kernel's demand.
# No PROXY_TO_PTHREAD: main() runs on the runtime's thread and starts the
# kernel on a boot thread of its own (host/host.c), which in a page is a
# coroutine of that thread rather than a worker to wait for.
# Static data starts at 64 KiB rather than 1 KiB because the kernel treats
# any pointer below PAGE_SIZE as invalid (vsprintf prints "(efault)").
# link_module NAME [ARGUMENT...]: NAME.js and its files, from the kernel and
# host objects plus the given arguments. Then binaryen's -Oz once more over
# the linked module: after Emscripten's own pass it still saves about 22 KB
# (7 KB with Brotli) of boot.wasm. Both modules get it, so that the self-test
# runs the code that ships. --low-memory-unused, as Emscripten's own pass
# has it whenever static data starts at 1 KiB or above (here 64 KiB): no
# pointer lies below 1 KiB, so constant offsets fold into loads and stores
# (0.7 KB, 0.8 KB with Brotli).
# schedule is exported for host/lkljs-user.js, which calls it for a task
# leaving for user mode so that the leave's throw unwinds the scheduler's
# frames only (host/user.c).
link_module() {
  local name=$1
  shift
  echo "  EMLD    $name.js"
  (cd "$link_dir" && emcc -Oz -pthread \
    -sEXIT_RUNTIME \
    -sINITIAL_MEMORY=${wasm_memory_mb}MB \
    -sPTHREAD_POOL_SIZE=0 -sPTHREAD_POOL_SIZE_STRICT=0 \
    -sGLOBAL_BASE=65536 \
    -sENVIRONMENT=web,worker,node \
    -Wl,--gc-sections \
    -sEXPORTED_FUNCTIONS=_main,_malloc,_free,_schedule \
    --pre-js "$generated/lkljs-syscall-numbers.js" \
    --pre-js "$generated/lkljs-coroutine-shim.js" \
    --pre-js "$demo_build_dir/host/lkljs-coroutines.js" \
    --post-js "$demo_build_dir/host/lkljs-clock.js" \
    --post-js "$demo_build_dir/host/lkljs-workers.js" \
    --post-js "$demo_build_dir/host/lkljs-api.js" \
    --post-js "$demo_build_dir/host/lkljs-user.js" \
    --post-js "$demo_build_dir/host/lkljs-userland.js" \
    --post-js "$demo_build_dir/host/lkljs-node-console.js" \
    "$tree/arch/lkljs/kernel/sections.o" "${host_objects[@]}" \
    -Wl,--whole-archive "$link_dir/vmlinux.a" -Wl,--no-whole-archive \
    "$link_dir/lib.a" \
    "$@" \
    -o "$name.js")
  echo "  OPT     $name.wasm"
  wasm-opt --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
    -Oz --low-memory-unused "$link_dir/$name.wasm" -o "$link_dir/$name.opt.wasm"
  mv "$link_dir/$name.opt.wasm" "$link_dir/$name.wasm"
}
# The links are independent: with two or more jobs they run side by side.
if [ "$jobs" -gt 1 ]; then
  link_module boot & boot_link=$!
  link_module selftest --pre-js "$demo_build_dir/host/selftest-launcher.js" "${selftest_objects[@]}" & selftest_link=$!
  wait "$boot_link" || fail "linking boot.js failed"
  wait "$selftest_link" || fail "linking selftest.js failed"
else
  link_module boot
  link_module selftest --pre-js "$demo_build_dir/host/selftest-launcher.js" "${selftest_objects[@]}"
fi

echo "@@lkljs step install"
for artefact in "$link_dir"/boot.* "$link_dir"/selftest.* "$generated/userland.cpio"; do
  cp "$artefact" "$out_dir/"
done
kmake -s kernelrelease > "$out_dir/kernel-release.txt"
cp "$tree/.config" "$out_dir/config.txt"
echo "@@lkljs step done"

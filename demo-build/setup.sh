#!/usr/bin/env bash
# Installs everything the site build and the test suite need on Debian 12:
# the Emscripten toolchain, Debian's Linux 6.1 source, the kernel's own host
# tools, the source packages of the user programs' libc, and the Chromium used
# by the browser tests. Safe to run again: it only installs what is missing.
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
  # `apt-get source` (the user programs' libc and BusyBox are built from
  # Debian's musl and busybox source packages): dpkg-source unpacks them
  # (busybox's tarball is bzip2), and checks their signatures with gpgv.
  dpkg-dev gpgv bzip2
  # The browser that the page tests drive. Chromium depends on no font
  # package, and --no-install-recommends brings none: pages would lay out
  # text without any glyphs on a bare machine.
  chromium chromium-driver fonts-dejavu-core
  # The tests stop runaway node and server processes with kill(1), which is
  # procps's (a minimal Debian image has no procps).
  procps
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

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all system packages are present" >&2
fi

# apt-get source needs deb-src entries. They are derived from the machine's
# own apt sources (same URIs, suites, components and keys), so no mirror's
# name is ever written here: for each enabled deb822 stanza of the
# distribution's own suites, a copy with "Types: deb-src"; for each one-line
# "deb" of those suites, the same line as "deb-src". Third-party
# repositories are left out, as most publish no source indexes.
derived_sources=/etc/apt/sources.list.d/lkljs-deb-src.sources
derived_list=/etc/apt/sources.list.d/lkljs-deb-src.list
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "setup: /etc/os-release names no VERSION_CODENAME; cannot derive deb-src entries" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 - "$codename" "$derived_sources" "$derived_list" "$scratch" <<'PYTHON'
import glob, os, re, sys

codename, derived_sources, derived_list, scratch = sys.argv[1:]

def own_suites(suites):
    # The distribution's own suites: bookworm, bookworm-updates, bookworm-security, ...
    return suites and all(suite == codename or suite.startswith(codename + "-") for suite in suites)

stanzas, lines = [], []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    if path == derived_sources:
        continue
    for block in re.split(r"\n\s*\n", open(path).read()):
        fields, order = {}, []
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0] in " \t" and order:  # a folded continuation line
                fields[order[-1]] += "\n" + line
                continue
            name, _, value = line.partition(":")
            fields[name.strip()] = value.strip()
            order.append(name.strip())
        types = fields.get("Types", "").split()
        if ("deb" not in types or "deb-src" in types
                or fields.get("Enabled", "yes").lower() == "no"
                or not own_suites(fields.get("Suites", "").split())):
            continue
        fields["Types"] = "deb-src"
        stanzas.append("".join(f"{name}: {fields[name]}\n" for name in order))
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    if path == derived_list or not os.path.isfile(path):
        continue
    for line in open(path):
        words = line.split("#", 1)[0].split()
        if not words or words[0] != "deb":
            continue
        rest = words[1:]
        options = []
        while rest and (rest[0].startswith("[") or options and not options[-1].endswith("]")):
            options.append(rest.pop(0))
        if len(rest) >= 2 and own_suites([rest[1]]):
            lines.append(" ".join(["deb-src"] + options + rest) + "\n")

header = "# Written by demo-build/setup.sh: deb-src twins of this machine's own apt sources,\n# so that `apt-get source` works. Safe to delete; setup.sh writes it again.\n"
with open(os.path.join(scratch, "sources"), "w") as out:
    if stanzas:
        out.write(header + "\n" + "\n".join(stanzas))
with open(os.path.join(scratch, "list"), "w") as out:
    if lines:
        out.write(header + "".join(dict.fromkeys(lines)))
if not stanzas and not lines:
    sys.exit("setup: no deb entries for %s in /etc/apt/sources.list or /etc/apt/sources.list.d/; cannot derive deb-src entries" % codename)
PYTHON

sources_changed=no
for pair in "sources:$derived_sources" "list:$derived_list"; do
  generated=$scratch/${pair%%:*} target=${pair#*:}
  if [ -s "$generated" ]; then
    if ! cmp -s "$generated" "$target"; then
      echo "setup: writing $target (deb-src entries for apt-get source)" >&2
      $sudo install -m 644 "$generated" "$target"
      sources_changed=yes
    fi
  elif [ -e "$target" ]; then
    $sudo rm -f "$target"
    sources_changed=yes
  fi
done
# Update only when the entries changed or their indexes were never fetched.
# (grep reads all of apt-cache's output: with -q it could stop early and
# fail the pipeline on SIGPIPE.)
if [ "$sources_changed" = yes ] || ! apt-cache showsrc musl 2>/dev/null | grep '^Package: musl' >/dev/null; then
  echo "setup: apt-get update (source package indexes)" >&2
  $sudo apt-get update -q
else
  echo "setup: source package indexes are present" >&2
fi

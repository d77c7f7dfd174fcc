# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by every build script here (build-kernel.sh, build-libc.sh,
# build-busybox.sh), so that they check their tools, their arguments and
# their Debian source packages the same way. Each script defines `fail`
# (its message, prefixed with the script's name, then exit 1) before using
# these.

llvm_bin=/usr/lib/llvm-14/bin

# Tools: `need TOOL PACKAGE` for each, then `need_all_found`, which fails
# naming every missing tool and the one apt-get command that installs them.
missing_tools=() missing_packages=()
need() { # TOOL PACKAGE
  if ! command -v "$1" >/dev/null 2>&1; then
    missing_tools+=("$1")
    missing_packages+=("$2")
  fi
}
need_all_found() {
  [ ${#missing_tools[@]} -eq 0 ] ||
    fail "missing tools: ${missing_tools[*]}; install them with: apt-get install $(printf '%s\n' "${missing_packages[@]}" | sort -u | tr '\n' ' ')(or run demo-build/setup.sh)"
}

# --jobs N: a positive number (default: every core).
check_jobs() { # N
  case "$1" in
    ''|*[!0-9]*|0) fail "--jobs must be a positive number, not '$1'" ;;
  esac
}

# Debian source packages (build-libc.sh: musl; build-busybox.sh: busybox):
#
#   debian_source_fetch PACKAGE VERSION DSC_SHA256 DOWNLOAD_DIR
#   debian_source_extract PACKAGE VERSION DOWNLOAD_DIR TREE
#
# A package is pinned by the SHA-256 of its signed .dsc, which in turn pins
# every file it lists by theirs. `apt-get source` runs once: the files stay
# in DOWNLOAD_DIR and later builds only check them. TREE is unpacked afresh
# each time by dpkg-source, which applies Debian's own patches
# (debian/patches/series), so nothing stale survives.

# The file names of a .dsc's Checksums-Sha256 field as `sha256sum --check` input.
debian_source_checksums() { # DSC
  sed -n '/^Checksums-Sha256:/,/^[^ ]/s/^ \([0-9a-f]\{64\}\) [0-9]* \(.*\)$/\1  \2/p' "$1"
}

# True when DOWNLOAD_DIR holds the pinned .dsc and every file it lists, intact.
debian_source_is_downloaded() { # DSC_PATH DSC_SHA256
  [ -f "$1" ] && [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$2" ] || return 1
  debian_source_checksums "$1" | (cd "$(dirname "$1")" && sha256sum --check --status)
}

# Downloads PACKAGE=VERSION into DOWNLOAD_DIR, unless it is there intact.
debian_source_fetch() { # PACKAGE VERSION DSC_SHA256 DOWNLOAD_DIR
  local package=$1 version=$2 dsc_sha256=$3 download=$4
  local dsc=$download/$(debian_source_dsc_name "$package" "$version")
  if debian_source_is_downloaded "$dsc" "$dsc_sha256"; then
    echo "  using the downloaded $(basename "$dsc")"
    return
  fi
  rm -rf "$download"
  mkdir -p "$download"
  (cd "$download" && apt-get source --download-only -q "$package=$version") ||
    fail "apt-get source $package=$version failed: apt needs deb-src entries (run demo-build/setup.sh, which derives them from this machine's apt sources and runs apt-get update)"
  debian_source_is_downloaded "$dsc" "$dsc_sha256" ||
    fail "the downloaded $(basename "$dsc") does not match its pinned SHA-256 $dsc_sha256 (or a file it lists does not match); the archive changed: update the pinned version and SHA-256 in $0"
}

# Unpacks the downloaded PACKAGE=VERSION afresh into TREE, Debian's patches applied.
debian_source_extract() { # PACKAGE VERSION DOWNLOAD_DIR TREE
  local dsc=$3/$(debian_source_dsc_name "$1" "$2")
  rm -rf "$4"
  dpkg-source --no-check -x "$dsc" "$4" >/dev/null || fail "dpkg-source could not unpack $dsc"
}

# A .dsc is named after the version without its epoch.
debian_source_dsc_name() { # PACKAGE VERSION
  echo "${1}_${2#*:}.dsc"
}

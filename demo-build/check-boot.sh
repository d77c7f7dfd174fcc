#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boots OUT/boot.js under node and checks the log for the milestones of a
# complete boot: banner, memory, command line, console, clocksource, the
# initramfs unpacked, kernel_init executing /init, PID 1 handed over to the
# host, whose system calls mount the pseudo file systems, bring lo up and
# read uname, a clean halt, and no panic or WARNING. Prints the wall time.
#
#   demo-build/check-boot.sh OUT [kernel command line...]
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 OUT [kernel command line...]" >&2; exit 2; }
out_dir=$1
shift
[ -f "$out_dir/boot.js" ] || { echo "check-boot: no boot.js in '$out_dir'; run build-kernel.sh first" >&2; exit 2; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT

export NODE_PATH=/usr/share/nodejs
start_ns=$(date +%s%N)
status=0
node --no-experimental-fetch "$out_dir/boot.js" "$@" > "$log" 2>&1 || status=$?
end_ns=$(date +%s%N)

failures=0
expect() { # description, extended regex
  if ! grep -qE "$2" "$log"; then
    echo "check-boot: missing $1 (/$2/)" >&2
    failures=$((failures + 1))
  fi
}
refuse() { # description, extended regex
  if grep -qE "$2" "$log"; then
    echo "check-boot: unexpected $1: $(grep -m1 -E "$2" "$log")" >&2
    failures=$((failures + 1))
  fi
}

expect "kernel banner" "Linux version 6\.1\."
expect "zone layout" "Zone ranges:"
expect "memory report" "Memory: [0-9]+K/[0-9]+K available"
expect "command line" "Kernel command line:"
expect "console" "printk: console \[lkljs0\] enabled"
expect "clocksource" "clocksource: Switched to clocksource lkljs"
expect "initramfs from the host" "lkljs: initramfs of [0-9]+ bytes from the host"
expect "initramfs unpacked" "Unpacking initramfs"
expect "kernel_init running /init" "Run /init as init process"
expect "PID 1 handed over" "lkljs: PID 1 \(init\) handed over to the host"
expect "mounts" "lkljs-init: mounted proc on /proc, sysfs on /sys, devtmpfs on /dev, tmpfs on /tmp"
expect "loopback" "lkljs-init: lo is up"
expect "PID 1 system calls" "lkljs-init: PID 1 ready: Linux lkljs 6\.1\."
expect "halt" "reboot: System halted"
refuse "panic" "Kernel panic"
refuse "warning" "WARNING:|cut here"
refuse "BUG" "BUG:"

if [ "$status" -ne 0 ]; then
  echo "check-boot: node exited with status $status (0 is a clean halt)" >&2
  failures=$((failures + 1))
fi

echo "check-boot: $(grep -c . "$log") log lines, wall time $(( (end_ns - start_ns) / 1000000 )) ms, last line: $(tail -n1 "$log")"
if [ "$failures" -ne 0 ]; then
  echo "check-boot: $failures check(s) failed; the log follows" >&2
  cat "$log" >&2
  exit 1
fi
echo "check-boot: boot OK"

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Copies the flags of a wasm object's data segments into another object.

    copy-segment-flags.py FROM INTO

A relocatable link (wasm-ld 14 -r) writes every data segment's flags as 0.
build-kernel.sh merges the kernel objects that have table entries with their
roots that way, and the flag that matters is STRINGS: it lets the final link
share identical strings between objects (in C, every string literal is in a
segment of its own, `.rodata..L.str.N`). For each segment of INTO whose name
is a segment of FROM, the flags of FROM's segment are written over INTO's
in place. Both are one-byte numbers here, so nothing else in the file moves;
any other case is an error rather than a rewrite of the file.
"""

import sys

WASM_MAGIC = b"\0asm\x01\0\0\0"
CUSTOM_SECTION = 0
SEGMENT_INFO = 5


def fail(message):
    sys.exit(f"copy-segment-flags: {message}")


def uleb(data, position):
    """The unsigned LEB128 number at position, and the position after it."""
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position


def segment_flags(data, path):
    """{name: (flags, position, length)} from the object's linking section."""
    if data[:8] != WASM_MAGIC:
        fail(f"{path} is not a wasm object")
    position = 8
    while position < len(data):
        section_id = data[position]
        size, payload = uleb(data, position + 1)
        end = payload + size
        if section_id == CUSTOM_SECTION:
            name_length, name_start = uleb(data, payload)
            if data[name_start : name_start + name_length] == b"linking":
                return linking_segments(data, name_start + name_length + 1, end)
        position = end
    fail(f"{path} has no linking section (not a relocatable object)")


def linking_segments(data, position, end):
    """Walks the subsections after the linking section's version byte."""
    segments = {}
    while position < end:
        kind = data[position]
        size, payload = uleb(data, position + 1)
        if kind == SEGMENT_INFO:
            count, cursor = uleb(data, payload)
            for _ in range(count):
                name_length, cursor = uleb(data, cursor)
                name = bytes(data[cursor : cursor + name_length])
                _alignment, cursor = uleb(data, cursor + name_length)
                flags, after = uleb(data, cursor)
                segments[name] = (flags, cursor, after - cursor)
                cursor = after
        position = payload + size
    return segments


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: copy-segment-flags.py FROM INTO")
    source_path, target_path = sys.argv[1:]
    with open(source_path, "rb") as source:
        source_data = source.read()
    with open(target_path, "rb") as target:
        target_data = bytearray(target.read())
    source_segments = segment_flags(source_data, source_path)
    for name, (_flags, position, length) in segment_flags(target_data, target_path).items():
        if name not in source_segments:
            continue
        flags = source_segments[name][0]
        if length != 1 or flags > 0x7F:
            fail(f"{target_path}: segment {name.decode()}'s flags do not fit in place")
        target_data[position] = flags
    with open(target_path, "wb") as target:
        target.write(target_data)


if __name__ == "__main__":
    main()

#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
//
// lkljs-loop-check: puts a cheap check at the head of every loop of a
// linked program, so that a program that computes without system calls can
// still be interrupted, stopped or killed (ABI v2, demo-build/README.md,
// "Stopping a program that makes no system call"). lkljs-cc runs it on
// every program it links, so BusyBox and the test programs all have it:
//
//   node lkljs-loop-check.js PROGRAM.wasm        (rewrites it in place)
//
// The check counts down a new mutable global; when it reaches zero (every
// BUDGET passes through loop heads) it calls a new function, which resets
// the count and calls the program's own lkljs.syscall import with number -1
// (POLL). The host answers POLL without entering the kernel unless a
// signal is pending for the task (host/lkljs-user.js); then it enters the
// kernel, and the signal is delivered as on the way out of any system call.
// No import is added and no existing index moves: the global, the type (if
// needed) and the function are appended at the end of their index spaces.
//
// The rewrite is a pure function of the input bytes (deterministic). A
// module it cannot parse (an instruction it does not know, such as SIMD)
// is an error that names the file and the byte offset; the file is then
// left as it was. A custom section "lkljs.loop-check" marks a rewritten
// module, which is left alone if given again.
"use strict";
const fs = require("fs");

const BUDGET = 4096;
const POLL = -1;
const MARKER = "lkljs.loop-check";
// Section order (the exception-handling proposal puts tags before globals).
const ORDER = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

class ParseError extends Error {
  constructor(offset, message) {
    super(message);
    this.offset = offset;
  }
}

class Reader {
  constructor(bytes, offset, end) {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }
  byte() {
    if (this.offset >= this.end) throw new ParseError(this.offset, "unexpected end");
    return this.bytes[this.offset++];
  }
  u32() {
    let value = 0, shift = 0, byte;
    do {
      byte = this.byte();
      if (shift > 28 && (byte & 0x70)) throw new ParseError(this.offset - 1, "integer too large");
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  }
  // A signed LEB128 of up to 64 bits, skipped (its value is not needed).
  skipSigned(maxBytes) {
    for (let i = 0; i < maxBytes; i++)
      if (!(this.byte() & 0x80)) return;
    throw new ParseError(this.offset, "integer too long");
  }
  skip(count) {
    if (this.offset + count > this.end) throw new ParseError(this.offset, "unexpected end");
    this.offset += count;
  }
  name() {
    const length = this.u32();
    const start = this.offset;
    this.skip(length);
    return Buffer.from(this.bytes.subarray(start, start + length)).toString("utf8");
  }
}

function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

function s32(value) {
  const out = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && (byte & 0x40))) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function nameBytes(text) {
  const bytes = [...Buffer.from(text, "utf8")];
  return [...u32(bytes.length), ...bytes];
}

const VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

function skipBlockType(reader) {
  const first = reader.bytes[reader.offset];
  if (first === 0x40 || VALTYPES.has(first)) reader.skip(1);
  else reader.skipSigned(5); // a type index, as s33
}

function skipMemarg(reader) {
  const align = reader.u32();
  if (align & 0x40) reader.u32(); // a memory index (multi-memory)
  reader.u32();
}

// Skips one instruction's immediates, given its opcode.
function skipImmediates(reader, opcode, at) {
  switch (opcode) {
    case 0x02: case 0x03: case 0x04: case 0x06: skipBlockType(reader); return;
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x12:
    case 0x18: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25:
    case 0x26: case 0x3f: case 0x40: case 0xd2:
      reader.u32(); return;
    case 0x0e: {
      for (let count = reader.u32(); count > 0; count--) reader.u32();
      reader.u32();
      return;
    }
    case 0x11: case 0x13: reader.u32(); reader.u32(); return;
    case 0x1c: {
      for (let count = reader.u32(); count > 0; count--) reader.skip(1);
      return;
    }
    case 0x41: reader.skipSigned(5); return;
    case 0x42: reader.skipSigned(10); return;
    case 0x43: reader.skip(4); return;
    case 0x44: reader.skip(8); return;
    case 0xd0: reader.skip(1); return;
    case 0xfc: {
      const sub = reader.u32();
      if (sub <= 7) return;
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { reader.u32(); reader.u32(); return; }
      if (sub === 9 || sub === 11 || sub === 13 || sub === 15 || sub === 16 || sub === 17) { reader.u32(); return; }
      throw new ParseError(at, `unknown instruction 0xfc ${sub}`);
    }
    case 0xfe: {
      const sub = reader.u32();
      if (sub === 0x03) { reader.skip(1); return; }
      if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) { skipMemarg(reader); return; }
      throw new ParseError(at, `unknown atomic instruction 0xfe ${sub}`);
    }
    case 0xfd:
      throw new ParseError(at, "SIMD instructions (0xfd) are not supported; build without -msimd128");
  }
  if (opcode >= 0x28 && opcode <= 0x3e) { skipMemarg(reader); return; }
  if (opcode <= 0x01 || opcode === 0x05 || opcode === 0x0b || opcode === 0x0f || opcode === 0x19 ||
      opcode === 0x1a || opcode === 0x1b || opcode === 0xd1 || (opcode >= 0x45 && opcode <= 0xc4))
    return;
  throw new ParseError(at, `unknown instruction 0x${opcode.toString(16)}`);
}

// The check at a loop head: count down, and poll when the count is out.
function loopCheck(global, poll) {
  const g = u32(global);
  return [
    0x23, ...g, 0x41, 0x01, 0x6b, 0x24, ...g,        // budget -= 1
    0x23, ...g, 0x45, 0x04, 0x40, 0x10, ...u32(poll), 0x0b, // if (!budget) poll()
  ];
}

// One function body (without its size), with the check after every loop head.
function rewriteBody(bytes, start, end, check) {
  const reader = new Reader(bytes, start, end);
  for (let groups = reader.u32(); groups > 0; groups--) {
    reader.u32();
    reader.skip(1);
  }
  const out = [...bytes.subarray(start, reader.offset)];
  let copied = reader.offset, loops = 0, depth = 1;
  while (reader.offset < end) {
    const at = reader.offset;
    const opcode = reader.byte();
    skipImmediates(reader, opcode, at);
    if (opcode === 0x02 || opcode === 0x03 || opcode === 0x04 || opcode === 0x06) depth++;
    if (opcode === 0x0b || opcode === 0x18) depth--; // end, or delegate ending a try
    if (opcode === 0x03) {
      for (let i = copied; i < reader.offset; i++) out.push(bytes[i]);
      out.push(...check);
      copied = reader.offset;
      loops++;
    }
  }
  if (depth !== 0) throw new ParseError(end, "a function body's blocks do not balance");
  for (let i = copied; i < end; i++) out.push(bytes[i]);
  return { body: out, loops };
}

function parseSections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100)
    throw new ParseError(0, "not a WebAssembly module (no \\0asm magic)");
  if (bytes.readUInt32LE(4) !== 1) throw new ParseError(4, "not WebAssembly version 1");
  const sections = [];
  const reader = new Reader(bytes, 8, bytes.length);
  while (reader.offset < bytes.length) {
    const headerStart = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const start = reader.offset;
    reader.skip(size);
    let name = null;
    if (id === 0) name = new Reader(bytes, start, start + size).name();
    else if (!(id in ORDER)) throw new ParseError(headerStart, `unknown section id ${id}`);
    sections.push({ id, name, headerStart, start, end: start + size });
  }
  return sections;
}

function rewrite(bytes) {
  const sections = parseSections(bytes);
  if (sections.some((section) => section.id === 0 && section.name === MARKER)) return null;
  const find = (id) => sections.find((section) => section.id === id);

  // Types: the syscall import's, and () -> () for the poll function.
  const types = [];
  const typeSection = find(1);
  if (typeSection) {
    const reader = new Reader(bytes, typeSection.start, typeSection.end);
    for (let count = reader.u32(); count > 0; count--) {
      const at = reader.offset;
      if (reader.byte() !== 0x60) throw new ParseError(at, "a type that is not a function type");
      const params = [], results = [];
      for (let n = reader.u32(); n > 0; n--) params.push(reader.byte());
      for (let n = reader.u32(); n > 0; n--) results.push(reader.byte());
      types.push({ params, results });
    }
  }

  // Imports: the function index of lkljs.syscall; how many functions and globals are imported.
  let importedFunctions = 0, importedGlobals = 0, syscall = -1;
  const importSection = find(2);
  if (importSection) {
    const reader = new Reader(bytes, importSection.start, importSection.end);
    for (let count = reader.u32(); count > 0; count--) {
      const module = reader.name(), field = reader.name();
      const at = reader.offset;
      const kind = reader.byte();
      if (kind === 0) {
        const type = reader.u32();
        if (module === "lkljs" && field === "syscall") {
          const t = types[type];
          if (!t || t.params.length !== 7 || t.params.some((p) => p !== 0x7f) ||
              t.results.length !== 1 || t.results[0] !== 0x7f)
            throw new ParseError(at, "lkljs.syscall is not (i32 x 7) -> i32");
          syscall = importedFunctions;
        }
        importedFunctions++;
      } else if (kind === 1) {
        reader.skip(1);
        const flags = reader.u32();
        reader.u32();
        if (flags & 1) reader.u32();
      } else if (kind === 2) {
        const flags = reader.u32();
        reader.u32();
        if (flags & 1) reader.u32();
      } else if (kind === 3) {
        reader.skip(2);
        importedGlobals++;
      } else if (kind === 4) {
        reader.skip(1);
        reader.u32();
      } else {
        throw new ParseError(at, `unknown import kind ${kind}`);
      }
    }
  }
  if (syscall < 0)
    throw new ParseError(0, "the module does not import lkljs.syscall, through which the loop check polls");

  const vec = (section) => {
    if (!section) return { count: 0, rest: [] };
    const reader = new Reader(bytes, section.start, section.end);
    const count = reader.u32();
    return { count, rest: [...bytes.subarray(reader.offset, section.end)] };
  };
  const functions = vec(find(3));
  const globals = vec(find(6));
  const code = find(10);
  if (!code || !find(3)) throw new ParseError(0, "the module has no code");

  let voidType = types.findIndex((t) => !t.params.length && !t.results.length);
  const newTypes = [];
  if (voidType < 0) {
    voidType = types.length;
    newTypes.push([0x60, 0x00, 0x00]);
  }
  const budget = importedGlobals + globals.count;
  const poll = importedFunctions + functions.count;
  const check = loopCheck(budget, poll);

  // Code: every body rewritten, then the poll function's.
  const codeReader = new Reader(bytes, code.start, code.end);
  const bodies = codeReader.u32();
  if (bodies !== functions.count) throw new ParseError(code.start, "the code and function sections disagree");
  const codeOut = [...u32(bodies + 1)];
  let loops = 0;
  for (let i = 0; i < bodies; i++) {
    const size = codeReader.u32();
    const start = codeReader.offset;
    codeReader.skip(size);
    const { body, loops: found } = rewriteBody(bytes, start, start + size, check);
    loops += found;
    codeOut.push(...u32(body.length), ...body);
  }
  const pollBody = [
    0x00,                                             // no locals
    0x41, ...s32(BUDGET), 0x24, ...u32(budget),        // budget = BUDGET
    0x41, ...s32(POLL), 0x41, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0x41, 0,
    0x10, ...u32(syscall), 0x1a,                      // syscall(POLL, 0...); drop
    0x0b,
  ];
  codeOut.push(...u32(pollBody.length), ...pollBody);

  const replaced = new Map();
  if (newTypes.length) {
    const existing = vec(typeSection);
    replaced.set(1, [...u32(existing.count + 1), ...existing.rest, ...newTypes.flat()]);
  }
  replaced.set(3, [...u32(functions.count + 1), ...functions.rest, ...u32(voidType)]);
  replaced.set(6, [...u32(globals.count + 1), ...globals.rest,
    0x7f, 0x01, 0x41, ...s32(BUDGET), 0x0b]);         // (mut i32) (i32.const BUDGET)
  replaced.set(10, codeOut);

  // Reassemble, adding the type and global sections where they belong if missing.
  const out = [bytes.subarray(0, 8)];
  const emit = (id, contents) => out.push(Buffer.from([id, ...u32(contents.length)]), Buffer.from(contents));
  const pending = new Map([...replaced].filter(([id]) => !find(id)));
  for (const section of sections) {
    if (section.id !== 0) {
      for (const [id, contents] of [...pending]) {
        if (ORDER[id] < ORDER[section.id]) {
          emit(id, contents);
          pending.delete(id);
        }
      }
    }
    if (replaced.has(section.id)) emit(section.id, replaced.get(section.id));
    else out.push(bytes.subarray(section.headerStart, section.end));
  }
  for (const [id, contents] of pending) emit(id, contents);
  emit(0, [...nameBytes(MARKER), ...u32(BUDGET)]);
  return { bytes: Buffer.concat(out), loops };
}

function main() {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error("usage: node lkljs-loop-check.js PROGRAM.wasm");
    process.exit(2);
  }
  let result;
  try {
    result = rewrite(fs.readFileSync(file));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    console.error(`lkljs-loop-check: ${file}: cannot add the loop check: ${e.message} (at byte ${e.offset}); ` +
      "the module must be a wasm32 program linked by lkljs-cc (MVP, atomics, bulk memory, exception handling)");
    process.exit(1);
  }
  if (!result) return;
  const temporary = `${file}.loop-check.tmp`;
  fs.writeFileSync(temporary, result.bytes, { mode: fs.statSync(file).mode });
  fs.renameSync(temporary, file);
}

if (require.main === module) main();
module.exports = { rewrite, BUDGET, POLL };

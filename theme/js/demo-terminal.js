// SPDX-License-Identifier: MIT OR Apache-2.0
// The shell's line editor on an xterm.js terminal: it receives what the reader
// types (xterm's onData: characters and escape sequences) and keeps one line
// with a cursor, a history, and the usual keys: left/right, home/end,
// backspace/delete, up/down for history, Ctrl-A/E/U/W/L, and Ctrl-C, which
// abandons the line or interrupts the running command.
(function () {
  "use strict";

  // Escape sequences xterm sends for the keys we handle (normal and
  // application cursor modes, and the VT220 forms of home/end).
  const SEQUENCES = {
    "\x1b[D": "left", "\x1bOD": "left",
    "\x1b[C": "right", "\x1bOC": "right",
    "\x1b[A": "up", "\x1bOA": "up",
    "\x1b[B": "down", "\x1bOB": "down",
    "\x1b[H": "home", "\x1bOH": "home", "\x1b[1~": "home", "\x1b[7~": "home",
    "\x1b[F": "end", "\x1bOF": "end", "\x1b[4~": "end", "\x1b[8~": "end",
    "\x1b[3~": "delete"
  };
  const CONTROLS = {
    "\r": "enter", "\n": "enter",
    "\x7f": "backspace", "\x08": "backspace",
    "\x01": "home", "\x05": "end",
    "\x02": "left", "\x06": "right",
    "\x10": "up", "\x0e": "down",
    "\x15": "kill-line", "\x17": "kill-word",
    "\x03": "interrupt", "\x0c": "clear", "\x04": "eof"
  };
  const HISTORY_LIMIT = 500;

  // `write(text)` puts raw text on the terminal; `onLine(line)` runs a command
  // line; `onInterrupt()` stops the running one.
  class LineEditor {
    constructor(write, onLine, onInterrupt) {
      this.write = write;
      this.onLine = onLine;
      this.onInterrupt = onInterrupt;
      this.line = "";
      this.cursor = 0;
      this.promptText = "";
      this.editing = false;
      this.history = [];
      this.historyIndex = 0;
      this.draft = "";
    }

    // Shows `promptText` and starts editing a new line.
    prompt(promptText) {
      this.promptText = promptText;
      this.line = "";
      this.cursor = 0;
      this.historyIndex = this.history.length;
      this.editing = true;
      this.write(promptText);
    }

    // Stops accepting input (the kernel halted or the demo is rebooting).
    stop() {
      this.editing = false;
    }

    input(data) {
      let index = 0;
      while (index < data.length) {
        let action = null;
        let length = 1;
        if (data[index] === "\x1b") {
          for (const sequence in SEQUENCES) {
            if (data.startsWith(sequence, index)) {
              action = SEQUENCES[sequence];
              length = sequence.length;
              break;
            }
          }
          if (!action) {
            // An unknown escape sequence: skip it whole rather than insert its letters.
            // eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
            const match = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/.exec(data.slice(index));
            index += match[0].length || 1;
            continue;
          }
        } else {
          action = CONTROLS[data[index]] || null;
        }
        if (action) {
          this.perform(action);
        } else if (data.charCodeAt(index) >= 0x20) {
          // Take the run of printable text at once (pasted text, insertText).
          let end = index;
          while (end < data.length && data.charCodeAt(end) >= 0x20 && data[end] !== "\x7f" && data[end] !== "\x1b") end++;
          this.insert(data.slice(index, end));
          length = end - index;
        }
        index += length;
      }
    }

    perform(action) {
      if (action === "interrupt") {
        if (this.editing) {
          this.write("^C\r\n");
          this.prompt(this.promptText);
        } else {
          this.onInterrupt();
        }
        return;
      }
      if (!this.editing) return;
      let line = this.line;
      let cursor = this.cursor;
      switch (action) {
        case "enter":
          this.editing = false;
          this.write("\r\n");
          if (line.trim()) {
            if (this.history[this.history.length - 1] !== line) this.history.push(line);
            if (this.history.length > HISTORY_LIMIT) this.history.shift();
          }
          this.onLine(line);
          return;
        case "left": cursor = Math.max(0, cursor - 1); break;
        case "right": cursor = Math.min(line.length, cursor + 1); break;
        case "home": cursor = 0; break;
        case "end": cursor = line.length; break;
        case "backspace":
          if (cursor > 0) {
            line = line.slice(0, cursor - 1) + line.slice(cursor);
            cursor--;
          }
          break;
        case "delete":
          line = line.slice(0, cursor) + line.slice(cursor + 1);
          break;
        case "kill-line":
          line = line.slice(cursor);
          cursor = 0;
          break;
        case "kill-word": {
          let start = cursor;
          while (start > 0 && line[start - 1] === " ") start--;
          while (start > 0 && line[start - 1] !== " ") start--;
          line = line.slice(0, start) + line.slice(cursor);
          cursor = start;
          break;
        }
        case "up":
        case "down":
          if (!this.recall(action === "up" ? -1 : 1)) return;
          line = this.line;
          cursor = line.length;
          break;
        case "clear":
          this.write("\x1b[H\x1b[2J");
          break;
        case "eof":
          return;
      }
      this.line = line;
      this.cursor = cursor;
      this.redraw();
    }

    // Moves through the history; the line being typed is kept as the newest entry.
    recall(step) {
      const target = this.historyIndex + step;
      if (target < 0 || target > this.history.length) return false;
      if (this.historyIndex === this.history.length) this.draft = this.line;
      this.historyIndex = target;
      this.line = target === this.history.length ? this.draft : this.history[target];
      return true;
    }

    insert(text) {
      if (!this.editing) return;
      this.line = this.line.slice(0, this.cursor) + text + this.line.slice(this.cursor);
      this.cursor += text.length;
      if (this.cursor === this.line.length) {
        this.write(text);
      } else {
        this.redraw();
      }
    }

    // Rewrites the prompt and line, then puts the cursor back in place.
    redraw() {
      const back = this.line.length - this.cursor;
      this.write("\r\x1b[K" + this.promptText + this.line + (back > 0 ? "\x1b[" + back + "D" : ""));
    }
  }

  window.LkljsLineEditor = LineEditor;
})();

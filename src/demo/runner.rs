//! Runs `demo-build/build-kernel.sh`, reading its progress protocol from
//! standard output:
//!
//! - `@@lkljs step <name>` when a phase starts;
//! - `@@lkljs total <N>` when the number of compile units is known;
//! - kbuild's short lines (`  CC      kernel/fork.o`, `  AS      ...`), each a file compiled;
//! - anything else is log.
//!
//! Both output streams go, in the order written, to the build log.
//! Standard error shows the progress: on a terminal one line rewritten about
//! four times a second; otherwise a plain line at each step and every ten seconds.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::error::DemoError;

/// How many of the log's last lines a failure shows.
pub const FAILURE_TAIL_LINES: usize = 40;
const TERMINAL_REFRESH: Duration = Duration::from_millis(250);
const PLAIN_REFRESH: Duration = Duration::from_secs(10);
const TERMINAL_COLUMNS: usize = 80;

/// One line of the script's standard output, as the protocol reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum ProtocolLine<'a> {
    Step(&'a str),
    Total(u64),
    Compiled(&'a str),
    Log,
}

pub fn parse_line(line: &str) -> ProtocolLine<'_> {
    if let Some(rest) = line.strip_prefix("@@lkljs ") {
        let (verb, argument) = rest.trim_end().split_once(' ').unwrap_or((rest.trim_end(), ""));
        return match verb {
            "step" if !argument.trim().is_empty() => ProtocolLine::Step(argument.trim()),
            "total" => argument.trim().parse().map_or(ProtocolLine::Log, ProtocolLine::Total),
            _ => ProtocolLine::Log,
        };
    }
    // kbuild prints `  %-7s %s`: two spaces, the command, then the target.
    if let Some(rest) = line.strip_prefix("  ") {
        let mut words = rest.split_whitespace();
        if let (Some("CC" | "AS"), Some(_)) = (words.next(), words.clone().next()) {
            let target = rest.trim_start()[2..].trim_start().trim_start_matches("[M]").trim();
            return ProtocolLine::Compiled(target);
        }
    }
    ProtocolLine::Log
}

/// What the progress display shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub step: Option<String>,
    pub compiled: u64,
    pub total: Option<u64>,
}

impl Progress {
    /// Updates from one standard-output line; true when the step changed.
    pub fn observe(&mut self, line: &str) -> bool {
        match parse_line(line) {
            ProtocolLine::Step(step) => {
                self.step = Some(step.to_owned());
                return true;
            }
            ProtocolLine::Total(total) => self.total = Some(total),
            ProtocolLine::Compiled(_) => self.compiled += 1,
            ProtocolLine::Log => {}
        }
        false
    }

    pub fn describe(&self, elapsed: Duration) -> String {
        let step = self.step.as_deref().unwrap_or("starting");
        let files = match self.total {
            Some(total) if total > 0 => {
                let percent = (self.compiled.min(total) * 100) / total;
                format!(", {}/{total} files ({percent}%)", self.compiled)
            }
            _ if self.compiled > 0 => format!(", {} files", self.compiled),
            _ => String::new(),
        };
        format!("demo build: {step}{files}, {}", format_elapsed(elapsed))
    }
}

pub fn format_elapsed(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    match (seconds / 3600, seconds / 60 % 60, seconds % 60) {
        (0, 0, seconds) => format!("{seconds}s"),
        (0, minutes, seconds) => format!("{minutes}m{seconds:02}s"),
        (hours, minutes, seconds) => format!("{hours}h{minutes:02}m{seconds:02}s"),
    }
}

/// Draws [`Progress`] on a terminal (one rewritten line) or a log (plain lines).
pub struct ProgressDisplay<W: Write> {
    out: W,
    terminal: bool,
    started: Instant,
    last_drawn: Option<Instant>,
}

impl<W: Write> ProgressDisplay<W> {
    pub fn new(out: W, terminal: bool, started: Instant) -> Self {
        ProgressDisplay { out, terminal, started, last_drawn: None }
    }

    /// Draws if it is time to, or at once when the step changed.
    pub fn update(&mut self, progress: &Progress, step_changed: bool, now: Instant) {
        let interval = if self.terminal { TERMINAL_REFRESH } else { PLAIN_REFRESH };
        let due = self.last_drawn.is_none_or(|last| now.duration_since(last) >= interval);
        if !(due || step_changed) {
            return;
        }
        self.last_drawn = Some(now);
        let line = progress.describe(now.duration_since(self.started));
        // Progress is a courtesy: a closed stderr must not fail the build.
        let _ = if self.terminal {
            // A line that wraps could not be rewritten in place; the terminal's
            // width is unknown, so stay within the narrowest common one.
            let fitted: String = line.chars().take(TERMINAL_COLUMNS - 1).collect();
            write!(self.out, "\r\x1b[2K{fitted}")
        } else {
            writeln!(self.out, "{line}")
        };
        let _ = self.out.flush();
    }

    /// Ends the display with a plain line (replacing the terminal's progress line).
    pub fn finish(&mut self, message: &str) {
        let clear = if self.terminal && self.last_drawn.is_some() { "\r\x1b[2K" } else { "" };
        let _ = writeln!(self.out, "{clear}{message}");
        let _ = self.out.flush();
    }
}

/// How a run of the script ended.
pub struct ScriptRun {
    pub status: ExitStatus,
    pub progress: Progress,
    pub elapsed: Duration,
    /// The last [`FAILURE_TAIL_LINES`] lines of the log.
    pub tail: Vec<String>,
}

/// Runs `command`, writing its output to `log_path` and the progress to
/// standard error. The caller sets up its standard input.
///
/// Standard output and error share one pipe, so that the log keeps the order
/// in which the script wrote them (an error next to the file being compiled);
/// protocol lines are recognised by their form wherever they come from.
pub fn run_script(mut command: Command, log_path: &Path) -> Result<ScriptRun, DemoError> {
    let program = PathBuf::from(command.get_program());
    let mut log = BufWriter::new(File::create(log_path).map_err(DemoError::io("create", log_path))?);
    let started = Instant::now();
    let (output, output_writer) = std::io::pipe().map_err(DemoError::io("create a pipe for", &program))?;
    let error_writer = output_writer.try_clone().map_err(DemoError::io("create a pipe for", &program))?;
    let mut child =
        command.stdout(output_writer).stderr(error_writer).spawn().map_err(DemoError::io("run", &program))?;
    // The command holds the pipe's write ends: drop it so that the pipe ends
    // when the script and everything it started have exited.
    drop(command);
    let (sender, receiver) = mpsc::channel();
    let reader = spawn_line_reader(output, sender);

    let mut display =
        crate::report::progress().map(|(stderr, terminal)| ProgressDisplay::new(stderr, terminal, started));
    let mut progress = Progress::default();
    let mut tail = VecDeque::with_capacity(FAILURE_TAIL_LINES);
    let log_error = |error| DemoError::Io { action: "write", path: log_path.to_owned(), source: error };
    if let Some(display) = &mut display {
        display.update(&progress, true, Instant::now());
    }
    loop {
        let mut step_changed = false;
        match receiver.recv_timeout(TERMINAL_REFRESH) {
            Ok((_, line)) => {
                writeln!(log, "{line}").map_err(log_error)?;
                step_changed = progress.observe(&line);
                if tail.len() == FAILURE_TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The pipe is closed: the script (and everything it started) is done.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(display) = &mut display {
            display.update(&progress, step_changed, Instant::now());
        }
    }
    reader.join().expect("the line reader does not panic");
    let status = child.wait().map_err(DemoError::io("wait for", &program))?;
    log.flush().map_err(log_error)?;
    let elapsed = started.elapsed();
    let outcome = if status.success() { "done" } else { "FAILED" };
    if let Some(display) = &mut display {
        display.finish(&format!("{} ({outcome})", progress.describe(elapsed)));
    }
    Ok(ScriptRun { status, progress, elapsed, tail: tail.into() })
}

/// Sends each line of `stream`, with the moment it arrived, until the stream
/// ends or the receiver is gone. Bytes that are not UTF-8 (compilers print
/// some) are replaced, not fatal.
pub fn spawn_line_reader(
    stream: impl Read + Send + 'static,
    sender: mpsc::Sender<(Instant, String)>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).is_ok_and(|read| read > 0) {
            let text = String::from_utf8_lossy(&line).trim_end_matches(['\n', '\r']).to_owned();
            if sender.send((Instant::now(), text)).is_err() {
                return;
            }
            line.clear();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lines_are_recognised() {
        assert_eq!(parse_line("@@lkljs step compile"), ProtocolLine::Step("compile"));
        assert_eq!(parse_line("@@lkljs step link vmlinux\n"), ProtocolLine::Step("link vmlinux"));
        assert_eq!(parse_line("@@lkljs total 1834"), ProtocolLine::Total(1834));
        assert_eq!(parse_line("@@lkljs total many"), ProtocolLine::Log);
        assert_eq!(parse_line("@@lkljs step"), ProtocolLine::Log);
        assert_eq!(parse_line("  CC      kernel/fork.o"), ProtocolLine::Compiled("kernel/fork.o"));
        assert_eq!(
            parse_line("  AS      arch/lkljs/kernel/entry.o"),
            ProtocolLine::Compiled("arch/lkljs/kernel/entry.o")
        );
        assert_eq!(parse_line("  CC [M]  fs/fuse/dev.o"), ProtocolLine::Compiled("fs/fuse/dev.o"));
    }

    #[test]
    fn other_kbuild_and_log_lines_are_not_counted() {
        for line in [
            "  HOSTCC  scripts/basic/fixdep",
            "  LD      vmlinux",
            "  AR      lib/lib.a",
            "  CCC     weird",
            "CC      kernel/fork.o",
            "  CC",
            "kernel/fork.c:12: warning: CC is not AS",
            "",
        ] {
            assert_eq!(parse_line(line), ProtocolLine::Log, "{line:?}");
        }
    }

    #[test]
    fn progress_counts_files_against_the_total() {
        let mut progress = Progress::default();
        assert!(progress.observe("@@lkljs step configure"));
        assert!(!progress.observe("@@lkljs total 4"));
        for line in ["  CC      a.o", "  HOSTCC  b", "  AS      c.o", "log"] {
            assert!(!progress.observe(line));
        }
        assert_eq!(progress, Progress { step: Some("configure".into()), compiled: 2, total: Some(4) });
        assert_eq!(progress.describe(Duration::from_secs(192)), "demo build: configure, 2/4 files (50%), 3m12s");
        assert_eq!(Progress::default().describe(Duration::from_secs(3)), "demo build: starting, 3s");
        let without_total = Progress { step: Some("compile".into()), compiled: 7, total: None };
        assert_eq!(without_total.describe(Duration::from_secs(3725)), "demo build: compile, 7 files, 1h02m05s");
    }

    #[test]
    fn plain_display_prints_on_step_changes_and_every_ten_seconds() {
        let start = Instant::now();
        let mut out = Vec::new();
        let mut display = ProgressDisplay::new(&mut out, false, start);
        let mut progress = Progress::default();
        display.update(&progress, true, start);
        progress.compiled = 5;
        display.update(&progress, false, start + Duration::from_secs(3));
        progress.step = Some("compile".into());
        display.update(&progress, true, start + Duration::from_secs(4));
        display.update(&progress, false, start + Duration::from_secs(9));
        display.update(&progress, false, start + Duration::from_secs(15));
        display.finish("done");
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "demo build: starting, 0s\ndemo build: compile, 5 files, 4s\ndemo build: compile, 5 files, 15s\ndone\n"
        );
    }

    #[test]
    fn terminal_display_rewrites_one_line_about_four_times_a_second() {
        let start = Instant::now();
        let mut out = Vec::new();
        let mut display = ProgressDisplay::new(&mut out, true, start);
        let progress = Progress::default();
        for millis in (0..=1000).step_by(50) {
            display.update(&progress, false, start + Duration::from_millis(millis));
        }
        display.finish("done");
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("\r\x1b[2Kdemo build: starting").count(), 5, "{text:?}");
        assert!(!text.contains("starting, 0s\n"), "{text:?}");
        assert!(text.ends_with("\r\x1b[2Kdone\n"), "{text:?}");
    }

    #[test]
    fn terminal_lines_never_wrap() {
        let start = Instant::now();
        let mut out = Vec::new();
        let progress = Progress { step: Some("compile drivers/ünïcode/".repeat(5)), compiled: 1, total: Some(2) };
        ProgressDisplay::new(&mut out, true, start).update(&progress, true, start);
        let text = String::from_utf8(out).unwrap();
        let shown = text.strip_prefix("\r\x1b[2K").unwrap();
        assert_eq!(shown.chars().count(), 79, "{shown}");
    }
}

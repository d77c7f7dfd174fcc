//! Messages for the person running `lkljs-site`: progress, notes, warnings
//! and errors. Library code never prints; it reports through the macros here
//! ([`status!`], [`detail!`], [`warning!`], [`error!`]) and [`progress`],
//! and the command line decides, once, how much is shown and how
//! ([`Reporter::install`]), as ripgrep's messages module does.
//!
//! Everything goes to standard error, so that standard output carries only
//! what a command produces (`lkljs-site demo --json`). Without an installed
//! reporter (tests, benchmarks) the defaults apply: normal verbosity, no colour.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

/// How much the reporter shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Warnings and errors only (`--quiet`).
    Quiet,
    /// Also progress and what each step did.
    #[default]
    Normal,
    /// Also details useful when something looks wrong (`--verbose`).
    Verbose,
}

/// What kind of message a line is, which decides whether and how it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Status,
    Detail,
    Warning,
    Error,
}

/// The one reporter of a process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reporter {
    pub verbosity: Verbosity,
    /// Whether warnings and errors are coloured.
    pub color: bool,
}

static INSTALLED: OnceLock<Reporter> = OnceLock::new();

impl Reporter {
    /// A reporter for this process's standard error: colour only on a
    /// terminal, and never when `NO_COLOR` is set to anything (no-color.org).
    pub fn for_stderr(verbosity: Verbosity) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Reporter { verbosity, color: !no_color && std::io::stderr().is_terminal() }
    }

    /// Makes this the reporter of the process; only the first call counts.
    pub fn install(self) {
        let _ = INSTALLED.set(self);
    }

    fn current() -> Reporter {
        INSTALLED.get().copied().unwrap_or_default()
    }

    fn shows(&self, kind: Kind) -> bool {
        match kind {
            Kind::Error | Kind::Warning => true,
            Kind::Status => self.verbosity >= Verbosity::Normal,
            Kind::Detail => self.verbosity >= Verbosity::Verbose,
        }
    }

    /// `text` as it is shown, coloured when colour is on.
    fn format(&self, kind: Kind, text: &str) -> String {
        let color = match kind {
            Kind::Error if self.color => "\x1b[31m",
            Kind::Warning if self.color => "\x1b[33m",
            _ => return text.to_owned(),
        };
        format!("{color}{text}\x1b[0m")
    }
}

/// Shows one message (the macros call this).
pub fn emit(kind: Kind, message: fmt::Arguments) {
    let reporter = Reporter::current();
    if reporter.shows(kind) {
        let text = reporter.format(kind, &message.to_string());
        // A closed standard error must not fail a build.
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }
}

/// Where a long step draws its progress, and whether that is a terminal (on
/// which one line is rewritten in place); `None` when progress is not shown.
pub fn progress() -> Option<(std::io::Stderr, bool)> {
    let reporter = Reporter::current();
    reporter.shows(Kind::Status).then(|| {
        let stderr = std::io::stderr();
        let terminal = stderr.is_terminal();
        (stderr, terminal)
    })
}

/// What a step is doing or did; hidden by `--quiet`.
macro_rules! status {
    ($($arg:tt)*) => { $crate::report::emit($crate::report::Kind::Status, format_args!($($arg)*)) };
}

/// A detail for whoever investigates; shown only with `--verbose`.
macro_rules! detail {
    ($($arg:tt)*) => { $crate::report::emit($crate::report::Kind::Detail, format_args!($($arg)*)) };
}

/// Something that went wrong without stopping the command; always shown.
macro_rules! warning {
    ($($arg:tt)*) => { $crate::report::emit($crate::report::Kind::Warning, format_args!($($arg)*)) };
}

/// A failure the command recovers from (serve keeps serving); always shown.
macro_rules! error {
    ($($arg:tt)*) => { $crate::report::emit($crate::report::Kind::Error, format_args!($($arg)*)) };
}

pub(crate) use {detail, error, status, warning};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbosity_decides_what_shows() {
        let quiet = Reporter { verbosity: Verbosity::Quiet, color: false };
        assert!(quiet.shows(Kind::Error) && quiet.shows(Kind::Warning));
        assert!(!quiet.shows(Kind::Status) && !quiet.shows(Kind::Detail));
        let normal = Reporter::default();
        assert!(normal.shows(Kind::Status) && !normal.shows(Kind::Detail));
        let verbose = Reporter { verbosity: Verbosity::Verbose, color: false };
        assert!(verbose.shows(Kind::Detail));
    }

    #[test]
    fn only_warnings_and_errors_are_coloured_and_only_with_colour_on() {
        let plain = Reporter::default();
        assert_eq!(plain.format(Kind::Error, "x"), "x");
        let colored = Reporter { verbosity: Verbosity::Normal, color: true };
        assert_eq!(colored.format(Kind::Error, "x"), "\x1b[31mx\x1b[0m");
        assert_eq!(colored.format(Kind::Warning, "x"), "\x1b[33mx\x1b[0m");
        assert_eq!(colored.format(Kind::Status, "x"), "x");
    }
}

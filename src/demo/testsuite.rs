//! BusyBox's own testsuite, run inside the freshly built kernel after the
//! self-tests: `node --no-experimental-fetch demo-build/run-busybox-testsuite.js
//! OUT BUSYBOX` boots the kernel with the testsuite (from the BusyBox entry's
//! `testsuite/`) in the root file system and has the shell, hush, run
//! `testsuite/runtest -v` for the applets that are built. Its output goes to
//! `target/demo/logs/testsuite-<key>.log`; the manifest records the counts
//! and the names of the failed cases (`busybox_testsuite`), and the process
//! figures the script measures in the same boot after the testsuite
//! (`@@figure NAME VALUE` lines; `processes`).
//!
//! The step judges nothing about the results: the test suite compares the
//! failures with `demo-build/busybox/testsuite-expected-failures.md`. It
//! fails only when the testsuite could not be run to its end.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::DemoError;
use super::runner;

/// The script under `demo-build/` that runs the testsuite; the step runs only when it exists.
pub const TESTSUITE_SCRIPT: &str = "run-busybox-testsuite.js";
/// The limit for the whole run, handed to the booted kernel as
/// `LKLJS_BOOT_TIMEOUT_SECONDS` (it halts with status 2 when it is exceeded).
const TESTSUITE_TIMEOUT: Duration = Duration::from_secs(1800);

/// The testsuite's results. Fields in alphabetical order, as in the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestsuiteFacts {
    /// `FAIL:` lines.
    pub failed: u64,
    /// The failed cases' names, in the order they ran.
    pub failures: Vec<String>,
    /// `PASS:` lines.
    pub passed: u64,
    /// Passed cases as a percentage of those that ran (passed and failed), to a tenth.
    pub passed_percent: f64,
    /// Wall-clock seconds of the whole run (boot, testsuite, figures, halt), to a tenth.
    pub seconds: f64,
    /// `SKIPPED:` lines (a case whose feature is not built) and `UNTESTED:`
    /// lines (an old-style case whose applet or feature is not built).
    pub skipped: u64,
}

/// What the script measures about processes after the testsuite, in the same
/// boot, by name (e.g. `sh_c_true_ms`: see `demo-build/run-busybox-testsuite.js`);
/// the manifest's `processes`.
pub type ProcessFigures = BTreeMap<String, f64>;

/// Reads runtest's output: `PASS: name`, `FAIL: name`, `SKIPPED: name`,
/// `UNTESTED: name`, and the script's `@@figure NAME VALUE` lines; errors
/// unless the script reported runtest's end (`@@testsuite exit N`).
pub fn parse_output(lines: &[String]) -> Result<(TestsuiteFacts, ProcessFigures), String> {
    let (mut passed, mut failures, mut skipped, mut figures, mut ended) = (0, Vec::new(), 0, BTreeMap::new(), false);
    for line in lines {
        if line.starts_with("PASS: ") {
            passed += 1;
        } else if let Some(name) = line.strip_prefix("FAIL: ") {
            failures.push(name.trim().to_owned());
        } else if line.starts_with("SKIPPED: ") || line.starts_with("UNTESTED: ") {
            skipped += 1;
        } else if let Some(figure) = parse_figure(line) {
            let (name, value) = figure?;
            figures.insert(name.to_owned(), value);
        } else if line.starts_with("@@testsuite exit ") {
            ended = true;
        }
    }
    if !ended {
        return Err("runtest did not run to its end (no `@@testsuite exit` line)".to_owned());
    }
    let ran = passed + failures.len() as u64;
    if ran == 0 {
        return Err("runtest ran no case".to_owned());
    }
    let facts = TestsuiteFacts {
        failed: failures.len() as u64,
        failures,
        passed,
        passed_percent: (passed as f64 * 1000.0 / ran as f64).round() / 10.0,
        seconds: 0.0,
        skipped,
    };
    Ok((facts, figures))
}

/// A `@@figure NAME VALUE` line's name and value; `None` for any other line,
/// an error if the value is not a number.
pub fn parse_figure(line: &str) -> Option<Result<(&str, f64), String>> {
    let (name, value) = line.strip_prefix("@@figure ")?.split_once(' ')?;
    Some(value.trim().parse().map(|value| (name, value)).map_err(|_| format!("the figure line `{line}` has no number")))
}

/// Runs the testsuite of the BusyBox in `busybox_dir` inside the kernel in
/// `dir`, with its output in `log` and its progress on standard error.
pub fn run(
    node: &Path,
    script: &Path,
    dir: &Path,
    busybox_dir: &Path,
    log: &Path,
    path_env: &OsStr,
) -> Result<(TestsuiteFacts, ProcessFigures), DemoError> {
    let mut command = Command::new(node);
    command
        .arg("--no-experimental-fetch")
        .arg(script)
        .arg(dir)
        .arg(busybox_dir)
        .env("PATH", path_env)
        .env("LKLJS_BOOT_TIMEOUT_SECONDS", TESTSUITE_TIMEOUT.as_secs().to_string())
        .stdin(Stdio::null());
    let run = runner::run_script(command, log)?;
    let failure =
        |reason: String| DemoError::TestsuiteFailed { reason, log: log.to_owned(), tail: run.tail.join("\n") };
    if !run.status.success() {
        return Err(failure(format!("{} ended with {}", script.display(), run.status)));
    }
    let text = std::fs::read_to_string(log).map_err(DemoError::io("read", log))?;
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let (mut facts, figures) = parse_output(&lines).map_err(failure)?;
    facts.seconds = (run.elapsed.as_secs_f64() * 10.0).round() / 10.0;
    Ok((facts, figures))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn counts_cases_and_keeps_failures_and_figures() {
        let (facts, figures) = parse_output(&lines(
            "# Linux version 6.1\nPASS: cat-prints-a-file\n======================\nFAIL: sed NUL in a line\n--- expected\nUNTESTED: cpio-hardlinks\nSKIPPED: tar xz\nPASS: echo -n\nPASS: wc\n@@figure sh_c_true_ms 12.5\n@@testsuite exit 256\n",
        ))
        .unwrap();
        assert_eq!((facts.passed, facts.failed, facts.skipped), (3, 1, 2));
        assert_eq!(facts.failures, ["sed NUL in a line"]);
        assert_eq!(facts.passed_percent, 75.0);
        assert_eq!(figures["sh_c_true_ms"], 12.5);
    }

    #[test]
    fn a_run_that_did_not_end_or_ran_nothing_is_an_error() {
        assert!(parse_output(&lines("PASS: a\n")).unwrap_err().contains("end"));
        assert!(parse_output(&lines("SKIPPED: a\n@@testsuite exit 0\n")).unwrap_err().contains("no case"));
        assert!(parse_output(&lines("PASS: a\n@@figure x y\n@@testsuite exit 0\n")).unwrap_err().contains("number"));
    }
}

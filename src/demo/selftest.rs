//! The kernel's self-test suite, run once per build after the boot check:
//! `node --no-experimental-fetch selftest.js` boots the kernel with PID 1
//! running real system calls from host threads, and prints TAP ending in a
//! line `N passed, M failed` (the kernel port's contract, demo-build/README.md).

use std::path::Path;
use std::time::Duration;

use super::boot;
use super::error::DemoError;
use super::manifest::{SelftestCase, SelftestFacts};

/// The script beside `boot.js` that runs the suite.
pub const SELFTEST_SCRIPT: &str = "selftest.js";

/// Runs the suite in `dir` and keeps its output in `log`. A suite that
/// fails a case, does not finish or contradicts its own summary is an error.
pub fn run(
    node: &Path,
    dir: &Path,
    log: &Path,
    timeout: Option<Duration>,
    path_env: &std::ffi::OsStr,
) -> Result<SelftestFacts, DemoError> {
    let ran = boot::run_script(node, dir, SELFTEST_SCRIPT, timeout, path_env)?;
    let output: String = ran.console.iter().flat_map(|line| [line.as_str(), "\n"]).collect();
    std::fs::write(log, &output).map_err(DemoError::io("write", log))?;
    let failure = |reason: String| DemoError::SelftestFailed {
        reason,
        log: log.to_owned(),
        tail: ran.console[ran.console.len().saturating_sub(super::runner::FAILURE_TAIL_LINES)..].join("\n"),
    };
    let facts = parse_tap(&ran.console).map_err(&failure)?;
    if !ran.succeeded() {
        return Err(failure(format!("selftest.js ended with {}", ran.outcome())));
    }
    if facts.failed > 0 {
        let names: Vec<&str> = facts.cases.iter().filter(|case| !case.ok).map(|case| case.name.as_str()).collect();
        return Err(failure(format!("{} case(s) failed: {}", facts.failed, names.join("; "))));
    }
    Ok(facts)
}

/// Reads TAP: the plan `1..N`, `ok K - name` / `not ok K - name # why`
/// lines, and the closing `N passed, M failed`, which must agree with them.
pub fn parse_tap(lines: &[String]) -> Result<SelftestFacts, String> {
    let mut planned = None;
    let mut cases = Vec::new();
    let mut summary = None;
    for line in lines {
        if let Some(count) = line.strip_prefix("1..") {
            planned = count.trim().parse::<usize>().ok();
        } else if let Some((ok, rest)) = line
            .strip_prefix("ok ")
            .map(|rest| (true, rest))
            .or_else(|| line.strip_prefix("not ok ").map(|rest| (false, rest)))
        {
            let name = rest.split_once(" - ").map_or(rest, |(_, name)| name);
            let name = name.split(" # ").next().unwrap_or(name).trim();
            cases.push(SelftestCase { name: name.to_owned(), ok });
        } else if let Some((passed, failed)) = parse_summary(line) {
            summary = Some((passed, failed));
        }
    }
    let planned = planned.ok_or("the output has no TAP plan line (1..N)")?;
    let (passed, failed) = summary.ok_or("the output has no closing 'N passed, M failed' line")?;
    let counted_passed = cases.iter().filter(|case| case.ok).count() as u64;
    if cases.len() != planned {
        return Err(format!("the plan announced {planned} cases but {} reported", cases.len()));
    }
    if (passed, failed) != (counted_passed, cases.len() as u64 - counted_passed) {
        return Err(format!("the summary says {passed} passed, {failed} failed, but the cases say otherwise"));
    }
    Ok(SelftestFacts { cases, failed, passed })
}

fn parse_summary(line: &str) -> Option<(u64, u64)> {
    let (passed, failed) = line.strip_suffix(" failed")?.split_once(" passed, ")?;
    Some((passed.parse().ok()?, failed.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn reads_cases_and_checks_the_summary() {
        let facts = parse_tap(&lines(
            "# lkljs-init: mounted\n1..3\nok 1 - getpid returns 1\n# 2 kthreadd\nnot ok 2 - epoll # count 0\nok 3 - clean halt (reboot: System halted)\n2 passed, 1 failed\n",
        ))
        .unwrap();
        assert_eq!((facts.passed, facts.failed), (2, 1));
        assert_eq!(facts.cases[1], SelftestCase { name: "epoll".into(), ok: false });
        assert_eq!(facts.cases[2].name, "clean halt (reboot: System halted)");
    }

    #[test]
    fn a_missing_case_or_summary_is_an_error() {
        assert!(parse_tap(&lines("1..2\nok 1 - a\n1 passed, 0 failed\n")).unwrap_err().contains("announced 2"));
        assert!(parse_tap(&lines("1..1\nok 1 - a\n")).unwrap_err().contains("passed"));
        assert!(parse_tap(&lines("1..1\nok 1 - a\n0 passed, 1 failed\n")).unwrap_err().contains("otherwise"));
    }
}

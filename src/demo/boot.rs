//! The boot check: `node --no-experimental-fetch boot.js` in the fresh build,
//! which by the kernel port's contract prints the console and exits 0 after a
//! clean halt, non-zero on a panic or after `LKLJS_BOOT_TIMEOUT_SECONDS`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::error::DemoError;
use super::manifest::{BOOT_LOG_LINES, BootFacts};
use super::runner::spawn_line_reader;

/// The contract's default for `LKLJS_BOOT_TIMEOUT_SECONDS`.
pub const DEFAULT_BOOT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long past its own timeout `boot.js` may take before it is killed.
const KILL_GRACE: Duration = Duration::from_secs(15);

/// Lines that a reader of the guide looks for, each a set of substrings that
/// must all occur; the first line matching each set goes into the excerpt.
const EXCERPT_MARKERS: &[&[&str]] = &[
    &["Linux version"],
    &["Kernel command line:"],
    &["Zone ranges"],
    &["Memory:"],
    &["printk: console", "enabled"],
    &["clocksource"],
    &["Switched to clocksource"],
    &["Unpacking initramfs"],
    &["Run /"],
    &["lkljs: PID 1 (init) enters user mode"],
    &["lkljs-init: mounted"],
    &["lkljs-init: PID 1 ready"],
    &["handed over to the host"],
    &["reboot:"],
];

/// The console line by which the kernel port reports that `kernel_init`
/// executed `/init` and PID 1 now runs its program, the init program.
const PID1_MARKER: &str = "lkljs: PID 1 (init) enters user mode";

/// How a boot went.
#[derive(Debug)]
pub struct BootRun {
    /// `None` when node was killed by a signal (or by the timeout).
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    /// Standard output and error as they interleaved.
    pub console: Vec<String>,
    pub seconds_to_last_line: f64,
}

impl BootRun {
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0) && !self.timed_out
    }

    pub fn outcome(&self) -> String {
        match (self.timed_out, self.exit_code) {
            (true, _) => "killed after it outran its own timeout".to_owned(),
            (false, Some(code)) => format!("exit code {code}"),
            (false, None) => "killed by a signal".to_owned(),
        }
    }

    /// The manifest's view of the boot of the build `key`.
    pub fn facts(&self, key: &str) -> BootFacts {
        let mut log: String = self.console.iter().take(BOOT_LOG_LINES).flat_map(|line| [line.as_str(), "\n"]).collect();
        if self.console.len() > BOOT_LOG_LINES {
            log.push_str(&format!(
                "[{} more lines in target/demo/logs/boot-{key}.log]\n",
                self.console.len() - BOOT_LOG_LINES
            ));
        }
        BootFacts {
            exit_code: self.exit_code.unwrap_or(-1),
            log,
            log_excerpt: excerpt(&self.console),
            log_lines: self.console.len() as u64,
            pid1_milliseconds: pid1_milliseconds(&self.console),
            seconds_to_last_line: (self.seconds_to_last_line * 1000.0).round() / 1000.0,
        }
    }
}

/// Kernel time, in milliseconds, of the line reporting PID 1's hand-over to
/// the host: from the kernel's start to PID 1, as its printk clock saw it.
pub fn pid1_milliseconds(console: &[String]) -> Option<f64> {
    let line = console.iter().find(|line| line.contains(PID1_MARKER))?;
    let stamp = line.trim_start().strip_prefix('[')?.split(']').next()?.trim();
    let seconds: f64 = stamp.parse().ok()?;
    Some((seconds * 1_000_000.0).round() / 1000.0)
}

/// The first line matching each of [`EXCERPT_MARKERS`], in console order.
pub fn excerpt(console: &[String]) -> Vec<String> {
    let mut indices: Vec<usize> = EXCERPT_MARKERS
        .iter()
        .filter_map(|needles| console.iter().position(|line| needles.iter().all(|needle| line.contains(needle))))
        .collect();
    indices.sort_unstable();
    indices.dedup();
    indices.into_iter().map(|index| console[index].clone()).collect()
}

/// Boots `dir/boot.js` with `node`. `timeout` is handed to `boot.js` as
/// `LKLJS_BOOT_TIMEOUT_SECONDS` (`None`: no limit, `0` by the contract); node
/// is killed if it outlives the timeout by a grace period.
pub fn boot(
    node: &Path,
    dir: &Path,
    timeout: Option<Duration>,
    path_env: &std::ffi::OsStr,
) -> Result<BootRun, DemoError> {
    run_script(node, dir, "boot.js", timeout, path_env)
}

/// Runs `dir/script` (`boot.js` or a script that boots it, such as
/// `selftest.js`) under node as [`boot`] does, collecting its console.
pub fn run_script(
    node: &Path,
    dir: &Path,
    script: &str,
    timeout: Option<Duration>,
    path_env: &std::ffi::OsStr,
) -> Result<BootRun, DemoError> {
    let started = Instant::now();
    let mut child = Command::new(node)
        .args(["--no-experimental-fetch", script])
        .current_dir(dir)
        .env("PATH", path_env)
        .env("LKLJS_BOOT_TIMEOUT_SECONDS", timeout.map_or(0.0, |timeout| timeout.as_secs_f64()).to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(DemoError::io("run", node))?;
    let (sender, receiver) = mpsc::channel();
    let readers = [
        spawn_line_reader(child.stdout.take().expect("stdout is piped"), sender.clone()),
        spawn_line_reader(child.stderr.take().expect("stderr is piped"), sender),
    ];
    let deadline = timeout.map(|timeout| started + timeout + KILL_GRACE);
    let mut console = Vec::new();
    let mut last_line_at = started;
    let mut timed_out = false;
    loop {
        let now = Instant::now();
        if deadline.is_some_and(|deadline| now >= deadline) && !timed_out {
            timed_out = true;
            // Killing node closes its pipes, which ends the loop below.
            let _ = child.kill();
        }
        let wait = deadline.map_or(Duration::from_secs(1), |deadline| deadline.saturating_duration_since(now));
        match receiver.recv_timeout(wait.max(Duration::from_millis(100))) {
            Ok((at, line)) => {
                last_line_at = at;
                console.push(line);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    for reader in readers {
        reader.join().expect("a line reader does not panic");
    }
    let status = child.wait().map_err(DemoError::io("wait for", PathBuf::from(node)))?;
    Ok(BootRun {
        exit_code: status.code(),
        timed_out,
        console,
        seconds_to_last_line: last_line_at.duration_since(started).as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_keeps_the_first_line_of_each_marker_in_console_order() {
        let console: Vec<String> = [
            "[    0.000000] Linux version 6.1.158-lkljs (lkljs@lkljs) (emcc 3.1.6) #1 SMP",
            "[    0.000000] Zone ranges:",
            "[    0.000000]   Normal   [mem 0x0000000000000000-0x0000000007ffffff]",
            "[    0.000000] Kernel command line: console=hvc0",
            "[    0.000000] Memory: 120000K/131072K available",
            "[    0.000000] printk: console [hvc0] enabled",
            "[    0.010000] clocksource: jiffies: mask: 0xffffffff",
            "[    0.020000] clocksource: Switched to clocksource lkljs",
            "[    0.030000] Run /init as init process",
            "[    0.035000] lkljs: PID 1 (init) enters user mode",
            "[    0.040000] clocksource: later line",
            "[    0.050000] reboot: System halted",
        ]
        .map(String::from)
        .to_vec();
        let picked = excerpt(&console);
        let expected: Vec<String> =
            [0, 1, 3, 4, 5, 6, 7, 8, 9, 11].iter().map(|&index| console[index].clone()).collect();
        assert_eq!(picked, expected);
        assert_eq!(pid1_milliseconds(&console), Some(35.0));
        assert_eq!(pid1_milliseconds(&console[..8]), None);
    }

    #[test]
    fn facts_cap_the_log_and_count_every_line() {
        let run = BootRun {
            exit_code: Some(0),
            timed_out: false,
            console: (0..BOOT_LOG_LINES + 5).map(|index| format!("line {index}")).collect(),
            seconds_to_last_line: 1.23456,
        };
        let facts = run.facts("0123456789abcdef");
        assert_eq!(facts.log_lines, (BOOT_LOG_LINES + 5) as u64);
        assert_eq!(facts.log.lines().count(), BOOT_LOG_LINES + 1);
        assert!(facts.log.ends_with("[5 more lines in target/demo/logs/boot-0123456789abcdef.log]\n"), "{}", facts.log);
        assert_eq!(facts.seconds_to_last_line, 1.235);
    }

    #[test]
    fn a_hanging_boot_is_killed_after_the_timeout_and_grace() {
        // The grace period makes this test take 15 s; it runs only where node exists.
        let Some(node) = super::super::toolchain::find_program("node", &std::env::var_os("PATH").unwrap()) else {
            panic!("node is required (sudo demo-build/setup.sh)");
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("boot.js"),
            "console.log('Linux version 6.1.0'); setInterval(() => {}, 1000);\n",
        )
        .unwrap();
        let timeout = Some(Duration::from_millis(100));
        let run = boot(&node, dir.path(), timeout, &std::env::var_os("PATH").unwrap()).unwrap();
        assert!(run.timed_out);
        assert!(!run.succeeded());
        assert_eq!(run.console, ["Linux version 6.1.0"]);
        assert_eq!(run.outcome(), "killed after it outran its own timeout");
    }
}

//! The real kernel for the tests that boot it: the demo step's build, or its
//! cached result under `target/demo/cache/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DemoArtifacts, DemoOutcome, DemoRequest, prepare};

/// Runs the demo step for the site at `root`, building the kernel when the
/// cache does not already hold it.
pub fn build(root: &Path) -> DemoArtifacts {
    match prepare(&DemoRequest::new(root, DemoMode::Build)) {
        Ok(DemoOutcome::Ready(artifacts)) => artifacts,
        Ok(DemoOutcome::Placeholder { reason }) => panic!("a build never gives a placeholder: {reason}"),
        Err(error) => panic!("the demo step failed: {error}"),
    }
}

/// Held while a test boots a kernel in a browser: one at a time across the
/// whole test binary, so that two boots do not share two cores and turn a
/// slow machine into timeouts.
pub fn one_browser_boot_at_a_time() -> MutexGuard<'static, ()> {
    static BROWSER_BOOT: Mutex<()> = Mutex::new(());
    BROWSER_BOOT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The site whose `demo-build/` the kernel tests build: this repository, or
/// `LKLJS_TEST_SITE_ROOT` (e.g. one holding a `demo-build/` under development).
pub fn site_root() -> PathBuf {
    std::env::var_os("LKLJS_TEST_SITE_ROOT").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}

/// Runs `command` (node with a boot script) to its end, killing it and
/// failing the test if it outlives `limit`.
pub fn run_with_watchdog(command: &mut Command, limit: Duration) -> Output {
    run_with_input_and_watchdog(command, None, limit)
}

/// [`run_with_watchdog`] with `input` as the command's standard input, closed
/// after it (`None`: `/dev/null`).
pub fn run_with_input_and_watchdog(command: &mut Command, input: Option<&[u8]>, limit: Duration) -> Output {
    let stdin = if input.is_some() { Stdio::piped() } else { Stdio::null() };
    let mut child = command.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    if let Some(input) = input {
        // Dropping the pipe at the end of this block closes it: the end of input.
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let pid = child.id();
    let started = Instant::now();
    let watchdog = std::thread::spawn(move || child.wait_with_output().unwrap());
    while !watchdog.is_finished() {
        if started.elapsed() > limit {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("node did not exit within {limit:?} although boot.js has its own timeout");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    watchdog.join().unwrap()
}

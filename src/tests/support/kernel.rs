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

/// A session script's output: its `@@result NAME JSON` lines by name, and
/// everything it printed (for a failing assertion's context).
pub struct SessionResults {
    pub results: std::collections::BTreeMap<String, serde_json::Value>,
    pub stdout: String,
}

impl SessionResults {
    /// The result `name`; fails the test, with the script's output, if there is none.
    pub fn get(&self, name: &str) -> &serde_json::Value {
        self.results.get(name).unwrap_or_else(|| panic!("no result {name}\n{}", self.stdout))
    }

    /// The figure printed as `@@figure NAME VALUE`, or "?".
    pub fn figure(&self, name: &str) -> String {
        let prefix = format!("@@figure {name} ");
        self.stdout.lines().find_map(|line| line.strip_prefix(prefix.as_str())).unwrap_or("?").to_owned()
    }
}

/// Runs `src/tests/fixtures/console/SCRIPT` under node against the kernel
/// built from [`site_root`] (the script boots it and types into its
/// terminals), killing it after `limit`; fails the test unless it ran to
/// its end (exit status 0).
pub fn run_console_script(script: &str, limit: Duration) -> SessionResults {
    let artifacts = build(&site_root());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/console").join(script);
    let output =
        run_with_watchdog(Command::new("node").arg("--no-experimental-fetch").arg(&script).arg(&artifacts.dir), limit);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{} failed\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let results = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("@@result "))
        .map(|line| {
            let (name, json) = line.split_once(' ').unwrap();
            (name.to_owned(), serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}: {json}")))
        })
        .collect();
    SessionResults { results, stdout }
}

//! The demo step against a fake `demo-build/` (src/tests/fixtures/fake-demo-build):
//! cache misses and hits, failures, interruptions and missing inputs, all in
//! well under a minute and without Emscripten.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DemoArtifacts, DemoError, DemoOutcome, DemoRequest, prepare};

use crate::support::files::copy_tree;

const FAKE_EMCC_VERSION: &str = "emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 3.1.6 ()";

/// A temporary site root with the fake build script, a fake `emcc` ahead of
/// the real PATH, and a small Linux 6.1 "tarball".
struct FakeSite {
    _dir: tempfile::TempDir,
    root: PathBuf,
    bin: PathBuf,
    tarball: PathBuf,
}

impl FakeSite {
    fn new() -> Self {
        Self::with_demo_build("fake-demo-build")
    }

    /// A site whose `demo-build/` is a copy of `src/tests/fixtures/<fixture>/`.
    fn with_demo_build(fixture: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures").join(fixture);
        copy_tree(&fixture, &root.join("demo-build"));

        let bin = dir.path().join("bin");
        fs::create_dir(&bin).unwrap();
        fs::write(bin.join("emcc"), "#!/bin/sh\ncat \"$(dirname \"$0\")/emcc-version\"\n").unwrap();
        fs::set_permissions(bin.join("emcc"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        fs::write(bin.join("emcc-version"), format!("{FAKE_EMCC_VERSION}\nclang version 14\n")).unwrap();

        let tree = dir.path().join("linux-6.1.99");
        fs::create_dir(&tree).unwrap();
        fs::write(
            tree.join("Makefile"),
            "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 99\nEXTRAVERSION =\n",
        )
        .unwrap();
        fs::write(tree.join("README"), "Linux kernel\n").unwrap();
        let tarball = dir.path().join("linux-6.1.99.tar.gz");
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir.path())
            .arg("linux-6.1.99")
            .status()
            .unwrap();
        assert!(status.success());
        FakeSite { _dir: dir, root, bin, tarball }
    }

    fn tool_path(&self) -> std::ffi::OsString {
        let mut path = self.bin.clone().into_os_string();
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap());
        path
    }

    fn request(&self, mode: DemoMode) -> DemoRequest {
        DemoRequest::new(&self.root, mode).kernel_source(&self.tarball).tool_path(self.tool_path())
    }

    fn build(&self) -> Result<DemoArtifacts, DemoError> {
        match prepare(&self.request(DemoMode::Build))? {
            DemoOutcome::Ready(artifacts) => Ok(artifacts),
            DemoOutcome::Placeholder { reason } => panic!("a build gave a placeholder: {reason}"),
        }
    }

    fn runs(&self) -> usize {
        fs::read_to_string(self.root.join("runs")).map(|runs| runs.lines().count()).unwrap_or(0)
    }

    fn demo_dir(&self) -> PathBuf {
        self.root.join("target/demo")
    }

    /// Names in target/demo/cache, sorted.
    fn cache_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.demo_dir().join("cache"))
            .map(|entries| entries.map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    fn last(&self) -> Option<String> {
        fs::read_to_string(self.demo_dir().join("last")).ok().map(|text| text.trim().to_owned())
    }

    /// `lkljs-site demo --root site` (relative, as most people type it) with
    /// the fake toolchain and source.
    fn cli(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lkljs-site"));
        command
            .args(["demo", "--root", "site"])
            .current_dir(self.root.parent().unwrap())
            .env("PATH", self.tool_path())
            .env("LKLJS_KERNEL_SOURCE", &self.tarball);
        command
    }

    /// Starts a build that hangs in its script, and returns the script's pid.
    fn start_hanging_build(&self, start: impl FnOnce()) -> String {
        self.steer("hang", "");
        start();
        let pid = wait_for_file(&self.root.join("script.pid"));
        pid.trim().to_owned()
    }

    fn steer(&self, file: &str, contents: &str) {
        fs::write(self.root.join("demo-build").join(file), contents).unwrap();
    }

    fn unsteer(&self, file: &str) {
        fs::remove_file(self.root.join("demo-build").join(file)).unwrap();
    }
}

fn sha256sum(path: &Path) -> String {
    let output = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(output.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

#[test]
fn a_cache_miss_builds_boots_and_describes_the_kernel() {
    let site = FakeSite::new();
    let artifacts = site.build().unwrap();
    assert_eq!(site.runs(), 1);
    let manifest = &artifacts.manifest;

    assert_eq!(artifacts.dir, site.demo_dir().join("cache").join(&manifest.cache_key));
    assert_eq!(artifacts.files, ["boot.js", "boot.wasm", "config.txt", "kernel-release.txt", "manifest.json"]);
    for file in &artifacts.files {
        assert!(artifacts.dir.join(file).is_file(), "{file}");
    }
    assert_eq!(site.cache_entries(), std::slice::from_ref(&manifest.cache_key));
    assert_eq!(site.last().as_deref(), Some(manifest.cache_key.as_str()));

    assert_eq!(manifest.kernel_version, "6.1.99-lkljs");
    assert_eq!(manifest.source_file, "linux-6.1.99.tar.gz");
    assert_eq!(manifest.source_version, "6.1.99");
    assert_eq!(manifest.source_sha256, sha256sum(&site.tarball));
    assert_eq!(manifest.config_sha256, sha256sum(&artifacts.dir.join("config.txt")));
    assert_eq!(manifest.toolchain, FAKE_EMCC_VERSION);
    assert_eq!(manifest.compile_units, 3);
    assert_eq!(manifest.files_compiled, 3);
    let wasm = fs::metadata(artifacts.dir.join("boot.wasm")).unwrap().len();
    assert_eq!(manifest.wasm_bytes, wasm);
    assert!(
        manifest.wasm_brotli_bytes > 0
            && manifest.wasm_brotli_bytes < manifest.wasm_gzip_bytes
            && manifest.wasm_gzip_bytes < wasm
    );
    assert_eq!(manifest.js_bytes, fs::metadata(artifacts.dir.join("boot.js")).unwrap().len());
    assert!(manifest.node_version.starts_with('v'), "{}", manifest.node_version);

    assert_eq!(manifest.boot.exit_code, 0);
    assert_eq!(manifest.boot.log_lines, 9);
    assert!(manifest.boot.log.ends_with("reboot: System halted\n"), "{}", manifest.boot.log);
    assert_eq!(manifest.boot.log_excerpt.len(), 8, "{:#?}", manifest.boot.log_excerpt);
    assert!(manifest.boot.log_excerpt[0].contains("Linux version 6.1.99-lkljs"));

    // What is on disk is what was returned, and has no path of this machine.
    let on_disk = fs::read_to_string(artifacts.dir.join("manifest.json")).unwrap();
    assert_eq!(on_disk, manifest.to_json());
    assert!(!on_disk.contains(site.root.to_str().unwrap()));

    // The script got the contract's arguments and the fixed environment.
    let invocation = fs::read_to_string(site.root.join("invocations")).unwrap();
    let expected_epoch = std::env::var("SOURCE_DATE_EPOCH").unwrap_or_else(|_| "1670716800".into());
    assert!(invocation.contains(&format!("SOURCE_DATE_EPOCH={expected_epoch} ")), "{invocation}");
    assert!(invocation.contains("KBUILD_BUILD_USER=lkljs KBUILD_BUILD_HOST=lkljs"), "{invocation}");
    assert!(invocation.contains(&format!("work={}", site.demo_dir().join("work").display())), "{invocation}");
    assert!(site.demo_dir().join("work/state").is_file());

    let log = fs::read_to_string(site.demo_dir().join(format!("logs/build-{}.log", manifest.cache_key))).unwrap();
    for line in
        ["@@lkljs step configure", "  CC      kernel/fork.o", "kernel/fork.c:1: warning: a warning on standard error"]
    {
        assert!(log.contains(line), "{line:?} missing from {log}");
    }
    let boot_log = fs::read_to_string(site.demo_dir().join(format!("logs/boot-{}.log", manifest.cache_key))).unwrap();
    assert_eq!(boot_log, manifest.boot.log);
}

#[test]
fn a_cache_hit_does_not_run_the_script() {
    let site = FakeSite::new();
    let first = site.build().unwrap();
    let started = Instant::now();
    let second = site.build().unwrap();
    let hit_took = started.elapsed();
    assert_eq!(site.runs(), 1);
    assert_eq!(second.manifest, first.manifest);
    assert_eq!(second.dir, first.dir);
    // Generous: a hit hashes demo-build/ and asks emcc and node their versions.
    assert!(hit_took < Duration::from_secs(5), "{hit_took:?}");
}

#[test]
fn any_change_to_demo_build_or_the_toolchain_rebuilds() {
    let site = FakeSite::new();
    let original = site.build().unwrap().manifest.cache_key;

    site.steer("kernel.config", "CONFIG_SMP=n\n");
    let changed_port = site.build().unwrap().manifest.cache_key;
    assert_eq!(site.runs(), 2);
    assert_ne!(changed_port, original);

    fs::write(site.bin.join("emcc-version"), FAKE_EMCC_VERSION.replace("3.1.6", "3.1.7")).unwrap();
    let changed_emcc = site.build().unwrap();
    assert_eq!(site.runs(), 3);
    assert_ne!(changed_emcc.manifest.cache_key, changed_port);
    assert!(changed_emcc.manifest.toolchain.contains("3.1.7"));

    // Back to the first inputs: the first entry is still there.
    fs::write(site.bin.join("emcc-version"), FAKE_EMCC_VERSION).unwrap();
    site.unsteer("kernel.config");
    assert_eq!(site.build().unwrap().manifest.cache_key, original);
    assert_eq!(site.runs(), 3);
    assert_eq!(site.last(), Some(original));
}

#[test]
fn a_changed_source_rebuilds() {
    let site = FakeSite::new();
    let first = site.build().unwrap().manifest;
    // Same name, new contents: the memoised hash must not be trusted.
    let tree = site.tarball.parent().unwrap().join("linux-6.1.99");
    fs::write(tree.join("README"), "Linux kernel, patched\n").unwrap();
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&site.tarball)
        .arg("-C")
        .arg(tree.parent().unwrap())
        .arg("linux-6.1.99")
        .status()
        .unwrap();
    assert!(status.success());
    let second = site.build().unwrap().manifest;
    assert_eq!(site.runs(), 2);
    assert_ne!(second.source_sha256, first.source_sha256);
    assert_eq!(second.source_sha256, sha256sum(&site.tarball));
}

#[test]
fn an_extracted_tree_works_as_the_source() {
    let site = FakeSite::new();
    let tree = site.tarball.parent().unwrap().join("linux-6.1.99");
    let request = DemoRequest::new(&site.root, DemoMode::Build).kernel_source(&tree).tool_path(site.tool_path());
    let DemoOutcome::Ready(artifacts) = prepare(&request).unwrap() else { panic!("a build gave a placeholder") };
    assert_eq!(artifacts.manifest.source_file, "linux-6.1.99");
    assert_eq!(artifacts.manifest.source_version, "6.1.99");
    assert_eq!(artifacts.manifest.source_sha256.len(), 64);
}

#[test]
fn a_failed_build_shows_the_log_tail_and_keeps_the_last_good_build() {
    let site = FakeSite::new();
    let good = site.build().unwrap().manifest.cache_key;

    site.steer("fail", "");
    let error = site.build().unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, DemoError::BuildFailed { .. }), "{message}");
    assert!(message.contains("exit status: 2"), "{message}");
    assert!(message.contains("during step `compile`"), "{message}");
    assert!(message.contains("log line 60\nerror: the compiler exploded\n"), "in the order written: {message}");
    assert!(message.contains("the last 40 lines of"), "{message}");
    assert!(!message.contains("log line 20\n"), "only the tail is shown: {message}");
    assert!(message.contains(&site.demo_dir().join("logs").display().to_string()), "{message}");

    assert_eq!(site.cache_entries(), std::slice::from_ref(&good), "no entry, no temporary directory");
    assert_eq!(site.last().as_deref(), Some(good.as_str()));
    let DemoOutcome::Ready(reused) = prepare(&site.request(DemoMode::ReuseLast)).unwrap() else {
        panic!("--skip-demo must reuse the last good build");
    };
    assert_eq!(reused.manifest.cache_key, good);
}

#[test]
fn a_kernel_that_does_not_boot_fails_the_step_with_its_console() {
    let site = FakeSite::new();
    site.steer("boot-exit", "1");
    let error = site.build().unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, DemoError::BootFailed { .. }), "{message}");
    assert!(message.contains("exit code 1"), "{message}");
    assert!(message.contains("Kernel panic - not syncing"), "{message}");
    assert!(site.cache_entries().is_empty(), "{:?}", site.cache_entries());
    assert_eq!(site.last(), None);
}

#[test]
fn a_killed_script_leaves_no_entry() {
    let site = FakeSite::new();
    let request = site.request(DemoMode::Build);
    let mut build = None;
    let pid = site.start_hanging_build(|| build = Some(std::thread::spawn(move || prepare(&request))));
    let status = Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    assert!(status.success());

    let message = build.unwrap().join().unwrap().unwrap_err().to_string();
    assert!(message.contains("signal: 9"), "{message}");
    assert!(site.cache_entries().is_empty(), "{:?}", site.cache_entries());
    assert_eq!(site.last(), None);
}

#[test]
fn a_killed_site_builder_leaves_no_entry_and_the_next_build_recovers() {
    let site = FakeSite::new();
    let good = site.build().unwrap().manifest.cache_key;
    let mut builder = None;
    let orphan = site.start_hanging_build(|| {
        builder = Some(site.cli().stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    });
    let mut builder = builder.unwrap();
    builder.kill().unwrap();
    builder.wait().unwrap();

    let entries = site.cache_entries();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.contains(&good));
    assert!(entries.iter().any(|name| name.starts_with(".tmp-")), "{entries:?}");
    assert_eq!(site.last().as_deref(), Some(good.as_str()));

    // The orphaned script still runs and holds the lock: the next build must
    // wait for it rather than start a second script in the same work directory.
    let still_running = Command::new("kill").args(["-0", &orphan]).status().unwrap();
    assert!(still_running.success(), "the orphaned script is still running");
    let request = site.request(DemoMode::Build);
    let next = std::thread::spawn(move || prepare(&request));
    std::thread::sleep(Duration::from_secs(1));
    assert!(!next.is_finished());
    assert_eq!(site.runs(), 2, "the next build waits for the lock before running the script");

    // Once the orphan ends, the next build removes its leftovers and builds.
    fs::write(site.root.join("release"), "").unwrap();
    let DemoOutcome::Ready(rebuilt) = next.join().unwrap().unwrap() else { panic!("a build gave a placeholder") };
    let rebuilt = rebuilt.manifest.cache_key;
    assert_eq!(site.runs(), 3);
    assert_ne!(rebuilt, good);
    let mut expected = vec![good, rebuilt.clone()];
    expected.sort();
    assert_eq!(site.cache_entries(), expected);
    assert_eq!(site.last(), Some(rebuilt));
}

#[test]
fn a_missing_source_names_the_install_command() {
    let site = FakeSite::new();
    let request = DemoRequest::new(&site.root, DemoMode::Build)
        .kernel_source(site.root.join("no-such-linux.tar.xz"))
        .tool_path(site.tool_path());
    let error = prepare(&request).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, DemoError::MissingKernelSource { .. }), "{message}");
    assert!(message.contains("no-such-linux.tar.xz"), "{message}");
    assert!(message.contains("sudo apt-get install linux-source-6.1"), "{message}");
    assert_eq!(site.runs(), 0);
}

#[test]
fn the_toolchain_is_checked_before_anything_else() {
    let site = FakeSite::new();
    // Only the fake emcc: node, make and the rest are missing, and so is the source.
    let request = DemoRequest::new(&site.root, DemoMode::Build).kernel_source("/nonexistent").tool_path(&site.bin);
    let message = prepare(&request).unwrap_err().to_string();
    assert!(message.contains("`node` (runs Emscripten and boots the demo, package nodejs)"), "{message}");
    assert!(!message.contains("`emcc`"), "{message}");
    assert!(message.contains("sudo demo-build/setup.sh"), "{message}");
    assert!(!site.root.join("target").exists(), "nothing was written");
}

#[test]
fn skip_demo_without_a_build_gives_a_placeholder() {
    let site = FakeSite::new();
    // No toolchain at all: --skip-demo must not need one.
    let request = DemoRequest::new(&site.root, DemoMode::ReuseLast).tool_path("");
    let DemoOutcome::Placeholder { reason } = prepare(&request).unwrap() else { panic!("there is no build to reuse") };
    assert!(reason.contains("without --skip-demo"), "{reason}");
}

#[test]
fn a_damaged_entry_is_not_used() {
    let site = FakeSite::new();
    let artifacts = site.build().unwrap();
    fs::remove_file(artifacts.dir.join("boot.wasm")).unwrap();

    let DemoOutcome::Placeholder { reason } = prepare(&site.request(DemoMode::ReuseLast)).unwrap() else {
        panic!("a damaged entry must not be served");
    };
    assert!(reason.contains("boot.wasm"), "{reason}");

    let rebuilt = site.build().unwrap();
    assert_eq!(site.runs(), 2);
    assert_eq!(rebuilt.manifest.cache_key, artifacts.manifest.cache_key);
    assert!(rebuilt.dir.join("boot.wasm").is_file());
}

#[test]
fn the_cli_prints_plain_progress_and_a_summary() {
    let site = FakeSite::new();
    let output = site.cli().output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for step in ["demo build: starting", "demo build: configure", "demo build: compile", "demo build: link"] {
        assert!(stderr.contains(step), "{step:?} missing from {stderr}");
    }
    assert!(stderr.contains("3/3 files (100%)") && stderr.contains("(done)"), "{stderr}");
    assert!(!stderr.contains('\r'), "no terminal control on a pipe: {stderr:?}");
    assert!(stdout.contains("Linux 6.1.99-lkljs from linux-6.1.99.tar.gz (6.1.99)"), "{stdout}");

    let json = site.cli().args(["--skip-demo", "--json"]).env("PATH", "").output().unwrap();
    assert!(json.status.success());
    let manifest: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(manifest["kernel_version"], "6.1.99-lkljs");
    assert_eq!(site.runs(), 1);
}

#[test]
fn verbose_names_the_cache_key_and_log_and_quiet_hides_the_progress() {
    let site = FakeSite::new();
    let verbose = site.cli().arg("--verbose").output().unwrap();
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(verbose.status.success(), "{stderr}");
    assert!(stderr.contains("demo build: cache key "), "{stderr}");
    assert!(stderr.contains("the script's output in ") && stderr.contains("build-"), "{stderr}");
    assert!(stderr.contains("demo build: compile"), "progress still shows: {stderr}");

    let quiet = site.cli().args(["--quiet", "--skip-demo"]).env("PATH", "").output().unwrap();
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert!(quiet.status.success(), "{stderr}");
    assert!(!stderr.contains("demo build:"), "--quiet shows no progress: {stderr}");
    assert!(String::from_utf8_lossy(&quiet.stdout).contains("Linux 6.1.99-lkljs"), "the result still prints");

    let rebuilt_quietly = site.cli().arg("--quiet").env("LKLJS_KERNEL_SOURCE", "/nonexistent").output().unwrap();
    assert!(!rebuilt_quietly.status.success());
    assert!(String::from_utf8_lossy(&rebuilt_quietly.stderr).contains("error:"), "--quiet keeps errors");
}

fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = fs::read_to_string(path)
            && !text.trim().is_empty()
        {
            return text;
        }
        assert!(Instant::now() < deadline, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_cache_keeps_the_three_most_recently_used_builds() {
    let site = FakeSite::new();
    let first = site.build().unwrap().manifest.cache_key;
    site.steer("variant", "2");
    let second = site.build().unwrap().manifest.cache_key;
    site.steer("variant", "3");
    let third = site.build().unwrap().manifest.cache_key;
    // Using the first again makes the second the least recently used.
    site.unsteer("variant");
    assert_eq!(site.build().unwrap().manifest.cache_key, first);
    site.steer("variant", "4");
    let fourth = site.build().unwrap().manifest.cache_key;

    let mut expected = vec![first, third, fourth];
    expected.sort();
    assert_eq!(site.cache_entries(), expected);
    assert_eq!(site.runs(), 4);
    assert!(!site.demo_dir().join(format!("logs/build-{second}.log")).exists());
}

#[test]
fn source_date_epoch_is_part_of_the_key_and_jobs_is_not() {
    let site = FakeSite::new();
    let run = |command: &mut Command| {
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    run(site.cli().env_remove("SOURCE_DATE_EPOCH").env("JOBS", "2"));
    run(site.cli().env_remove("SOURCE_DATE_EPOCH").env("JOBS", "1"));
    assert_eq!(site.runs(), 1, "JOBS does not change what is built");
    run(site.cli().env("SOURCE_DATE_EPOCH", "1700000000"));
    assert_eq!(site.runs(), 2);
    let invocations = fs::read_to_string(site.root.join("invocations")).unwrap();
    assert!(invocations.contains("JOBS=2 SOURCE_DATE_EPOCH=1670716800"), "{invocations}");
    assert!(invocations.lines().nth(1).unwrap().contains("SOURCE_DATE_EPOCH=1700000000"), "{invocations}");

    let output = site.cli().env("SOURCE_DATE_EPOCH", "yesterday").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SOURCE_DATE_EPOCH=\"yesterday\" is not valid"), "{stderr}");
}

#[test]
fn the_boot_timeout_follows_the_kernel_ports_contract() {
    let site = FakeSite::new();
    site.steer("variant", "fraction");
    let output = site.cli().env("LKLJS_BOOT_TIMEOUT_SECONDS", "2.5").output().unwrap();
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("(timeout 2.5s)"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    site.steer("variant", "unlimited");
    let output = site.cli().env("LKLJS_BOOT_TIMEOUT_SECONDS", "0").output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("(no time limit)"));
    assert_eq!(site.runs(), 2);

    site.steer("variant", "negative");
    let output = site.cli().env("LKLJS_BOOT_TIMEOUT_SECONDS", "-1").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("set it to a number of seconds (0 for no limit)"), "{stderr}");
}

#[test]
fn a_real_emscripten_build_boots_under_node() {
    let site = FakeSite::with_demo_build("emcc-demo-build");
    // The machine's own PATH: the real emcc, and NODE_PATH as the step sets it.
    let request = DemoRequest::new(&site.root, DemoMode::Build).kernel_source(&site.tarball);
    let DemoOutcome::Ready(artifacts) = prepare(&request).unwrap() else { panic!("a build gave a placeholder") };
    let manifest = &artifacts.manifest;
    assert_eq!(artifacts.files, ["boot.js", "boot.wasm", "config.txt", "kernel-release.txt", "manifest.json"]);
    assert!(manifest.toolchain.starts_with("emcc (Emscripten"), "{}", manifest.toolchain);
    assert_eq!(manifest.kernel_version, "6.1.0-emcc-smoke");
    assert_eq!(manifest.boot.exit_code, 0);
    assert_eq!(manifest.boot.log_excerpt.len(), 3, "{}", manifest.boot.log);
    assert!(manifest.wasm_bytes > 0 && manifest.js_bytes > manifest.wasm_bytes);
}

//! The kernel demo as a build step: compiles Linux to WebAssembly through
//! `demo-build/`, caches the result by a hash of every input, and describes it
//! in a manifest that the guide quotes.
//!
//! [`prepare`] with [`DemoMode::Build`]:
//! 1. checks the toolchain ([`REQUIRED_TOOLS`], Emscripten 3.1.6 or newer)
//!    before anything else, naming every missing program and its fix;
//! 2. picks the kernel source: [`DemoRequest::kernel_source`], else
//!    `LKLJS_KERNEL_SOURCE`, else `kernel_source` in the `[demo]` table of
//!    `content/site.toml` (relative to the site root), else
//!    [`DEFAULT_KERNEL_SOURCE`]; it must be Linux 6.1, as a tarball or a tree;
//! 3. computes the cache key from the source's SHA-256 (memoised in
//!    `target/demo/source-fingerprint.json` by path, size, modification time
//!    and inode, so a hit does not re-read 140 MB), every file under
//!    `demo-build/` (paths, contents, executable bits), the first line of
//!    `emcc --version`, `SOURCE_DATE_EPOCH` and [`BUILD_ENVIRONMENT`]; an
//!    existing entry is returned at once (about half a second, mostly
//!    spent asking emcc its version);
//! 4. when the port ships `demo-build/build-libc.sh`, builds or reuses the
//!    user programs' libc before computing that key ([`prepare_libc`], `libc.rs`): its key joins
//!    the kernel's, and the script gets its directory as `LKLJS_LIBC`; then,
//!    when the port ships `demo-build/build-busybox.sh`, BusyBox with that
//!    libc (`busybox.rs`), whose key also joins the kernel's and whose
//!    directory the script gets as `LKLJS_BUSYBOX` (both are cached as
//!    `component.rs` describes);
//! 5. otherwise runs `bash demo-build/build-kernel.sh --source S --work W --out O --jobs N`
//!    into a temporary directory, boots the result once under node, runs its
//!    self-test suite (`selftest.js`, when the port ships one; any failed
//!    case fails the step), then, with BusyBox, BusyBox's own testsuite inside
//!    the kernel (`demo-build/run-busybox-testsuite.js`, `testsuite.rs`: the
//!    counts and the process figures measured in the same boot go into the
//!    manifest; its failures fail nothing here, a test compares them with
//!    the committed list), writes `manifest.json` and renames the directory
//!    into the cache.
//!
//! [`DemoMode::ReuseLast`] (`--skip-demo`) needs no toolchain: it returns the
//! build named by `target/demo/last`, or [`DemoOutcome::Placeholder`].
//!
//! # The cache
//!
//! ```text
//! target/demo/
//!   lock                       held while a demo build runs (and by its script)
//!   libc.lock                  held while the libc is built or checked (see component.rs)
//!   busybox.lock               the same for BusyBox
//!   last                       key of the last successful build, for --skip-demo
//!   source-fingerprint.json    memoised kernel source hashes
//!   cache/<key>/               artefacts + manifest.json of one build
//!   cache/.tmp-<key>-<pid>/    a build in progress; renamed to <key>/ on success
//!   libc/<key>/                the user programs' libc, made the same way
//!   busybox/<key>/             BusyBox built with that libc, made the same way
//!   work/                      the script's scratch directory, reused between builds
//!   work/libc/                 build-libc.sh's, with the downloaded musl source
//!   work/busybox/              build-busybox.sh's, with the downloaded busybox source
//!   logs/build-<key>.log       the script's full output, in the order written
//!   logs/libc-<key>.log        build-libc.sh's output
//!   logs/busybox-<key>.log     build-busybox.sh's output
//!   logs/boot-<key>.log        the console of the boot check
//!   logs/selftest-<key>.log    the output of the self-test suite
//!   logs/testsuite-<key>.log   the output of BusyBox's testsuite and the process figures
//! ```
//!
//! An entry appears only by the rename of a finished directory, so a build
//! interrupted at any point (Ctrl-C, kill, power loss) leaves no entry; the
//! next build removes its temporary directory. A failed build or boot leaves
//! `last` as it was. The lock is handed to the script as its standard input,
//! so a script orphaned by a killed `lkljs-site` still holds it and no second
//! build starts in the same `work/` until the orphan ends. The three most
//! recently used entries are kept, older ones removed with their logs.
//!
//! # Progress
//!
//! The script's standard output carries `@@lkljs step <name>`,
//! `@@lkljs total <N>` and kbuild's `  CC  file` / `  AS  file` lines.
//! Standard error shows the step, files compiled out of the total and the
//! elapsed time: on a terminal as one line rewritten four times a second,
//! otherwise as a plain line at each step change and every ten seconds. A
//! failure shows the log's last 40 lines and its path.
//!
//! # Environment
//!
//! `LKLJS_KERNEL_SOURCE` (the source), `SOURCE_DATE_EPOCH` (default
//! [`DEFAULT_SOURCE_DATE_EPOCH`]), `JOBS` (parallel jobs, default the number of
//! CPUs; not in the key, as it does not change the output),
//! `LKLJS_BOOT_TIMEOUT_SECONDS` (the boot check: default 60, fractions
//! allowed, 0 for no limit, as in the kernel port's contract).

mod boot;
mod busybox;
mod cache;
mod component;
mod error;
mod fingerprint;
mod libc;
mod manifest;
mod runner;
mod selftest;
mod source;
mod state;
mod testsuite;
mod toolchain;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub use boot::pid1_milliseconds;
pub use busybox::{BUSYBOX_INPUTS, BUSYBOX_REQUIRED_FILES, BUSYBOX_SCRIPT, BusyboxBuild, BusyboxFacts};
pub use cache::DemoDirs;
pub use component::ComponentBuild;
pub use error::{DemoError, RequiredTool, SourceOrigin};
pub use libc::{LIBC_INPUTS, LIBC_REQUIRED_FILES, LIBC_SCRIPT, LibcBuild, LibcFacts};
pub use manifest::{
    BOOT_LOG_LINES, BootFacts, MANIFEST_FILE, Manifest, SelftestCase, SelftestFacts, UserlandFacts, read_manifest,
};
pub use runner::{Progress, ProtocolLine, parse_line};
pub use selftest::{SELFTEST_SCRIPT, parse_tap};
pub use source::{DEFAULT_KERNEL_SOURCE, KERNEL_SOURCE_VARIABLE};
pub use state::DemoState;
pub use testsuite::{ProcessFigures, TESTSUITE_SCRIPT, TestsuiteFacts, parse_figure};
pub use toolchain::REQUIRED_TOOLS;

use busybox::BusyboxInputs;
use cache::{BuildLock, CacheKeyInputs, EntryProblem};
use fingerprint::{TreeHashDepth, hash_tree_where, sha256_file};
use libc::LibcInputs;

use crate::report;

/// `SOURCE_DATE_EPOCH` when the environment sets none: 2022-12-11T00:00:00Z,
/// the day Linux 6.1 was released. A constant rather than anything read from
/// the machine, so that every machine builds the same bytes.
pub const DEFAULT_SOURCE_DATE_EPOCH: u64 = 1_670_716_800;

/// Fixed for every build so that no user, host, locale or time zone reaches
/// the artefacts; part of the cache key.
pub const BUILD_ENVIRONMENT: &[(&str, &str)] =
    &[("KBUILD_BUILD_USER", "lkljs"), ("KBUILD_BUILD_HOST", "lkljs"), ("LC_ALL", "C"), ("TZ", "UTC")];

/// The environment variable that hands the built libc's directory (its
/// sysroot, with `bin/lkljs-cc`) to `build-kernel.sh`; its cache key is also
/// part of the kernel's.
pub const LIBC_VARIABLE: &str = "LKLJS_LIBC";

/// The environment variable that hands the built BusyBox's directory (with
/// `busybox.wasm` and `busybox.links`) to `build-kernel.sh`, which puts it
/// in the root file system; its cache key is also part of the kernel's.
pub const BUSYBOX_VARIABLE: &str = "LKLJS_BUSYBOX";

/// The files the kernel port's contract promises in its `--out` directory.
pub const REQUIRED_ARTIFACTS: &[&str] = &["boot.js", "boot.wasm", "kernel-release.txt", "config.txt"];

/// The userland archive a port may publish beside `boot.wasm`: the root file
/// system's programs, which the loaders fetch with the module.
pub const USERLAND_ARCHIVE: &str = "userland.cpio";

/// What to do about the kernel demo during a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoMode {
    /// Run the kernel build step (cached by a hash of its inputs).
    Build,
    /// Reuse the last demo build, or render an honest placeholder when there is none.
    ReuseLast,
}

/// What the site builder asks of the demo step.
#[derive(Clone, Debug)]
pub struct DemoRequest {
    /// The directory holding `content/`, `demo-build/` and `target/`.
    pub site_root: PathBuf,
    pub mode: DemoMode,
    /// The kernel source, overriding `LKLJS_KERNEL_SOURCE`, `content/site.toml` and the default.
    pub kernel_source: Option<PathBuf>,
    /// The `PATH` in which the toolchain is looked up and with which the build
    /// and the boot check run; the process's own when `None`.
    pub tool_path: Option<OsString>,
}

impl DemoRequest {
    pub fn new(site_root: impl Into<PathBuf>, mode: DemoMode) -> Self {
        DemoRequest { site_root: site_root.into(), mode, kernel_source: None, tool_path: None }
    }

    pub fn kernel_source(mut self, path: impl Into<PathBuf>) -> Self {
        self.kernel_source = Some(path.into());
        self
    }

    pub fn tool_path(mut self, path: impl Into<OsString>) -> Self {
        self.tool_path = Some(path.into());
        self
    }
}

// One outcome per site build: not worth a Box for the smaller variant.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum DemoOutcome {
    Ready(DemoArtifacts),
    /// No demo build is available (only with [`DemoMode::ReuseLast`]); the
    /// reason is written for the reader of the placeholder page.
    Placeholder {
        reason: String,
    },
}

/// A finished, booted demo build in the cache.
#[derive(Clone, Debug)]
pub struct DemoArtifacts {
    /// `target/demo/cache/<key>/`.
    pub dir: PathBuf,
    /// Paths relative to `dir`, `/`-separated, sorted, to copy into
    /// `public/demo/`: the kernel port's files and `manifest.json`.
    pub files: Vec<String>,
    pub manifest: Manifest,
}

impl DemoArtifacts {
    fn from_entry(dirs: &DemoDirs, manifest: Manifest) -> Self {
        let mut files: Vec<String> = manifest.files.keys().cloned().collect();
        files.push(MANIFEST_FILE.to_owned());
        files.sort();
        DemoArtifacts { dir: dirs.entry(&manifest.cache_key), files, manifest }
    }
}

/// Builds the kernel demo or reuses a cached build; see the module documentation.
pub fn prepare(request: &DemoRequest) -> Result<DemoOutcome, DemoError> {
    // Absolute, because the script runs in the site root and is told paths inside it.
    let site_root = std::path::absolute(&request.site_root).map_err(DemoError::io("resolve", &request.site_root))?;
    let dirs = DemoDirs::new(&site_root);
    match request.mode {
        DemoMode::ReuseLast => Ok(reuse_last(&dirs)),
        DemoMode::Build => build_or_reuse(&DemoRequest { site_root, ..request.clone() }, &dirs).map(DemoOutcome::Ready),
    }
}

/// Builds only the user programs' libc (or reuses it from the cache), as
/// [`prepare`] does before the kernel: for tests and tools that need the libc
/// without a kernel build.
pub fn prepare_libc(request: &DemoRequest) -> Result<LibcBuild, DemoError> {
    let site_root = std::path::absolute(&request.site_root).map_err(DemoError::io("resolve", &request.site_root))?;
    let dirs = DemoDirs::new(&site_root);
    let tool_path = request.tool_path.clone().or_else(|| std::env::var_os("PATH")).unwrap_or_default();
    let toolchain = toolchain::check(&tool_path)?;
    let source =
        source::resolve(&site_root, request.kernel_source.as_deref(), std::env::var_os(KERNEL_SOURCE_VARIABLE))?;
    let script = site_root.join("demo-build").join(LIBC_SCRIPT);
    if !script.is_file() {
        return Err(DemoError::MissingBuildScript { path: script });
    }
    let source_date_epoch = source_date_epoch()?;
    dirs.create()?;
    let source_facts = source::facts(&source, &dirs.source_memo(), &tool_path)?;
    libc::build_or_reuse(
        &LibcInputs {
            site_root: &site_root,
            kernel_source: &source.path,
            kernel_source_sha256: &source_facts.sha256,
            emcc_version_line: &toolchain.emcc_version_line,
            source_date_epoch,
            tool_path: &tool_path,
            jobs: jobs()?,
        },
        &dirs,
    )
}

fn reuse_last(dirs: &DemoDirs) -> DemoOutcome {
    let Some(key) = cache::read_last(dirs) else {
        return DemoOutcome::Placeholder {
            reason: "The kernel demo has not been built on this machine yet. Build the site without --skip-demo to compile it.".into(),
        };
    };
    match cache::load_entry(dirs, &key) {
        Ok(manifest) => DemoOutcome::Ready(DemoArtifacts::from_entry(dirs, manifest)),
        Err(problem) => DemoOutcome::Placeholder {
            reason: format!(
                "The last kernel demo build ({key}) is no longer usable ({}). Build the site without --skip-demo to compile it again.",
                match problem {
                    EntryProblem::Absent => "it was removed from target/demo/cache".to_owned(),
                    EntryProblem::Damaged(why) => why,
                }
            ),
        },
    }
}

fn build_or_reuse(request: &DemoRequest, dirs: &DemoDirs) -> Result<DemoArtifacts, DemoError> {
    let tool_path = request.tool_path.clone().or_else(|| std::env::var_os("PATH")).unwrap_or_default();
    let toolchain = toolchain::check(&tool_path)?;
    let source = source::resolve(
        &request.site_root,
        request.kernel_source.as_deref(),
        std::env::var_os(KERNEL_SOURCE_VARIABLE),
    )?;
    let demo_build = request.site_root.join("demo-build");
    let script = demo_build.join("build-kernel.sh");
    if !script.is_file() {
        return Err(DemoError::MissingBuildScript { path: script });
    }
    let source_date_epoch = source_date_epoch()?;

    dirs.create()?;
    let lock = BuildLock::acquire(dirs, |path| {
        report::status!("demo build: waiting for another demo build to finish (it holds {})", path.display());
    })?;
    let source_facts = source::facts(&source, &dirs.source_memo(), &tool_path)?;
    for leftover in cache::remove_interrupted_builds(dirs)? {
        report::status!("demo build: removed {}, left by an interrupted build", leftover.display());
    }
    // The libc first: the kernel's build may compile user programs with it.
    let libc = if demo_build.join(LIBC_SCRIPT).is_file() {
        Some(libc::build_or_reuse(
            &LibcInputs {
                site_root: &request.site_root,
                kernel_source: &source.path,
                kernel_source_sha256: &source_facts.sha256,
                emcc_version_line: &toolchain.emcc_version_line,
                source_date_epoch,
                tool_path: &tool_path,
                jobs: jobs()?,
            },
            dirs,
        )?)
    } else {
        None
    };
    // Then BusyBox, with that libc: the kernel's root file system holds it.
    let busybox = match &libc {
        Some(libc) if demo_build.join(BUSYBOX_SCRIPT).is_file() => Some(busybox::build_or_reuse(
            &BusyboxInputs {
                site_root: &request.site_root,
                libc,
                emcc_version_line: &toolchain.emcc_version_line,
                source_date_epoch,
                tool_path: &tool_path,
                jobs: jobs()?,
            },
            dirs,
        )?),
        _ => None,
    };
    let demo_build_sha256 = demo_build_inputs_sha256(&demo_build)?;
    let mut build_options = BUILD_ENVIRONMENT.to_vec();
    if let Some(libc) = &libc {
        build_options.push((LIBC_VARIABLE, &libc.facts.cache_key));
    }
    if let Some(busybox) = &busybox {
        build_options.push((BUSYBOX_VARIABLE, &busybox.facts.cache_key));
    }
    let key = CacheKeyInputs {
        source_sha256: &source_facts.sha256,
        demo_build_sha256: &demo_build_sha256,
        emcc_version_line: &toolchain.emcc_version_line,
        source_date_epoch,
        build_options: &build_options,
    }
    .key();
    report::detail!(
        "demo build: cache key {key}, from the source ({}), demo-build/ ({demo_build_sha256}), {}, SOURCE_DATE_EPOCH={source_date_epoch} and the build environment",
        source_facts.sha256,
        toolchain.emcc_version_line
    );

    match cache::load_entry(dirs, &key) {
        Ok(manifest) => {
            cache::mark_used(dirs, &key)?;
            cache::write_last(dirs, &key)?;
            report::status!(
                "demo build: up to date (Linux {}, {})",
                manifest.kernel_version,
                dirs.entry(&key).display()
            );
            return Ok(DemoArtifacts::from_entry(dirs, manifest));
        }
        Err(EntryProblem::Absent) => {}
        Err(EntryProblem::Damaged(why)) => {
            report::warning!("demo build: rebuilding the damaged cache entry {key}: {why}");
            let entry = dirs.entry(&key);
            std::fs::remove_dir_all(&entry).map_err(DemoError::io("remove the damaged cache entry", &entry))?;
        }
    }
    let out = TemporaryEntry::create(dirs.temporary_entry(&key))?;
    let mut command = script_command(&script, &source.path, dirs, &out.path, source_date_epoch, &tool_path, &lock)?;
    if let Some(libc) = &libc {
        command.env(LIBC_VARIABLE, &libc.dir);
    }
    if let Some(busybox) = &busybox {
        command.env(BUSYBOX_VARIABLE, &busybox.dir);
    }
    let build_log = dirs.build_log(&key);
    report::detail!("demo build: building into {}, the script's output in {}", out.path.display(), build_log.display());
    let run = runner::run_script(command, &build_log)?;
    if !run.status.success() {
        return Err(DemoError::BuildFailed {
            status: run.status.to_string(),
            step: run.progress.step,
            log: build_log,
            tail: run.tail.join("\n"),
        });
    }
    if let Some(missing) = REQUIRED_ARTIFACTS.iter().find(|name| !out.path.join(name).is_file()) {
        return Err(DemoError::MissingArtifact { file: (*missing).to_owned(), log: build_log });
    }
    let boot = check_boot(&out.path, &dirs.boot_log(&key), &tool_path, &key)?;
    let selftest = run_selftest(&out.path, &dirs.selftest_log(&key), &tool_path)?;
    let (busybox_testsuite, processes) = match &busybox {
        Some(busybox) if demo_build.join(TESTSUITE_SCRIPT).is_file() => {
            let script = demo_build.join(TESTSUITE_SCRIPT);
            let log = dirs.testsuite_log(&key);
            let (facts, figures) = run_busybox_testsuite(&script, &out.path, &busybox.dir, &log, &tool_path)?;
            (Some(facts), Some(figures))
        }
        _ => (None, None),
    };

    // Only after the boot, whose timing the guide quotes: Brotli at quality 11
    // takes about half a minute of CPU on a kernel and would slow it down.
    let read = |name: &str| {
        let path = out.path.join(name);
        std::fs::read(&path).map_err(DemoError::io("read", path))
    };
    let wasm = FileSizes::measure(&read("boot.wasm")?);
    let userland = if out.path.join(USERLAND_ARCHIVE).is_file() {
        Some(FileSizes::measure(&read(USERLAND_ARCHIVE)?))
    } else {
        None
    };
    let mut download_brotli_bytes = wasm.brotli + userland.as_ref().map_or(0, |sizes| sizes.brotli);
    for script in ["boot.js", "boot.worker.js"] {
        if out.path.join(script).is_file() {
            download_brotli_bytes += manifest::compressed_sizes(&read(script)?).1;
        }
    }
    let manifest = describe(
        &out.path,
        ManifestInputs {
            key: &key,
            toolchain: &toolchain,
            source: &source_facts,
            source_date_epoch,
            run: &run,
            boot,
            selftest,
            libc: libc.map(|libc| libc.facts),
            busybox: busybox.map(|busybox| busybox.facts),
            busybox_testsuite,
            processes,
            wasm,
            userland,
            download_brotli_bytes,
        },
    )?;
    let manifest_path = out.path.join(MANIFEST_FILE);
    cache::write_atomically(&manifest_path, manifest.to_json().as_bytes())?;
    out.persist(&dirs.entry(&key))?;
    cache::mark_used(dirs, &key)?;
    cache::write_last(dirs, &key)?;
    for removed in cache::prune(dirs, &key)? {
        report::status!("demo build: removed the older cache entry {removed}");
    }
    if demo_build_inputs_sha256(&demo_build)? != demo_build_sha256 {
        report::warning!(
            "demo build: warning: {} changed during the build, so the next build will not find this one in the cache; build-kernel.sh must write only to its --work and --out directories",
            demo_build.display()
        );
    }
    drop(lock);
    report::status!(
        "demo build: Linux {} ready in {} (boot.wasm {} bytes, {} with Brotli)",
        manifest.kernel_version,
        dirs.entry(&key).display(),
        manifest.wasm_bytes,
        manifest.wasm_brotli_bytes
    );
    Ok(DemoArtifacts::from_entry(dirs, manifest))
}

/// `bash demo-build/build-kernel.sh` as the kernel port's contract describes it.
fn script_command(
    script: &Path,
    source: &Path,
    dirs: &DemoDirs,
    out: &Path,
    source_date_epoch: u64,
    tool_path: &std::ffi::OsStr,
    lock: &BuildLock,
) -> Result<Command, DemoError> {
    let jobs = jobs()?.to_string();
    let work = std::path::absolute(dirs.work()).map_err(DemoError::io("resolve", dirs.work()))?;
    let mut command = Command::new("bash");
    command
        .arg(script)
        .arg("--source")
        .arg(source)
        .arg("--work")
        .arg(work)
        .arg("--out")
        .arg(out)
        .arg("--jobs")
        .arg(&jobs)
        .current_dir(script.parent().and_then(Path::parent).expect("the script is in <site root>/demo-build/"))
        .env("PATH", tool_path)
        .env("SOURCE_DATE_EPOCH", source_date_epoch.to_string())
        .envs(BUILD_ENVIRONMENT.iter().copied())
        .env("JOBS", &jobs)
        .stdin(lock.child_stdin()?);
    // Debian's emcc finds its node modules only through NODE_PATH.
    if std::env::var_os("NODE_PATH").is_none() && Path::new("/usr/share/nodejs").is_dir() {
        command.env("NODE_PATH", "/usr/share/nodejs");
    }
    Ok(command)
}

/// Boots the build in `dir` once, keeping its console in `boot_log`.
fn check_boot(dir: &Path, boot_log: &Path, tool_path: &std::ffi::OsStr, key: &str) -> Result<BootFacts, DemoError> {
    let node = toolchain::find_program("node", tool_path).expect("the toolchain check found node");
    let timeout = boot_timeout()?;
    let limit = timeout.map_or("no time limit".to_owned(), |timeout| format!("timeout {}s", timeout.as_secs_f64()));
    report::status!("demo build: booting the kernel under node to check it ({limit})");
    let booted = boot::boot(&node, dir, timeout, tool_path)?;
    let console: String = booted.console.iter().flat_map(|line| [line.as_str(), "\n"]).collect();
    std::fs::write(boot_log, console).map_err(DemoError::io("write", boot_log))?;
    if !booted.succeeded() {
        let skip = booted.console.len().saturating_sub(runner::FAILURE_TAIL_LINES);
        return Err(DemoError::BootFailed {
            outcome: booted.outcome(),
            log: boot_log.to_owned(),
            tail: booted.console[skip..].join("\n"),
        });
    }
    Ok(booted.facts(key))
}

/// Runs the kernel's self-test suite when the build ships one (the real
/// port always does), keeping its output in `log`.
fn run_selftest(dir: &Path, log: &Path, tool_path: &std::ffi::OsStr) -> Result<Option<SelftestFacts>, DemoError> {
    if !dir.join(SELFTEST_SCRIPT).is_file() {
        return Ok(None);
    }
    let node = toolchain::find_program("node", tool_path).expect("the toolchain check found node");
    report::status!("demo build: running the kernel's self-test suite under node");
    let facts = selftest::run(&node, dir, log, boot_timeout()?, tool_path)?;
    report::status!("demo build: self-test: {} passed, {} failed", facts.passed, facts.failed);
    Ok(Some(facts))
}

/// Runs BusyBox's testsuite in the kernel (see `testsuite.rs`), keeping its output in `log`.
fn run_busybox_testsuite(
    script: &Path,
    dir: &Path,
    busybox_dir: &Path,
    log: &Path,
    tool_path: &std::ffi::OsStr,
) -> Result<(TestsuiteFacts, ProcessFigures), DemoError> {
    let node = toolchain::find_program("node", tool_path).expect("the toolchain check found node");
    report::status!("demo build: running BusyBox's testsuite in the kernel under node (output in {})", log.display());
    let (facts, figures) = testsuite::run(&node, script, dir, busybox_dir, log, tool_path)?;
    report::status!(
        "demo build: BusyBox testsuite: {} passed, {} failed, {} skipped ({}% of the cases run passed)",
        facts.passed,
        facts.failed,
        facts.skipped,
        facts.passed_percent
    );
    Ok((facts, figures))
}

struct ManifestInputs<'a> {
    key: &'a str,
    toolchain: &'a toolchain::Toolchain,
    source: &'a source::SourceFacts,
    source_date_epoch: u64,
    run: &'a runner::ScriptRun,
    boot: BootFacts,
    selftest: Option<SelftestFacts>,
    libc: Option<LibcFacts>,
    busybox: Option<BusyboxFacts>,
    busybox_testsuite: Option<TestsuiteFacts>,
    processes: Option<ProcessFigures>,
    wasm: FileSizes,
    userland: Option<FileSizes>,
    download_brotli_bytes: u64,
}

/// A file's size, raw and compressed as a host would serve it.
struct FileSizes {
    bytes: u64,
    gzip: u64,
    brotli: u64,
}

impl FileSizes {
    fn measure(bytes: &[u8]) -> Self {
        let (gzip, brotli) = manifest::compressed_sizes(bytes);
        FileSizes { bytes: bytes.len() as u64, gzip, brotli }
    }
}

/// Measures the artefacts in `dir` and assembles the manifest.
fn describe(dir: &Path, inputs: ManifestInputs<'_>) -> Result<Manifest, DemoError> {
    let mut files = fingerprint::list_files(dir)?;
    files.remove(MANIFEST_FILE);
    let read_text = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map(|text| text.trim().to_owned()).map_err(DemoError::io("read", path))
    };
    let progress = &inputs.run.progress;
    Ok(Manifest {
        boot: inputs.boot,
        busybox: inputs.busybox,
        busybox_testsuite: inputs.busybox_testsuite,
        build_seconds: (inputs.run.elapsed.as_secs_f64() * 10.0).round() / 10.0,
        cache_key: inputs.key.to_owned(),
        compile_units: progress.total.unwrap_or(progress.compiled),
        config_sha256: sha256_file(&dir.join("config.txt"))?,
        download_brotli_bytes: Some(inputs.download_brotli_bytes),
        js_bytes: page_script_bytes(&files),
        files,
        files_compiled: progress.compiled,
        kernel_version: read_text("kernel-release.txt")?,
        libc: inputs.libc,
        manifest_version: manifest::MANIFEST_VERSION,
        node_version: inputs.toolchain.node_version.clone(),
        processes: inputs.processes,
        selftest: inputs.selftest,
        source_date_epoch: inputs.source_date_epoch,
        source_file: inputs.source.file_name.clone(),
        source_sha256: inputs.source.sha256.clone(),
        source_version: inputs.source.version.clone(),
        toolchain: inputs.toolchain.emcc_version_line.clone(),
        userland: inputs.userland.map(|sizes| UserlandFacts {
            cpio_brotli_bytes: sizes.brotli,
            cpio_bytes: sizes.bytes,
            cpio_gzip_bytes: sizes.gzip,
        }),
        wasm_brotli_bytes: inputs.wasm.brotli,
        wasm_bytes: inputs.wasm.bytes,
        wasm_gzip_bytes: inputs.wasm.gzip,
    })
}

/// The production module's scripts, which a page downloads with `boot.wasm`
/// (`boot.js`, `boot.worker.js`); the self-test module (`selftest.js` and its
/// files) is published for node and tests, never loaded by a page.
fn page_script_bytes(files: &std::collections::BTreeMap<String, u64>) -> u64 {
    files.iter().filter(|(name, _)| name.starts_with("boot.") && name.ends_with(".js")).map(|(_, bytes)| bytes).sum()
}

/// A build's output directory, removed on drop unless it was renamed into the cache.
struct TemporaryEntry {
    path: PathBuf,
    persisted: bool,
}

impl TemporaryEntry {
    fn create(path: PathBuf) -> Result<Self, DemoError> {
        std::fs::create_dir(&path).map_err(DemoError::io("create", &path))?;
        Ok(TemporaryEntry { path, persisted: false })
    }

    fn persist(mut self, entry: &Path) -> Result<(), DemoError> {
        std::fs::rename(&self.path, entry).map_err(DemoError::io("move the finished build into", entry))?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TemporaryEntry {
    fn drop(&mut self) {
        if !self.persisted {
            // If this fails the next build removes it (see cache::remove_interrupted_builds).
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The environment variable `name` parsed, `None` when it is unset or empty,
/// or an error saying what was `expected` when it fails to parse or `accept`.
fn environment_value<T: std::str::FromStr>(
    name: &'static str,
    expected: &'static str,
    accept: impl Fn(&T) -> bool,
) -> Result<Option<T>, DemoError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => match value.trim().parse::<T>() {
            Ok(parsed) if accept(&parsed) => Ok(Some(parsed)),
            _ => Err(DemoError::BadEnvironment { name, value, expected }),
        },
        _ => Ok(None),
    }
}

fn source_date_epoch() -> Result<u64, DemoError> {
    Ok(environment_value("SOURCE_DATE_EPOCH", "a whole number of seconds since 1970", |_: &u64| true)?
        .unwrap_or(DEFAULT_SOURCE_DATE_EPOCH))
}

/// The hash of `demo-build/` that keys the kernel's cache entry: every file
/// the build can read, which is all but its documentation (`*.md`, which no
/// build script reads), so that editing the README does not rebuild the kernel.
fn demo_build_inputs_sha256(demo_build: &Path) -> Result<String, DemoError> {
    hash_tree_where(demo_build, TreeHashDepth::Contents, is_build_input)
}

/// Whether a file under `demo-build/` can be read by a build: every file but
/// the documentation (`*.md`: READMEs, the BusyBox testsuite's list of
/// expected failures, which only the test suite reads). The kernel's key and
/// the user-space parts' keys leave the same files out.
pub(crate) fn is_build_input(relative: &Path) -> bool {
    relative.extension().is_none_or(|extension| extension != "md")
}

fn jobs() -> Result<u64, DemoError> {
    let available = std::thread::available_parallelism().map_or(1, |count| count.get() as u64);
    Ok(environment_value("JOBS", "a positive number of parallel jobs", |jobs: &u64| *jobs > 0)?.unwrap_or(available))
}

/// `LKLJS_BOOT_TIMEOUT_SECONDS` as the kernel port's contract reads it:
/// fractions allowed, 0 for no limit.
fn boot_timeout() -> Result<Option<Duration>, DemoError> {
    let seconds =
        environment_value("LKLJS_BOOT_TIMEOUT_SECONDS", "a number of seconds (0 for no limit)", |seconds: &f64| {
            seconds.is_finite() && *seconds >= 0.0
        })?;
    Ok(match seconds {
        None => Some(boot::DEFAULT_BOOT_TIMEOUT),
        Some(0.0) => None,
        Some(seconds) => Some(Duration::from_secs_f64(seconds)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_key_takes_every_build_input_but_not_the_documentation() {
        let dir = tempfile::tempdir().unwrap();
        let demo_build = dir.path();
        std::fs::create_dir(demo_build.join("host")).unwrap();
        std::fs::write(demo_build.join("build-kernel.sh"), "echo build\n").unwrap();
        std::fs::write(demo_build.join("host/host.c"), "int x;\n").unwrap();
        std::fs::write(demo_build.join("README.md"), "one\n").unwrap();
        let base = demo_build_inputs_sha256(demo_build).unwrap();

        std::fs::write(demo_build.join("README.md"), "two\n").unwrap();
        assert_eq!(demo_build_inputs_sha256(demo_build).unwrap(), base);
        std::fs::write(demo_build.join("host/host.c"), "int y;\n").unwrap();
        let changed_source = demo_build_inputs_sha256(demo_build).unwrap();
        assert_ne!(changed_source, base);
        std::fs::write(demo_build.join("host/lkljs-api.js"), "\n").unwrap();
        assert_ne!(demo_build_inputs_sha256(demo_build).unwrap(), changed_source);
    }

    /// A build script run by hand must build what the generator builds.
    #[test]
    fn the_build_scripts_have_the_same_source_date_epoch_default() {
        let default = format!("SOURCE_DATE_EPOCH=${{SOURCE_DATE_EPOCH:-{DEFAULT_SOURCE_DATE_EPOCH}}}");
        for (name, script) in [
            ("build-kernel.sh", include_str!("../../demo-build/build-kernel.sh")),
            ("build-libc.sh", include_str!("../../demo-build/build-libc.sh")),
            ("build-busybox.sh", include_str!("../../demo-build/build-busybox.sh")),
        ] {
            assert!(script.contains(&default), "demo-build/{name} must default to `{default}`");
        }
    }

    #[test]
    fn the_page_scripts_are_the_production_module_s_only() {
        let files = std::collections::BTreeMap::from(
            [
                ("boot.js", 100),
                ("boot.wasm", 9000),
                ("boot.worker.js", 3),
                ("selftest.js", 200),
                ("selftest.worker.js", 3),
            ]
            .map(|(name, bytes)| (name.to_owned(), bytes)),
        );
        assert_eq!(page_script_bytes(&files), 103);
    }
}

//! The C library of the kernel's user programs: Debian's musl ported to the
//! lkljs user ABI, built by `demo-build/build-libc.sh` before the kernel
//! (whose build may compile user programs with it) and cached apart from it,
//! so that an edit to the kernel port does not rebuild the libc.
//!
//! The step runs when the port ships `build-libc.sh`:
//!
//! ```text
//! bash demo-build/build-libc.sh --kernel-source S --work target/demo/work/libc --out O --jobs N
//! ```
//!
//! Its key hashes the kernel source (the system call numbers come from its
//! unistd headers), every input of the script ([`LIBC_INPUTS`]), the first
//! line of `emcc --version` (Debian's emscripten pins clang 14 and ships the
//! compiler-rt sources), `SOURCE_DATE_EPOCH` and the fixed build environment.
//! Entries live in `target/demo/libc/<key>/` beside the kernel's cache, made
//! the same way: a temporary directory renamed into place once the script
//! succeeded and [`LIBC_REQUIRED_FILES`] are there, described by
//! `libc.json` (facts and every file's size, checked on each reuse). The
//! script's log is `target/demo/logs/libc-<key>.log`; its work directory
//! keeps the downloaded source package, so a rebuild does not download it.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::cache::{self, BuildLock, DemoDirs};
use super::error::DemoError;
use super::fingerprint::{FieldHasher, TreeHashDepth, hash_tree, sha256_file};
use super::manifest::compressed_sizes;
use super::{BUILD_ENVIRONMENT, TemporaryEntry, runner};
use crate::report;

/// The libc's build script, under `demo-build/`; the step runs only when it exists.
pub const LIBC_SCRIPT: &str = "build-libc.sh";
/// Everything under `demo-build/` that the libc's build reads.
pub const LIBC_INPUTS: &[&str] = &[LIBC_SCRIPT, "syscall-numbers.sh", "libc", "arch/lkljs/include/uapi"];
/// What the script promises in its `--out` directory.
pub const LIBC_REQUIRED_FILES: &[&str] = &[
    "bin/lkljs-cc",
    "include/bits/syscall.h",
    "include/stdio.h",
    "lib/crt1.o",
    "lib/libc.a",
    "lib/libcompiler_rt.a",
    "musl-version.txt",
    "tests/hello.wasm",
];
/// The description of a libc cache entry.
pub const LIBC_ENTRY_FILE: &str = "libc.json";
/// Bumped whenever the way the libc is built or described changes.
const LIBC_CACHE_FORMAT: &str = "lkljs libc cache v1";

/// The figures of one libc build, which the kernel's manifest carries.
/// Fields in alphabetical order, as in the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LibcFacts {
    /// Wall-clock seconds of the script run that made the entry.
    pub build_seconds: f64,
    pub cache_key: String,
    /// `lib/libcompiler_rt.a`.
    pub compiler_rt_bytes: u64,
    /// The check program `tests/hello.wasm` compressed by Brotli at quality 11.
    pub hello_wasm_brotli_bytes: u64,
    pub hello_wasm_bytes: u64,
    /// `lib/libc.a`.
    pub libc_a_bytes: u64,
    /// `musl-version.txt`, e.g. `musl 1.2.3-1 (Debian source package musl)`.
    pub musl_version: String,
}

#[derive(Serialize, Deserialize)]
struct LibcEntry {
    facts: LibcFacts,
    /// Every file of the entry except `libc.json`, with its size in bytes.
    files: BTreeMap<String, u64>,
}

/// A built libc in the cache: `dir` is its sysroot (`include/`, `lib/`,
/// `bin/lkljs-cc`).
#[derive(Clone, Debug)]
pub struct LibcBuild {
    pub dir: PathBuf,
    pub facts: LibcFacts,
}

/// What the libc's build depends on outside `demo-build/`.
pub(super) struct LibcInputs<'a> {
    pub site_root: &'a Path,
    pub kernel_source: &'a Path,
    pub kernel_source_sha256: &'a str,
    pub emcc_version_line: &'a str,
    pub source_date_epoch: u64,
    pub tool_path: &'a OsStr,
    pub jobs: u64,
}

/// Returns the cached libc for these inputs, building it first if needed,
/// under the libc's own lock (which the script inherits, as the kernel's
/// script does the demo lock).
pub(super) fn build_or_reuse(inputs: &LibcInputs<'_>, dirs: &DemoDirs) -> Result<LibcBuild, DemoError> {
    let lock = BuildLock::acquire_libc(dirs, |path| {
        report::status!("demo build: waiting for another libc build to finish (it holds {})", path.display());
    })?;
    for leftover in cache::remove_interrupted_in(&dirs.libc_cache())? {
        report::status!("demo build: removed {}, left by an interrupted libc build", leftover.display());
    }
    let demo_build = inputs.site_root.join("demo-build");
    let key = key(inputs, &demo_build)?;
    let entry = dirs.libc_entry(&key);
    match load_entry(&entry) {
        Ok(facts) => {
            cache::mark_used_dir(&entry)?;
            report::status!("demo build: libc up to date ({}, {})", facts.musl_version, entry.display());
            return Ok(LibcBuild { dir: entry, facts });
        }
        Err(None) => {}
        Err(Some(why)) => {
            report::warning!("demo build: rebuilding the damaged libc cache entry {key}: {why}");
            std::fs::remove_dir_all(&entry).map_err(DemoError::io("remove the damaged cache entry", &entry))?;
        }
    }

    let out = TemporaryEntry::create(dirs.libc_temporary_entry(&key))?;
    let log = dirs.libc_log(&key);
    let work = std::path::absolute(dirs.libc_work()).map_err(DemoError::io("resolve", dirs.libc_work()))?;
    std::fs::create_dir_all(&work).map_err(DemoError::io("create", &work))?;
    let mut command = Command::new("bash");
    command
        .arg(demo_build.join(LIBC_SCRIPT))
        .arg("--kernel-source")
        .arg(inputs.kernel_source)
        .arg("--work")
        .arg(&work)
        .arg("--out")
        .arg(&out.path)
        .arg("--jobs")
        .arg(inputs.jobs.to_string())
        .current_dir(inputs.site_root)
        .env("PATH", inputs.tool_path)
        .env("SOURCE_DATE_EPOCH", inputs.source_date_epoch.to_string())
        .envs(BUILD_ENVIRONMENT.iter().copied())
        .stdin(lock.child_stdin()?);
    let run = runner::run_script(command, &log)?;
    if !run.status.success() {
        return Err(DemoError::LibcBuildFailed {
            status: run.status.to_string(),
            step: run.progress.step,
            log,
            tail: run.tail.join("\n"),
        });
    }
    if let Some(missing) = LIBC_REQUIRED_FILES.iter().find(|name| !out.path.join(name).is_file()) {
        return Err(DemoError::LibcMissingFile { file: (*missing).to_owned(), log });
    }

    let files = super::fingerprint::list_files(&out.path)?;
    let hello_path = out.path.join("tests/hello.wasm");
    let hello = std::fs::read(&hello_path).map_err(DemoError::io("read", &hello_path))?;
    let version_path = out.path.join("musl-version.txt");
    let facts = LibcFacts {
        build_seconds: (run.elapsed.as_secs_f64() * 10.0).round() / 10.0,
        cache_key: key.clone(),
        compiler_rt_bytes: files["lib/libcompiler_rt.a"],
        hello_wasm_brotli_bytes: compressed_sizes(&hello).1,
        hello_wasm_bytes: hello.len() as u64,
        libc_a_bytes: files["lib/libc.a"],
        musl_version: std::fs::read_to_string(&version_path)
            .map_err(DemoError::io("read", &version_path))?
            .trim()
            .to_owned(),
    };
    let description = serde_json::to_string_pretty(&LibcEntry { facts: facts.clone(), files })
        .expect("a libc entry serialises")
        + "\n";
    cache::write_atomically(&out.path.join(LIBC_ENTRY_FILE), description.as_bytes())?;
    out.persist(&entry)?;
    cache::mark_used_dir(&entry)?;
    for removed in cache::prune_entries(&dirs.libc_cache(), &key, |key| vec![dirs.libc_log(key)])? {
        report::status!("demo build: removed the older libc cache entry {removed}");
    }
    // Only now, with the entry in place: a build waiting for the lock
    // removes every temporary directory it finds as interrupted.
    drop(lock);
    report::status!(
        "demo build: libc ready in {} (libc.a {} bytes; hello.wasm {} bytes, {} with Brotli)",
        entry.display(),
        facts.libc_a_bytes,
        facts.hello_wasm_bytes,
        facts.hello_wasm_brotli_bytes
    );
    Ok(LibcBuild { dir: entry, facts })
}

/// 16 hex digits of a SHA-256 over every input (see the module documentation).
fn key(inputs: &LibcInputs<'_>, demo_build: &Path) -> Result<String, DemoError> {
    let mut hasher = FieldHasher::new(LIBC_CACHE_FORMAT);
    hasher
        .field("kernel source", inputs.kernel_source_sha256.as_bytes())
        .field("emcc", inputs.emcc_version_line.as_bytes())
        .field("SOURCE_DATE_EPOCH", inputs.source_date_epoch.to_string().as_bytes());
    for input in LIBC_INPUTS {
        let path = demo_build.join(input);
        let hash = if path.is_dir() { hash_tree(&path, TreeHashDepth::Contents)? } else { sha256_file(&path)? };
        hasher.field(input, hash.as_bytes());
    }
    for (name, value) in BUILD_ENVIRONMENT {
        hasher.field(name, value.as_bytes());
    }
    let mut key = hasher.finish();
    key.truncate(16);
    Ok(key)
}

/// The facts of the entry at `entry` after checking its files' sizes;
/// `Err(None)` when there is no entry, `Err(Some(why))` when it is damaged.
fn load_entry(entry: &Path) -> Result<LibcFacts, Option<String>> {
    if !entry.is_dir() {
        return Err(None);
    }
    let description = entry.join(LIBC_ENTRY_FILE);
    let bytes = std::fs::read(&description).map_err(|error| Some(format!("{}: {error}", description.display())))?;
    let LibcEntry { facts, files } =
        serde_json::from_slice(&bytes).map_err(|error| Some(format!("{}: {error}", description.display())))?;
    for (name, &bytes) in &files {
        let path = entry.join(name);
        match path.metadata() {
            Ok(metadata) if metadata.len() == bytes => {}
            Ok(metadata) => return Err(Some(format!("{} has {} bytes, not {bytes}", path.display(), metadata.len()))),
            Err(error) => return Err(Some(format!("{}: {error}", path.display()))),
        }
    }
    Ok(facts)
}

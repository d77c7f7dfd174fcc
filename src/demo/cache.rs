//! The demo cache under `<site root>/target/demo/`: its layout, key, lock,
//! `last` pointer and pruning, as described in the [`super`] module documentation.

use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use super::error::DemoError;
use super::fingerprint::FieldHasher;
use super::manifest::{MANIFEST_FILE, Manifest, read_manifest};

/// Bumped whenever the way a build is run or described changes, so that
/// entries made by an older `lkljs-site` are not reused.
const CACHE_FORMAT: &str = "lkljs demo cache v1";
const TEMPORARY_PREFIX: &str = ".tmp-";
/// How many builds the cache keeps: enough to switch between a few versions
/// of `demo-build/` without a rebuild, few enough to bound `target/demo/`.
pub const KEPT_ENTRIES: usize = 3;

/// The directories and files of the demo cache (see the module documentation).
#[derive(Clone, Debug)]
pub struct DemoDirs {
    pub root: PathBuf,
}

impl DemoDirs {
    pub fn new(site_root: &Path) -> Self {
        DemoDirs { root: site_root.join("target").join("demo") }
    }
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }
    pub fn entry(&self, key: &str) -> PathBuf {
        self.cache().join(key)
    }
    pub fn temporary_entry(&self, key: &str) -> PathBuf {
        self.cache().join(format!("{TEMPORARY_PREFIX}{key}-{}", std::process::id()))
    }
    pub fn work(&self) -> PathBuf {
        self.root.join("work")
    }
    /// The entries of the user-space part `name` (see [`super::component`]),
    /// apart from the kernel's.
    pub fn component_cache(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
    pub fn component_entry(&self, name: &str, key: &str) -> PathBuf {
        self.component_cache(name).join(key)
    }
    pub fn component_temporary_entry(&self, name: &str, key: &str) -> PathBuf {
        self.component_cache(name).join(format!("{TEMPORARY_PREFIX}{key}-{}", std::process::id()))
    }
    /// The part's script's scratch directory, inside the kernel's.
    pub fn component_work(&self, name: &str) -> PathBuf {
        self.work().join(name)
    }
    pub fn component_log(&self, name: &str, key: &str) -> PathBuf {
        self.logs().join(format!("{name}-{key}.log"))
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    pub fn build_log(&self, key: &str) -> PathBuf {
        self.logs().join(format!("build-{key}.log"))
    }
    pub fn boot_log(&self, key: &str) -> PathBuf {
        self.logs().join(format!("boot-{key}.log"))
    }
    pub fn selftest_log(&self, key: &str) -> PathBuf {
        self.logs().join(format!("selftest-{key}.log"))
    }
    pub fn testsuite_log(&self, key: &str) -> PathBuf {
        self.logs().join(format!("testsuite-{key}.log"))
    }
    pub fn last_pointer(&self) -> PathBuf {
        self.root.join("last")
    }
    pub fn source_memo(&self) -> PathBuf {
        self.root.join("source-fingerprint.json")
    }
    fn lock_file(&self) -> PathBuf {
        self.root.join("lock")
    }
    /// A user-space part's own lock, so that building or checking it never
    /// waits for a kernel build (which takes it, after its own, for that part).
    fn component_lock_file(&self, name: &str) -> PathBuf {
        self.root.join(format!("{name}.lock"))
    }

    pub fn create(&self) -> Result<(), DemoError> {
        for dir in [self.cache(), self.work(), self.logs()] {
            fs::create_dir_all(&dir).map_err(DemoError::io("create", &dir))?;
        }
        Ok(())
    }
}

/// Everything a demo build's result depends on.
pub struct CacheKeyInputs<'a> {
    pub source_sha256: &'a str,
    /// The hash of `demo-build/` by contents, its documentation left out (`demo_build_inputs_sha256`).
    pub demo_build_sha256: &'a str,
    /// The first line of `emcc --version`.
    pub emcc_version_line: &'a str,
    pub source_date_epoch: u64,
    /// Environment variables and arguments fixed by this step that reach the build.
    pub build_options: &'a [(&'a str, &'a str)],
}

impl CacheKeyInputs<'_> {
    /// 16 hex digits (64 bits) of a SHA-256 over every input.
    pub fn key(&self) -> String {
        let mut hasher = FieldHasher::new(CACHE_FORMAT);
        hasher
            .field("source", self.source_sha256.as_bytes())
            .field("demo-build", self.demo_build_sha256.as_bytes())
            .field("emcc", self.emcc_version_line.as_bytes())
            .field("SOURCE_DATE_EPOCH", self.source_date_epoch.to_string().as_bytes());
        for (name, value) in self.build_options {
            hasher.field(name, value.as_bytes());
        }
        let mut key = hasher.finish();
        key.truncate(16);
        key
    }
}

/// Exclusive use of the cache and of the shared `work/` directory.
///
/// The lock is an `flock` on `target/demo/lock`, which the kernel releases
/// when every descriptor of it is closed. The build script is handed one as
/// its standard input (see [`BuildLock::child_stdin`]), so that if
/// `lkljs-site` itself is killed, a script still running on keeps the lock
/// and no second build can start in the same `work/` until it ends.
pub struct BuildLock {
    file: File,
}

impl BuildLock {
    /// Takes the lock, calling `on_wait` first if another build holds it.
    pub fn acquire(dirs: &DemoDirs, on_wait: impl FnOnce(&Path)) -> Result<BuildLock, DemoError> {
        Self::acquire_file(dirs.lock_file(), on_wait)
    }

    /// Takes the lock of the user-space part `name` (`target/demo/<name>.lock`),
    /// which guards its cache and work directory. A kernel build takes it after its own.
    pub fn acquire_component(dirs: &DemoDirs, name: &str, on_wait: impl FnOnce(&Path)) -> Result<BuildLock, DemoError> {
        Self::acquire_file(dirs.component_lock_file(name), on_wait)
    }

    fn acquire_file(path: PathBuf, on_wait: impl FnOnce(&Path)) -> Result<BuildLock, DemoError> {
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(DemoError::io("open the lock file", &path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                on_wait(&path);
                file.lock().map_err(DemoError::io("lock", &path))?;
            }
            Err(TryLockError::Error(source)) => return Err(DemoError::Io { action: "lock", path, source }),
        }
        Ok(BuildLock { file })
    }

    /// A duplicate of the locked descriptor, as standard input of the build
    /// script. The lock file is empty, so a script that reads its input sees
    /// end-of-file at once instead of waiting on the terminal.
    pub fn child_stdin(&self) -> Result<Stdio, DemoError> {
        let duplicate = self.file.try_clone().map_err(DemoError::io("duplicate", "target/demo/lock"))?;
        Ok(Stdio::from(duplicate))
    }
}

/// Writes `bytes` to a sibling temporary file, flushes it to disk and renames
/// it over `path`, so that readers see the old contents or the new, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".tmp-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let mut file = File::create(&temporary).map_err(DemoError::io("create", &temporary))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(DemoError::io("write", &temporary))?;
    fs::rename(&temporary, path).map_err(DemoError::io("rename into place", path))
}

/// Removes the temporary directories of kernel builds that were interrupted.
/// Only called with the [`BuildLock`] held, so none of them belongs to a live build.
pub fn remove_interrupted_builds(dirs: &DemoDirs) -> Result<Vec<PathBuf>, DemoError> {
    remove_interrupted_in(&dirs.cache())
}

/// Removes the temporary directories left in the cache directory `cache`;
/// only called with the lock that guards it held.
pub fn remove_interrupted_in(cache: &Path) -> Result<Vec<PathBuf>, DemoError> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(cache).map_err(DemoError::io("list", cache))? {
        let entry = entry.map_err(DemoError::io("list", cache))?;
        if entry.file_name().to_string_lossy().starts_with(TEMPORARY_PREFIX) {
            let path = entry.path();
            fs::remove_dir_all(&path).map_err(DemoError::io("remove the interrupted build", &path))?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Records that the entry `key` was just used, for [`prune`]: its directory's
/// modification time is its last use.
pub fn mark_used(dirs: &DemoDirs, key: &str) -> Result<(), DemoError> {
    mark_used_dir(&dirs.entry(key))
}

/// [`mark_used`] for an entry of any of the caches.
pub fn mark_used_dir(entry: &Path) -> Result<(), DemoError> {
    File::open(entry)
        .and_then(|directory| directory.set_modified(std::time::SystemTime::now()))
        .map_err(DemoError::io("record the use of", entry))
}

/// Removes all but the [`KEPT_ENTRIES`] most recently used kernel entries,
/// with their logs, never removing `keep`. Returns the keys removed.
pub fn prune(dirs: &DemoDirs, keep: &str) -> Result<Vec<String>, DemoError> {
    prune_entries(&dirs.cache(), keep, |key| {
        vec![dirs.build_log(key), dirs.boot_log(key), dirs.selftest_log(key), dirs.testsuite_log(key)]
    })
}

/// Removes all but the [`KEPT_ENTRIES`] most recently used entries of the
/// cache directory `cache`, with the files `logs_of` names for each, never
/// removing `keep`. Returns the keys removed.
pub fn prune_entries(
    cache: &Path,
    keep: &str,
    logs_of: impl Fn(&str) -> Vec<PathBuf>,
) -> Result<Vec<String>, DemoError> {
    let cache = cache.to_owned();
    let mut entries = Vec::new();
    for entry in fs::read_dir(&cache).map_err(DemoError::io("list", &cache))? {
        let entry = entry.map_err(DemoError::io("list", &cache))?;
        let key = entry.file_name().to_string_lossy().into_owned();
        if key.starts_with(TEMPORARY_PREFIX) || key == keep {
            continue;
        }
        let used = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .map_err(DemoError::io("read the metadata of", entry.path()))?;
        entries.push((used, key));
    }
    // Newest first; the name breaks ties so that the order never depends on the listing.
    entries.sort_by(|a, b| b.cmp(a));
    let stale: Vec<String> = entries.into_iter().skip(KEPT_ENTRIES.saturating_sub(1)).map(|(_, key)| key).collect();
    for key in &stale {
        let entry = cache.join(key);
        fs::remove_dir_all(&entry).map_err(DemoError::io("remove the old cache entry", &entry))?;
        for log in logs_of(key) {
            // A log may never have been written (a hit never writes one).
            let _ = fs::remove_file(log);
        }
    }
    Ok(stale)
}

/// The key in `target/demo/last`, if there is one.
pub fn read_last(dirs: &DemoDirs) -> Option<String> {
    let text = fs::read_to_string(dirs.last_pointer()).ok()?;
    let key = text.trim();
    (!key.is_empty() && key.bytes().all(|byte| byte.is_ascii_hexdigit())).then(|| key.to_owned())
}

pub fn write_last(dirs: &DemoDirs, key: &str) -> Result<(), DemoError> {
    write_atomically(&dirs.last_pointer(), format!("{key}\n").as_bytes())
}

/// Why a cache entry cannot be used.
#[derive(Debug)]
pub enum EntryProblem {
    Absent,
    /// Present but damaged after it was made (its manifest or a file is gone or
    /// has changed size); the message says what.
    Damaged(String),
}

/// The manifest of the entry `key`, after checking that every file it lists is
/// there with the recorded size.
pub fn load_entry(dirs: &DemoDirs, key: &str) -> Result<Manifest, EntryProblem> {
    let entry = dirs.entry(key);
    if !entry.is_dir() {
        return Err(EntryProblem::Absent);
    }
    let manifest =
        read_manifest(&entry.join(MANIFEST_FILE)).map_err(|error| EntryProblem::Damaged(error.to_string()))?;
    for (name, &bytes) in &manifest.files {
        let path = entry.join(name);
        match path.metadata() {
            Ok(metadata) if metadata.len() == bytes => {}
            Ok(metadata) => {
                return Err(EntryProblem::Damaged(format!(
                    "{} has {} bytes, not {bytes}",
                    path.display(),
                    metadata.len()
                )));
            }
            Err(error) => return Err(EntryProblem::Damaged(format!("{}: {error}", path.display()))),
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(emcc: &'a str, demo_build: &'a str, options: &'a [(&'a str, &'a str)]) -> CacheKeyInputs<'a> {
        CacheKeyInputs {
            source_sha256: "cacdc383",
            demo_build_sha256: demo_build,
            emcc_version_line: emcc,
            source_date_epoch: 1_670_716_800,
            build_options: options,
        }
    }

    const EMCC: &str = "emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 3.1.6 ()";

    #[test]
    fn same_inputs_give_the_same_key() {
        let options = [("KBUILD_BUILD_USER", "lkljs")];
        let key = inputs(EMCC, "aa", &options).key();
        assert_eq!(key, inputs(EMCC, "aa", &options).key());
        assert_eq!(key.len(), 16);
        assert!(key.bytes().all(|byte| byte.is_ascii_hexdigit()));
    }

    #[test]
    fn every_input_changes_the_key() {
        let options = [("KBUILD_BUILD_USER", "lkljs")];
        let base = inputs(EMCC, "aa", &options);
        let key = base.key();
        assert_ne!(key, inputs(&EMCC.replace("3.1.6", "3.1.7"), "aa", &options).key());
        assert_ne!(key, inputs(EMCC, "ab", &options).key());
        assert_ne!(key, CacheKeyInputs { source_sha256: "other", ..inputs(EMCC, "aa", &options) }.key());
        assert_ne!(key, CacheKeyInputs { source_date_epoch: 1, ..inputs(EMCC, "aa", &options) }.key());
        assert_ne!(key, inputs(EMCC, "aa", &[("KBUILD_BUILD_USER", "other")]).key());
        assert_ne!(key, inputs(EMCC, "aa", &[]).key());
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("last");
        write_atomically(&path, b"one\n").unwrap();
        write_atomically(&path, b"two\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn last_pointer_round_trips_and_rejects_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = DemoDirs { root: dir.path().to_owned() };
        assert_eq!(read_last(&dirs), None);
        write_last(&dirs, "0123456789abcdef").unwrap();
        assert_eq!(read_last(&dirs).as_deref(), Some("0123456789abcdef"));
        fs::write(dirs.last_pointer(), "../../etc\n").unwrap();
        assert_eq!(read_last(&dirs), None);
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = DemoDirs { root: dir.path().to_owned() };
        let first = BuildLock::acquire(&dirs, |_| panic!("nobody holds it yet")).unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            BuildLock::acquire(&dirs, |_| sender.send(()).unwrap()).unwrap();
        });
        receiver.recv().expect("the second acquire reports that it waits");
        drop(first);
        waiter.join().unwrap();
    }
}

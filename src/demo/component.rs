//! The user-space parts that the demo step builds before the kernel (the
//! libc, then BusyBox with it), each by its own script under `demo-build/`
//! and cached apart from the kernel, so that an edit to the kernel port
//! rebuilds neither.
//!
//! Every part is cached the same way, under its [`Component::name`]:
//! - its key hashes the inputs the part names (`key_fields`: e.g. the kernel
//!   source's SHA-256, the first line of `emcc --version`, the libc's key),
//!   every input of its script ([`Component::inputs`], under `demo-build/`),
//!   `SOURCE_DATE_EPOCH` and the fixed build environment;
//! - entries live in `target/demo/<name>/<key>/`, made as the kernel's are: a
//!   temporary directory renamed into place once the script succeeded and
//!   [`Component::required_files`] are there, described by `<name>.json`
//!   (the part's facts and every file's size, checked on each reuse);
//! - `target/demo/<name>.lock` guards the entries and the script's work
//!   directory `target/demo/work/<name>/` (which keeps downloaded source
//!   packages); the script inherits it as its standard input;
//! - the script's output goes to `target/demo/logs/<name>-<key>.log`, its
//!   progress to the reporter; the three most recently used entries are kept.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::cache::{self, BuildLock, DemoDirs};
use super::error::DemoError;
use super::fingerprint::{FieldHasher, TreeHashDepth, hash_tree_where, sha256_file};
use super::{BUILD_ENVIRONMENT, TemporaryEntry, runner};
use crate::report;

/// One user-space part: its script and what the script reads and promises.
pub(super) struct Component {
    /// `libc`, `busybox`: names the cache directory, lock, work directory and log.
    pub name: &'static str,
    /// The build script, under `demo-build/`.
    pub script: &'static str,
    /// Everything under `demo-build/` that the script reads.
    pub inputs: &'static [&'static str],
    /// What the script promises in its `--out` directory.
    pub required_files: &'static [&'static str],
    /// Bumped whenever the way the part is built or described changes.
    pub cache_format: &'static str,
}

/// The facts a part records about one build of it, in its entry and in the
/// kernel's manifest.
pub(super) trait ComponentFacts: Clone + Serialize + DeserializeOwned {
    /// A few words for the progress line, e.g. the version and sizes.
    fn summary(&self) -> String;
}

/// How to run the script for one build.
pub(super) struct ComponentRun<'a> {
    pub site_root: &'a Path,
    pub tool_path: &'a OsStr,
    pub source_date_epoch: u64,
    pub jobs: u64,
    /// Inputs from outside `demo-build/`, by name, for the key.
    pub key_fields: Vec<(&'static str, String)>,
    /// The script's own arguments before `--work`, `--out` and `--jobs`.
    pub arguments: Vec<OsString>,
}

/// What a finished script run left, for the part to describe.
pub(super) struct FinishedRun<'a> {
    pub out: &'a Path,
    pub key: &'a str,
    /// Every file of the entry, with its size in bytes.
    pub files: &'a BTreeMap<String, u64>,
    /// Wall-clock seconds of the script, to a tenth.
    pub build_seconds: f64,
}

/// A built part in its cache entry.
#[derive(Clone, Debug)]
pub struct ComponentBuild<F> {
    pub dir: PathBuf,
    pub facts: F,
}

#[derive(Serialize, Deserialize)]
struct EntryDescription<F> {
    facts: F,
    /// Every file of the entry except the description, with its size in bytes.
    files: BTreeMap<String, u64>,
}

impl Component {
    fn description_file(&self) -> String {
        format!("{}.json", self.name)
    }

    /// Returns the cached build for these inputs, building it first if
    /// needed, under the part's own lock.
    pub(super) fn build_or_reuse<F: ComponentFacts>(
        &self,
        run: &ComponentRun<'_>,
        dirs: &DemoDirs,
        describe: impl FnOnce(&FinishedRun<'_>) -> Result<F, DemoError>,
    ) -> Result<ComponentBuild<F>, DemoError> {
        let name = self.name;
        let cache_dir = dirs.component_cache(name);
        std::fs::create_dir_all(&cache_dir).map_err(DemoError::io("create", &cache_dir))?;
        let lock = BuildLock::acquire_component(dirs, name, |path| {
            report::status!("demo build: waiting for another {name} build to finish (it holds {})", path.display());
        })?;
        for leftover in cache::remove_interrupted_in(&cache_dir)? {
            report::status!("demo build: removed {}, left by an interrupted {name} build", leftover.display());
        }
        let demo_build = run.site_root.join("demo-build");
        let key = self.key(run, &demo_build)?;
        let entry = dirs.component_entry(name, &key);
        match self.load_entry::<F>(&entry) {
            Ok(facts) => {
                cache::mark_used_dir(&entry)?;
                report::status!("demo build: {name} up to date ({}, {})", facts.summary(), entry.display());
                return Ok(ComponentBuild { dir: entry, facts });
            }
            Err(None) => {}
            Err(Some(why)) => {
                report::warning!("demo build: rebuilding the damaged {name} cache entry {key}: {why}");
                std::fs::remove_dir_all(&entry).map_err(DemoError::io("remove the damaged cache entry", &entry))?;
            }
        }

        let out = TemporaryEntry::create(dirs.component_temporary_entry(name, &key))?;
        let log = dirs.component_log(name, &key);
        let work = dirs.component_work(name);
        let work = std::path::absolute(&work).map_err(DemoError::io("resolve", &work))?;
        std::fs::create_dir_all(&work).map_err(DemoError::io("create", &work))?;
        let mut command = Command::new("bash");
        command
            .arg(demo_build.join(self.script))
            .args(&run.arguments)
            .arg("--work")
            .arg(&work)
            .arg("--out")
            .arg(&out.path)
            .arg("--jobs")
            .arg(run.jobs.to_string())
            .current_dir(run.site_root)
            .env("PATH", run.tool_path)
            .env("SOURCE_DATE_EPOCH", run.source_date_epoch.to_string())
            .envs(BUILD_ENVIRONMENT.iter().copied())
            .stdin(lock.child_stdin()?);
        let script_run = runner::run_script(command, &log)?;
        if !script_run.status.success() {
            return Err(DemoError::ComponentBuildFailed {
                script: self.script,
                status: script_run.status.to_string(),
                step: script_run.progress.step,
                log,
                tail: script_run.tail.join("\n"),
            });
        }
        if let Some(missing) = self.required_files.iter().find(|file| !out.path.join(file).is_file()) {
            return Err(DemoError::ComponentMissingFile {
                script: self.script,
                file: (*missing).to_owned(),
                required: self.required_files.join(", "),
                log,
            });
        }

        let files = super::fingerprint::list_files(&out.path)?;
        let facts = describe(&FinishedRun {
            out: &out.path,
            key: &key,
            files: &files,
            build_seconds: (script_run.elapsed.as_secs_f64() * 10.0).round() / 10.0,
        })?;
        let description = serde_json::to_string_pretty(&EntryDescription { facts: facts.clone(), files })
            .expect("an entry description serialises")
            + "\n";
        cache::write_atomically(&out.path.join(self.description_file()), description.as_bytes())?;
        out.persist(&entry)?;
        cache::mark_used_dir(&entry)?;
        for removed in cache::prune_entries(&cache_dir, &key, |key| vec![dirs.component_log(name, key)])? {
            report::status!("demo build: removed the older {name} cache entry {removed}");
        }
        // Only now, with the entry in place: a build waiting for the lock
        // removes every temporary directory it finds as interrupted.
        drop(lock);
        report::status!("demo build: {name} ready in {} ({})", entry.display(), facts.summary());
        Ok(ComponentBuild { dir: entry, facts })
    }

    /// 16 hex digits of a SHA-256 over every input (see the module documentation).
    fn key(&self, run: &ComponentRun<'_>, demo_build: &Path) -> Result<String, DemoError> {
        let mut hasher = FieldHasher::new(self.cache_format);
        for (name, value) in &run.key_fields {
            hasher.field(name, value.as_bytes());
        }
        hasher.field("SOURCE_DATE_EPOCH", run.source_date_epoch.to_string().as_bytes());
        for input in self.inputs {
            let path = demo_build.join(input);
            let hash = if path.is_dir() {
                hash_tree_where(&path, TreeHashDepth::Contents, super::is_build_input)?
            } else {
                sha256_file(&path)?
            };
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
    fn load_entry<F: ComponentFacts>(&self, entry: &Path) -> Result<F, Option<String>> {
        if !entry.is_dir() {
            return Err(None);
        }
        let description = entry.join(self.description_file());
        let bytes = std::fs::read(&description).map_err(|error| Some(format!("{}: {error}", description.display())))?;
        let EntryDescription { facts, files }: EntryDescription<F> =
            serde_json::from_slice(&bytes).map_err(|error| Some(format!("{}: {error}", description.display())))?;
        for (name, &bytes) in &files {
            let path = entry.join(name);
            match path.metadata() {
                Ok(metadata) if metadata.len() == bytes => {}
                Ok(metadata) => {
                    return Err(Some(format!("{} has {} bytes, not {bytes}", path.display(), metadata.len())));
                }
                Err(error) => return Err(Some(format!("{}: {error}", path.display()))),
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PART: Component = Component {
        name: "part",
        script: "build-part.sh",
        inputs: &["build-part.sh", "part"],
        required_files: &["out.txt"],
        cache_format: "part cache v1",
    };

    fn run<'a>(site_root: &'a Path, field: &str, source_date_epoch: u64) -> ComponentRun<'a> {
        ComponentRun {
            site_root,
            tool_path: OsStr::new(""),
            source_date_epoch,
            jobs: 1,
            key_fields: vec![("libc", field.to_owned())],
            arguments: Vec::new(),
        }
    }

    #[test]
    fn every_input_of_a_part_changes_its_key() {
        let site = tempfile::tempdir().unwrap();
        let demo_build = site.path().join("demo-build");
        std::fs::create_dir_all(demo_build.join("part")).unwrap();
        std::fs::write(demo_build.join("build-part.sh"), "echo build\n").unwrap();
        std::fs::write(demo_build.join("part/config"), "CONFIG_A=y\n").unwrap();
        // Files outside the part's inputs do not count.
        std::fs::write(demo_build.join("README.md"), "one\n").unwrap();
        let key = |field: &str, epoch: u64| PART.key(&run(site.path(), field, epoch), &demo_build).unwrap();

        let base = key("aa", 1);
        assert_eq!(base.len(), 16);
        assert_eq!(base, key("aa", 1));
        std::fs::write(demo_build.join("README.md"), "two\n").unwrap();
        assert_eq!(base, key("aa", 1));
        assert_ne!(base, key("ab", 1));
        assert_ne!(base, key("aa", 2));
        // Nor does the part's own documentation.
        std::fs::write(demo_build.join("part/notes.md"), "known failures\n").unwrap();
        assert_eq!(base, key("aa", 1));
        std::fs::write(demo_build.join("part/config"), "CONFIG_A=n\n").unwrap();
        let changed_config = key("aa", 1);
        assert_ne!(base, changed_config);
        std::fs::write(demo_build.join("build-part.sh"), "echo other\n").unwrap();
        assert_ne!(changed_config, key("aa", 1));
    }
}

//! Which kernel source the demo is built from, its version, and its content hash.
//!
//! The path is chosen, first match wins, from: [`super::DemoRequest::kernel_source`],
//! the `LKLJS_KERNEL_SOURCE` environment variable, `kernel_source` in the
//! `[demo]` table of `content/site.toml` (relative to the site root), and
//! Debian's `/usr/src/linux-source-6.1.tar.xz`.
//!
//! Hashing the 140 MB tarball takes about half a second and hashing an
//! extracted tree several, so the result is memoised in
//! `target/demo/source-fingerprint.json`, keyed by the path and a stamp of its
//! metadata (size, modification time and inode of a file; the sorted sizes,
//! times and modes of a tree). Any change to the source changes the stamp and
//! so forces a re-hash; `touch` forces one too.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::cache::write_atomically;
use super::error::{DemoError, SourceOrigin};
use super::fingerprint::{TreeHashDepth, hash_tree, sha256_file};

/// Debian 12's `linux-source-6.1` package installs this.
pub const DEFAULT_KERNEL_SOURCE: &str = "/usr/src/linux-source-6.1.tar.xz";
/// Environment variable that overrides `content/site.toml` and the default.
pub const KERNEL_SOURCE_VARIABLE: &str = "LKLJS_KERNEL_SOURCE";
/// The kernel series the port in `demo-build/` is written for.
pub const KERNEL_SERIES: &str = "6.1";

/// A kernel source that exists, and who chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelSource {
    /// Absolute.
    pub path: PathBuf,
    pub origin: SourceOrigin,
}

/// What the manifest and the cache key record about a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFacts {
    /// The file or directory name only, so that no machine's layout leaks into the site.
    pub file_name: String,
    /// Of the tarball's bytes, or [`hash_tree`] of an extracted tree.
    pub sha256: String,
    /// From the top-level Makefile, e.g. `6.1.158`.
    pub version: String,
}

/// Picks the kernel source (see the module documentation) and checks that it exists.
pub fn resolve(
    site_root: &Path,
    requested: Option<&Path>,
    environment: Option<OsString>,
) -> Result<KernelSource, DemoError> {
    let (path, origin) = if let Some(path) = requested {
        (path.to_owned(), SourceOrigin::Request)
    } else if let Some(value) = environment.filter(|value| !value.is_empty()) {
        (PathBuf::from(value), SourceOrigin::Environment)
    } else if let Some((path, origin)) = configured_source(site_root)? {
        (site_root.join(path), origin)
    } else {
        (PathBuf::from(DEFAULT_KERNEL_SOURCE), SourceOrigin::Default)
    };
    if !path.exists() {
        return Err(DemoError::MissingKernelSource { path, origin });
    }
    let path = std::path::absolute(&path).map_err(DemoError::io("resolve", &path))?;
    Ok(KernelSource { path, origin })
}

/// Reads only `[demo] kernel_source` from `content/site.toml`: the rest of the
/// file belongs to the site configuration, which this step does not need.
fn configured_source(site_root: &Path) -> Result<Option<(PathBuf, SourceOrigin)>, DemoError> {
    #[derive(Deserialize)]
    struct SiteToml {
        demo: Option<DemoTable>,
    }
    #[derive(Deserialize)]
    struct DemoTable {
        kernel_source: Option<toml::Spanned<PathBuf>>,
    }

    let config_path = site_root.join("content").join("site.toml");
    let text = match std::fs::read_to_string(&config_path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(DemoError::Io { action: "read", path: config_path, source }),
    };
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let site: SiteToml = toml::from_str(&text).map_err(|error| DemoError::SiteConfig {
        line: error.span().map_or(1, |span| line_of(span.start)),
        message: error.message().to_owned(),
        path: config_path.clone(),
    })?;
    Ok(site.demo.and_then(|demo| demo.kernel_source).map(|spanned| {
        let origin = SourceOrigin::SiteConfig { path: config_path.clone(), line: line_of(spanned.span().start) };
        (spanned.into_inner(), origin)
    }))
}

#[derive(Default, Serialize, Deserialize)]
struct Memo {
    sources: BTreeMap<PathBuf, MemoEntry>,
}

#[derive(Serialize, Deserialize)]
struct MemoEntry {
    stamp: String,
    facts: SourceFacts,
}

/// The source's version and hash, memoised in `memo_path` (see the module documentation).
/// `tool_path` is the PATH in which `tar` is looked up.
pub fn facts(source: &KernelSource, memo_path: &Path, tool_path: &OsStr) -> Result<SourceFacts, DemoError> {
    let stamp = stamp(&source.path)?;
    // A memo that cannot be read is only a lost shortcut: it is rebuilt below.
    let mut memo: Memo =
        std::fs::read(memo_path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    if let Some(entry) = memo.sources.get(&source.path).filter(|entry| entry.stamp == stamp) {
        return Ok(entry.facts.clone());
    }
    let version = version(source, tool_path)?;
    if version.split('.').take(2).collect::<Vec<_>>().join(".") != KERNEL_SERIES {
        return Err(DemoError::WrongKernelSeries { path: source.path.clone(), origin: source.origin.clone(), version });
    }
    let sha256 = if source.path.is_dir() {
        hash_tree(&source.path, TreeHashDepth::Contents)?
    } else {
        sha256_file(&source.path)?
    };
    let file_name = source.path.file_name().unwrap_or(source.path.as_os_str()).to_string_lossy().into_owned();
    let facts = SourceFacts { file_name, sha256, version };
    memo.sources.insert(source.path.clone(), MemoEntry { stamp, facts: facts.clone() });
    let bytes = serde_json::to_vec_pretty(&memo).expect("the memo serialises");
    write_atomically(memo_path, &bytes)?;
    Ok(facts)
}

fn stamp(path: &Path) -> Result<String, DemoError> {
    let metadata = path.metadata().map_err(DemoError::io("read the metadata of", path))?;
    if metadata.is_dir() {
        hash_tree(path, TreeHashDepth::Metadata)
    } else {
        Ok(format!("{}:{}:{}:{}", metadata.len(), metadata.mtime(), metadata.mtime_nsec(), metadata.ino()))
    }
}

fn version(source: &KernelSource, tool_path: &OsStr) -> Result<String, DemoError> {
    let unreadable = |detail: String| DemoError::UnreadableKernelSource {
        path: source.path.clone(),
        origin: source.origin.clone(),
        detail,
    };
    let makefile = if source.path.is_dir() {
        let path = source.path.join("Makefile");
        std::fs::read_to_string(&path)
            .map_err(|error| unreadable(format!("cannot read {}: {error}", path.display())))?
    } else {
        // GNU tar detects the compression itself; `--occurrence=1` stops it at
        // the top-level Makefile, which kernel tarballs store near the start.
        let output = Command::new("tar")
            .args(["-xOf"])
            .arg(&source.path)
            .args(["--occurrence=1", "--wildcards", "--no-wildcards-match-slash", "*/Makefile"])
            .env("PATH", tool_path)
            .output()
            .map_err(|error| unreadable(format!("cannot run tar: {error}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(unreadable(format!("tar found no top-level Makefile ({})", stderr.trim())));
        }
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    version_from_makefile(&makefile)
        .ok_or_else(|| unreadable("its top-level Makefile has no VERSION, PATCHLEVEL and SUBLEVEL".into()))
}

/// `VERSION.PATCHLEVEL.SUBLEVEL` followed by `EXTRAVERSION`, as `make kernelversion` prints it.
pub fn version_from_makefile(makefile: &str) -> Option<String> {
    let variable = |name: &str| {
        makefile.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_owned())
        })
    };
    let (version, patchlevel, sublevel) = (variable("VERSION")?, variable("PATCHLEVEL")?, variable("SUBLEVEL")?);
    let extraversion = variable("EXTRAVERSION").unwrap_or_default();
    [&version, &patchlevel, &sublevel]
        .iter()
        .all(|number| !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| format!("{version}.{patchlevel}.{sublevel}{extraversion}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn makefile_version_is_read_like_make_kernelversion() {
        let makefile = "# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 158\nEXTRAVERSION =\nNAME = Curry Ramen\n";
        assert_eq!(version_from_makefile(makefile).as_deref(), Some("6.1.158"));
        let rc = "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION = -rc3\n";
        assert_eq!(version_from_makefile(rc).as_deref(), Some("6.1.0-rc3"));
        assert_eq!(version_from_makefile("all:\n\techo\n"), None);
    }

    #[test]
    fn precedence_is_request_then_environment_then_site_toml_then_default() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir(site.path().join("content")).unwrap();
        fs::write(site.path().join("from-config.tar.xz"), "x").unwrap();
        fs::write(site.path().join("from-env.tar.xz"), "x").unwrap();
        fs::write(
            site.path().join("content/site.toml"),
            "title = \"t\"\n\n[demo]\nkernel_source = \"from-config.tar.xz\"\n",
        )
        .unwrap();

        let from_config = resolve(site.path(), None, None).unwrap();
        assert_eq!(from_config.path, site.path().join("from-config.tar.xz"));
        assert_eq!(
            from_config.origin,
            SourceOrigin::SiteConfig { path: site.path().join("content/site.toml"), line: 4 }
        );

        let env = site.path().join("from-env.tar.xz");
        assert_eq!(resolve(site.path(), None, Some(env.clone().into())).unwrap().origin, SourceOrigin::Environment);
        let requested = resolve(site.path(), Some(&env), Some("/nonexistent".into())).unwrap();
        assert_eq!(requested.origin, SourceOrigin::Request);
    }

    #[test]
    fn missing_configured_source_names_the_line_and_the_install_command() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir(site.path().join("content")).unwrap();
        fs::write(site.path().join("content/site.toml"), "[demo]\n\nkernel_source = \"linux.tar.xz\"\n").unwrap();
        let message = resolve(site.path(), None, None).unwrap_err().to_string();
        assert!(message.contains("content/site.toml:3 ([demo] kernel_source)"), "{message}");
        assert!(message.contains("sudo apt-get install linux-source-6.1"), "{message}");
    }

    #[test]
    fn malformed_site_toml_is_reported_with_its_line() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir(site.path().join("content")).unwrap();
        fs::write(site.path().join("content/site.toml"), "title = \"t\"\n[demo]\nkernel_source = 3\n").unwrap();
        let message = resolve(site.path(), None, None).unwrap_err().to_string();
        assert!(message.contains("site.toml:3:"), "{message}");
    }

    #[test]
    fn tree_facts_are_memoised_until_the_tree_changes() {
        let tree = tempfile::tempdir().unwrap();
        fs::write(tree.path().join("Makefile"), "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 2\nEXTRAVERSION =\n").unwrap();
        let memo_dir = tempfile::tempdir().unwrap();
        let memo_path = memo_dir.path().join("memo.json");
        let source = KernelSource { path: tree.path().to_owned(), origin: SourceOrigin::Request };
        let path_env = std::env::var_os("PATH").unwrap();

        let first = facts(&source, &memo_path, &path_env).unwrap();
        assert_eq!(first.version, "6.1.2");
        assert!(memo_path.exists());

        // A memo entry whose stamp still matches is trusted as it is.
        let text = fs::read_to_string(&memo_path).unwrap().replace(&first.sha256, "memoised");
        fs::write(&memo_path, text).unwrap();
        assert_eq!(facts(&source, &memo_path, &path_env).unwrap().sha256, "memoised");

        fs::write(tree.path().join("new-file"), "x").unwrap();
        let changed = facts(&source, &memo_path, &path_env).unwrap();
        assert_ne!(changed.sha256, "memoised");
        assert_ne!(changed.sha256, first.sha256);
    }

    #[test]
    fn other_kernel_series_are_refused() {
        let tree = tempfile::tempdir().unwrap();
        fs::write(tree.path().join("Makefile"), "VERSION = 6\nPATCHLEVEL = 10\nSUBLEVEL = 2\n").unwrap();
        let memo_dir = tempfile::tempdir().unwrap();
        let source = KernelSource { path: tree.path().to_owned(), origin: SourceOrigin::Request };
        let error = facts(&source, &memo_dir.path().join("memo.json"), &std::env::var_os("PATH").unwrap()).unwrap_err();
        assert!(error.to_string().contains("is Linux 6.10.2, but the demo's port targets Linux 6.1"), "{error}");
    }
}

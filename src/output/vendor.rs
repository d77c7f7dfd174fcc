//! Third-party browser code (the demo's xterm.js, search's elasticlunr.js), pinned in
//! `theme/vendor/package.json` + `package-lock.json` and fetched by the build
//! with `npm ci`, never copied into the repository.
//!
//! The install lands in `target/vendor/<key>/`, where the key hashes the
//! manifest and the lockfile, so it runs once per pinned set and later builds
//! only read files. `npm ci` checks every package against the lockfile's
//! integrity hashes, so the published bytes depend on the lockfile alone.
//!
//! Error messages leave out the file: [`VendorError::file`] names it, and the
//! build shows the two together as a diagnostic.
//!
//! Which files are published is data, not code: the manifest's `lkljsAssets`
//! object maps a published name (`xterm.js`) to a file inside `node_modules`
//! (`@xterm/xterm/lib/xterm.js`). They join the theme's hashed assets, so
//! templates refer to `assets["xterm.js"]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

use crate::report;

/// The theme's vendor directory, relative to the theme.
pub const VENDOR_DIR: &str = "vendor";
const MANIFEST: &str = "package.json";
const LOCKFILE: &str = "package-lock.json";
/// Written last into a cache entry, so an interrupted install is never reused.
const COMPLETE_MARKER: &str = ".lkljs-complete";
/// What to run where the build cannot run npm itself.
const INSTALL_HINT: &str = "install npm (`apt-get install npm`, which ./demo-build/setup.sh does)";

#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    #[error("cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("not valid JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error(
        "`lkljsAssets` must be an object mapping published names to files under node_modules, e.g. {{\"xterm.js\": \"@xterm/xterm/lib/xterm.js\"}}"
    )]
    AssetList { path: PathBuf },
    #[error("the asset `{name}` names `{file}`, which is not inside node_modules (no `..` or absolute paths)")]
    AssetPath { path: PathBuf, name: String, file: String },
    #[error(
        "missing: pin the versions by running `npm install --package-lock-only --ignore-scripts` in {dir} and commit the lockfile"
    )]
    NoLockfile { lockfile: PathBuf, dir: PathBuf },
    #[error("cannot run npm ({source}) to fetch the theme's pinned packages: {INSTALL_HINT}, then build again")]
    NoNpm { manifest: PathBuf, source: std::io::Error },
    #[error(
        "`npm ci --ignore-scripts` failed ({status}); is the npm registry reachable? Run that command in {} to see why. npm said:\n{stderr}",
        manifest.parent().unwrap_or(Path::new(".")).display()
    )]
    Install { manifest: PathBuf, status: std::process::ExitStatus, stderr: String },
    #[error("cannot write the vendor cache: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error(
        "the asset `{name}` names {file}, which the installed packages do not contain; fix the path in `lkljsAssets`"
    )]
    MissingAsset { manifest: PathBuf, name: String, file: PathBuf },
}

impl VendorError {
    /// The file the author should look at.
    pub fn file(&self) -> &Path {
        match self {
            Self::Read { path, .. }
            | Self::Json { path, .. }
            | Self::AssetList { path }
            | Self::AssetPath { path, .. }
            | Self::Write { path, .. } => path,
            Self::NoLockfile { lockfile, .. } => lockfile,
            Self::MissingAsset { manifest, .. } | Self::NoNpm { manifest, .. } | Self::Install { manifest, .. } => {
                manifest
            }
        }
    }
}

/// The published assets, by name (`xterm.js` → its bytes), in name order.
pub type VendorAssets = Vec<(String, Vec<u8>)>;

/// Installs (or reuses) the packages pinned in `vendor_dir` under `cache_root`
/// and returns the files its manifest publishes. A theme without a vendor
/// directory publishes nothing.
pub fn prepare(vendor_dir: &Path, cache_root: &Path) -> Result<VendorAssets, VendorError> {
    let manifest_path = vendor_dir.join(MANIFEST);
    if !manifest_path.is_file() {
        return Ok(Vec::new());
    }
    let lockfile_path = vendor_dir.join(LOCKFILE);
    if !lockfile_path.is_file() {
        return Err(VendorError::NoLockfile { lockfile: lockfile_path, dir: vendor_dir.to_path_buf() });
    }
    let manifest = read(&manifest_path)?;
    let lockfile = read(&lockfile_path)?;
    let published = published_files(&manifest_path, &manifest)?;

    let key = cache_key(&manifest, &lockfile);
    let entry = cache_root.join(&key);
    if !entry.join(COMPLETE_MARKER).is_file() {
        install(&entry, &manifest_path, &manifest, &lockfile)?;
    }
    let modules = entry.join("node_modules");
    published
        .into_iter()
        .map(|(name, file)| {
            let path = modules.join(&file);
            let bytes = std::fs::read(&path).map_err(|_| VendorError::MissingAsset {
                manifest: manifest_path.clone(),
                name: name.clone(),
                file: path.clone(),
            })?;
            Ok((name, without_source_map_comment(bytes)))
        })
        .collect()
}

/// The cache directory name: a hash of the manifest and the lockfile.
pub fn cache_key(manifest: &[u8], lockfile: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [manifest, lockfile] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex::encode(&hasher.finalize()[..8])
}

fn read(path: &Path) -> Result<Vec<u8>, VendorError> {
    std::fs::read(path).map_err(|source| VendorError::Read { path: path.to_path_buf(), source })
}

/// `lkljsAssets` from the manifest, checked to stay inside `node_modules`.
fn published_files(path: &Path, manifest: &[u8]) -> Result<BTreeMap<String, String>, VendorError> {
    let value: serde_json::Value =
        serde_json::from_slice(manifest).map_err(|source| VendorError::Json { path: path.to_path_buf(), source })?;
    let Some(assets) = value.get("lkljsAssets").and_then(|assets| assets.as_object()) else {
        return Err(VendorError::AssetList { path: path.to_path_buf() });
    };
    let mut published = BTreeMap::new();
    for (name, file) in assets {
        let Some(file) = file.as_str() else {
            return Err(VendorError::AssetList { path: path.to_path_buf() });
        };
        let inside = Path::new(file).components().all(|part| matches!(part, std::path::Component::Normal(_)));
        if !inside || file.is_empty() {
            return Err(VendorError::AssetPath {
                path: path.to_path_buf(),
                name: name.clone(),
                file: file.to_string(),
            });
        }
        published.insert(name.clone(), file.to_string());
    }
    Ok(published)
}

/// Runs `npm ci` in a fresh directory next to `entry` and renames it into
/// place once it succeeded.
fn install(entry: &Path, manifest_path: &Path, manifest: &[u8], lockfile: &[u8]) -> Result<(), VendorError> {
    // A directory of its own per install: two builds in one process (tests)
    // or in two processes must never fill the same staging directory.
    let parent = entry.parent().unwrap_or(Path::new("."));
    let staging_dir = std::fs::create_dir_all(parent)
        .and_then(|()| tempfile::Builder::new().prefix(".partial-").tempdir_in(parent))
        .map_err(|source| VendorError::Write { path: parent.to_path_buf(), source })?;
    let staging = staging_dir.path().to_path_buf();
    let write = |path: PathBuf, bytes: &[u8]| {
        std::fs::write(&path, bytes).map_err(|source| VendorError::Write { path, source })
    };
    write(staging.join(MANIFEST), manifest)?;
    write(staging.join(LOCKFILE), lockfile)?;
    report::status!(
        "vendor: fetching the theme's pinned packages with `npm ci --ignore-scripts` into {}",
        entry.display()
    );
    let output = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&staging)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| VendorError::NoNpm { manifest: manifest_path.to_path_buf(), source })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        return Err(VendorError::Install {
            manifest: manifest_path.to_path_buf(),
            status: output.status,
            stderr: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    write(staging.join(COMPLETE_MARKER), b"")?;
    // An entry without its marker is a leftover of an interrupted install.
    if entry.exists() && !entry.join(COMPLETE_MARKER).is_file() {
        let _ = std::fs::remove_dir_all(entry);
    }
    // On failure the staging directory goes with `staging_dir`'s drop.
    if let Err(source) = std::fs::rename(&staging, entry) {
        // Another build may have finished the same entry meanwhile: theirs is as good.
        if !entry.join(COMPLETE_MARKER).is_file() {
            return Err(VendorError::Write { path: entry.to_path_buf(), source });
        }
    }
    report::status!("vendor: done");
    Ok(())
}

/// Drops a trailing `//# sourceMappingURL=` (or `/*# ... */`) line: the maps
/// are not published, and a browser would request them.
fn without_source_map_comment(bytes: Vec<u8>) -> Vec<u8> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return error.into_bytes(),
    };
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with("//# sourceMappingURL=") || line.starts_with("/*# sourceMappingURL="))
        })
        .collect();
    kept.concat().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_changes_with_either_file() {
        let key = cache_key(b"{}", b"lock");
        assert_eq!(key.len(), 16);
        assert_ne!(key, cache_key(b"{} ", b"lock"));
        assert_ne!(key, cache_key(b"{}", b"lock2"));
        // Length-prefixed: moving bytes from one file to the other changes the key.
        assert_ne!(cache_key(b"ab", b"c"), cache_key(b"a", b"bc"));
    }

    #[test]
    fn asset_paths_must_stay_inside_node_modules() {
        let path = Path::new("theme/vendor/package.json");
        let ok = published_files(path, br#"{"lkljsAssets": {"x.js": "pkg/lib/x.js"}}"#).unwrap();
        assert_eq!(ok["x.js"], "pkg/lib/x.js");
        for bad in [r#""../x.js""#, r#""/etc/passwd""#, r#""""#] {
            let manifest = format!(r#"{{"lkljsAssets": {{"x.js": {bad}}}}}"#);
            let error = published_files(path, manifest.as_bytes()).unwrap_err();
            assert!(matches!(error, VendorError::AssetPath { .. }), "{bad}: {error}");
        }
        let error = published_files(path, br#"{"dependencies": {}}"#).unwrap_err();
        assert!(error.to_string().contains("lkljsAssets"), "{error}");
    }

    #[test]
    fn a_missing_lockfile_says_how_to_pin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), "{}").unwrap();
        let error = prepare(dir.path(), &dir.path().join("cache")).unwrap_err();
        assert!(error.to_string().contains("npm install --package-lock-only"), "{error}");
        let empty = tempfile::tempdir().unwrap();
        assert!(prepare(empty.path(), &empty.path().join("cache")).unwrap().is_empty());
    }

    #[test]
    fn source_map_comments_are_dropped() {
        let js = b"code();\n//# sourceMappingURL=x.js.map\n".to_vec();
        assert_eq!(without_source_map_comment(js), b"code();\n");
        let css = b"a{}\n/*# sourceMappingURL=x.css.map */".to_vec();
        assert_eq!(without_source_map_comment(css), b"a{}\n");
    }
}

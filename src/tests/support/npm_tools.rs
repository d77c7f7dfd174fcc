//! Tools the tests take from npm, pinned by a `package.json` and
//! `package-lock.json` under `src/tests/fixtures/<name>/` and installed with
//! `npm ci --ignore-scripts` into `target/<name>/<hash of the lockfile>/`
//! once per pinned version.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

/// The cargo target directory this test binary was built in (`target/debug/deps/x` → `target`).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "deps"))
        .and_then(|deps| deps.parent()?.parent())
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), Path::to_path_buf)
}

/// Whether a missing tool fails the test (in CI) rather than skipping it.
pub fn required() -> bool {
    std::env::var_os("CI").is_some()
}

/// Installs the packages pinned in `src/tests/fixtures/<name>/` (unless the
/// install already holds `check_file`) and returns the directory holding
/// their `node_modules`. `None` (with a notice) when node or npm is missing,
/// unless `CI` is set.
pub fn install(name: &str, check_file: &str) -> Option<PathBuf> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures").join(name);
    let lock = std::fs::read(fixture.join("package-lock.json")).expect("the lockfile is committed");
    let version = hex::encode(&Sha256::digest(&lock)[..8]);
    let cache = target_dir().join(name);
    let installed = cache.join(&version);
    if installed.join(check_file).is_file() {
        return Some(installed);
    }
    for tool in ["node", "npm"] {
        if Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_err() {
            assert!(!required(), "{tool} is missing; demo-build/setup.sh installs it");
            eprintln!("\n*** SKIPPING {name}: {tool} is not installed (set CI=1 to make this a failure) ***\n");
            return None;
        }
    }
    // Installed beside its final place and renamed into it, so that a test
    // running at the same time never sees half a `node_modules`.
    std::fs::create_dir_all(&cache).unwrap();
    let staging = tempfile::Builder::new().prefix("installing-").tempdir_in(&cache).unwrap();
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(fixture.join(file), staging.path().join(file)).unwrap();
    }
    // Lifecycle scripts stay off: the packages' binaries come as platform
    // packages from the registry, and npm versions disagree about running them.
    let output = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(staging.path())
        .output()
        .expect("cannot run npm");
    assert!(
        output.status.success(),
        "npm ci for {} failed: {}\n{}",
        fixture.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let staged = staging.keep();
    if std::fs::rename(&staged, &installed).is_err() {
        // Another test installed the same version first.
        let _ = std::fs::remove_dir_all(&staged);
    }
    Some(installed)
}

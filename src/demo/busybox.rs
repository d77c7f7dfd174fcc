//! The userland of the kernel's user programs: Debian's BusyBox 1.35, built
//! by `demo-build/build-busybox.sh` with the libc's `lkljs-cc` after the
//! libc and before the kernel, whose root file system holds it as
//! `/bin/busybox` with a link per applet.
//!
//! ```text
//! bash demo-build/build-busybox.sh --libc L --work target/demo/work/busybox --out O --jobs N
//! ```
//!
//! It is cached as every user-space part is (see [`super::component`]): its
//! key hashes the libc's key (which covers the compiler and the libc's own
//! inputs), the first line of `emcc --version` (Debian's emscripten pins the
//! clang 14 that compiles it), every input of the script
//! ([`BUSYBOX_INPUTS`]), `SOURCE_DATE_EPOCH` and the fixed build environment.

use std::ffi::OsStr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cache::DemoDirs;
use super::component::{Component, ComponentBuild, ComponentFacts, ComponentRun};
use super::error::DemoError;
use super::libc::LibcBuild;
use super::manifest::compressed_sizes;

/// BusyBox's build script, under `demo-build/`; the step runs only when it exists.
pub const BUSYBOX_SCRIPT: &str = "build-busybox.sh";
/// Everything under `demo-build/` that BusyBox's build reads: the script, the
/// configuration and the patches.
pub const BUSYBOX_INPUTS: &[&str] = &[BUSYBOX_SCRIPT, "build-common.sh", "busybox"];
/// What the script promises in its `--out` directory.
pub const BUSYBOX_REQUIRED_FILES: &[&str] =
    &["busybox.wasm", "busybox.links", "busybox-version.txt", "config.txt", "testsuite/runtest"];

/// BusyBox as a user-space part of the demo step.
pub(super) const BUSYBOX: Component = Component {
    name: "busybox",
    script: BUSYBOX_SCRIPT,
    inputs: BUSYBOX_INPUTS,
    required_files: BUSYBOX_REQUIRED_FILES,
    cache_format: "lkljs busybox cache v1",
};

/// The figures of one BusyBox build, which the kernel's manifest carries.
/// Fields in alphabetical order, as in the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BusyboxFacts {
    /// The applets built in, each a link to `/bin/busybox` in the root file system.
    pub applets: u64,
    /// Wall-clock seconds of the script run that made the entry.
    pub build_seconds: f64,
    /// `busybox.wasm` compressed by Brotli at quality 11.
    pub busybox_wasm_brotli_bytes: u64,
    pub busybox_wasm_bytes: u64,
    pub cache_key: String,
    /// `busybox-version.txt`, e.g. `busybox 1:1.35.0-4+deb12u1 (Debian source package busybox)`.
    pub version: String,
}

impl ComponentFacts for BusyboxFacts {
    fn summary(&self) -> String {
        format!(
            "{}; {} applets; busybox.wasm {} bytes, {} with Brotli",
            self.version, self.applets, self.busybox_wasm_bytes, self.busybox_wasm_brotli_bytes
        )
    }
}

/// A built BusyBox in the cache: `dir` holds `busybox.wasm` and `busybox.links`.
pub type BusyboxBuild = ComponentBuild<BusyboxFacts>;

/// What BusyBox's build depends on outside `demo-build/`.
pub(super) struct BusyboxInputs<'a> {
    pub site_root: &'a Path,
    pub libc: &'a LibcBuild,
    pub emcc_version_line: &'a str,
    pub source_date_epoch: u64,
    pub tool_path: &'a OsStr,
    pub jobs: u64,
}

/// Returns the cached BusyBox for these inputs, building it first if needed.
pub(super) fn build_or_reuse(inputs: &BusyboxInputs<'_>, dirs: &DemoDirs) -> Result<BusyboxBuild, DemoError> {
    let run = ComponentRun {
        site_root: inputs.site_root,
        tool_path: inputs.tool_path,
        source_date_epoch: inputs.source_date_epoch,
        jobs: inputs.jobs,
        key_fields: vec![("libc", inputs.libc.facts.cache_key.clone()), ("emcc", inputs.emcc_version_line.to_owned())],
        arguments: vec!["--libc".into(), inputs.libc.dir.as_os_str().to_owned()],
    };
    BUSYBOX.build_or_reuse(&run, dirs, |finished| {
        let read = |name: &str| {
            let path = finished.out.join(name);
            std::fs::read(&path).map_err(DemoError::io("read", path))
        };
        let wasm = read("busybox.wasm")?;
        let links = String::from_utf8_lossy(&read("busybox.links")?).into_owned();
        Ok(BusyboxFacts {
            applets: links.lines().filter(|line| !line.trim().is_empty()).count() as u64,
            build_seconds: finished.build_seconds,
            busybox_wasm_brotli_bytes: compressed_sizes(&wasm).1,
            busybox_wasm_bytes: wasm.len() as u64,
            cache_key: finished.key.to_owned(),
            version: String::from_utf8_lossy(&read("busybox-version.txt")?).trim().to_owned(),
        })
    })
}

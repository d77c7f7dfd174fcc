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
//! It is cached as every user-space part is (see [`super::component`]):
//! its key hashes the kernel source (the system call numbers come from its
//! unistd headers), every input of the script ([`LIBC_INPUTS`]), the first
//! line of `emcc --version` (Debian's emscripten pins clang 14 and ships the
//! compiler-rt sources), `SOURCE_DATE_EPOCH` and the fixed build
//! environment. Its work directory keeps the downloaded source package, so a
//! rebuild does not download it.

use std::ffi::OsStr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cache::DemoDirs;
use super::component::{Component, ComponentBuild, ComponentFacts, ComponentRun};
use super::error::DemoError;
use super::manifest::compressed_sizes;

/// The libc's build script, under `demo-build/`; the step runs only when it exists.
pub const LIBC_SCRIPT: &str = "build-libc.sh";
/// Everything under `demo-build/` that the libc's build reads.
pub const LIBC_INPUTS: &[&str] = &[
    LIBC_SCRIPT,
    "build-common.sh",
    "syscall-numbers.sh",
    "install-kernel-headers.sh",
    "libc",
    "arch/lkljs/include/uapi",
];
/// What the script promises in its `--out` directory.
pub const LIBC_REQUIRED_FILES: &[&str] = &[
    "bin/lkljs-cc",
    "include/bits/syscall.h",
    // The kernel's uapi headers (install-kernel-headers.sh), which BusyBox's `ip` includes.
    "include/asm/types.h",
    "include/linux/rtnetlink.h",
    "include/linux/version.h",
    "include/stdio.h",
    "lib/crt1.o",
    "lib/libc.a",
    "lib/libcompiler_rt.a",
    "musl-version.txt",
    "tests/hello.wasm",
];

/// The libc as a user-space part of the demo step.
pub(super) const LIBC: Component = Component {
    name: "libc",
    script: LIBC_SCRIPT,
    inputs: LIBC_INPUTS,
    required_files: LIBC_REQUIRED_FILES,
    cache_format: "lkljs libc cache v1",
};

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

impl ComponentFacts for LibcFacts {
    fn summary(&self) -> String {
        format!(
            "{}; libc.a {} bytes; hello.wasm {} bytes, {} with Brotli",
            self.musl_version, self.libc_a_bytes, self.hello_wasm_bytes, self.hello_wasm_brotli_bytes
        )
    }
}

/// A built libc in the cache: `dir` is its sysroot (`include/`, `lib/`,
/// `bin/lkljs-cc`).
pub type LibcBuild = ComponentBuild<LibcFacts>;

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

/// Returns the cached libc for these inputs, building it first if needed.
pub(super) fn build_or_reuse(inputs: &LibcInputs<'_>, dirs: &DemoDirs) -> Result<LibcBuild, DemoError> {
    let run = ComponentRun {
        site_root: inputs.site_root,
        tool_path: inputs.tool_path,
        source_date_epoch: inputs.source_date_epoch,
        jobs: inputs.jobs,
        key_fields: vec![
            ("kernel source", inputs.kernel_source_sha256.to_owned()),
            ("emcc", inputs.emcc_version_line.to_owned()),
        ],
        arguments: vec!["--kernel-source".into(), inputs.kernel_source.as_os_str().to_owned()],
    };
    LIBC.build_or_reuse(&run, dirs, |finished| {
        let hello_path = finished.out.join("tests/hello.wasm");
        let hello = std::fs::read(&hello_path).map_err(DemoError::io("read", &hello_path))?;
        let version_path = finished.out.join("musl-version.txt");
        Ok(LibcFacts {
            build_seconds: finished.build_seconds,
            cache_key: finished.key.to_owned(),
            compiler_rt_bytes: finished.files["lib/libcompiler_rt.a"],
            hello_wasm_brotli_bytes: compressed_sizes(&hello).1,
            hello_wasm_bytes: hello.len() as u64,
            libc_a_bytes: finished.files["lib/libc.a"],
            musl_version: std::fs::read_to_string(&version_path)
                .map_err(DemoError::io("read", &version_path))?
                .trim()
                .to_owned(),
        })
    })
}

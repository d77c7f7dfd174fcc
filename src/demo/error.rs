//! Everything that can stop the demo step, each saying what to do about it.

use std::path::PathBuf;

/// A program the kernel build needs, and the Debian package that provides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequiredTool {
    pub command: &'static str,
    pub package: &'static str,
    pub purpose: &'static str,
}

/// Where the kernel source path came from, so that an error can say what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceOrigin {
    /// [`super::DemoRequest::kernel_source`].
    Request,
    /// The `LKLJS_KERNEL_SOURCE` environment variable.
    Environment,
    /// `kernel_source` in the `[demo]` table of `content/site.toml`.
    SiteConfig { path: PathBuf, line: usize },
    /// Debian's `linux-source-6.1` package.
    Default,
}

impl std::fmt::Display for SourceOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceOrigin::Request => write!(f, "the build request"),
            SourceOrigin::Environment => write!(f, "the LKLJS_KERNEL_SOURCE environment variable"),
            SourceOrigin::SiteConfig { path, line } => {
                write!(f, "{}:{line} ([demo] kernel_source)", path.display())
            }
            SourceOrigin::Default => write!(f, "the default (Debian's linux-source-6.1 package)"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the kernel demo build needs programs that are not installed: {}\n  fix: run `sudo demo-build/setup.sh`, or `sudo apt-get install {}`\n  (or build the site with --skip-demo to reuse the last demo build)",
        describe_tools(.missing),
        packages_of(.missing)
    )]
    MissingTools { missing: Vec<RequiredTool> },

    #[error("`{command}` failed: {detail}\n  fix: reinstall it with `sudo apt-get install --reinstall {package}`")]
    ToolFailed { command: String, package: &'static str, detail: String },

    #[error(
        "Emscripten {found} is too old (found by `emcc --version`: {version_line:?}); the kernel port needs {minimum} or newer\n  fix: `sudo apt-get install emscripten` from Debian 12 or later"
    )]
    UnsupportedEmscripten { found: String, minimum: &'static str, version_line: String },

    #[error(
        "the kernel source {} (set by {origin}) does not exist\n  fix: `sudo apt-get install linux-source-6.1` (it installs /usr/src/linux-source-6.1.tar.xz), or set {origin} to a Linux 6.1 tarball or source tree",
        .path.display()
    )]
    MissingKernelSource { path: PathBuf, origin: SourceOrigin },

    #[error("cannot tell the kernel version of {} (set by {origin}): {detail}\n  fix: point it at a Linux 6.1 tarball (.tar.xz, .tar.gz) or an extracted tree with its top-level Makefile", .path.display())]
    UnreadableKernelSource { path: PathBuf, origin: SourceOrigin, detail: String },

    #[error("the kernel source {} (set by {origin}) is Linux {version}, but the demo's port targets Linux 6.1\n  fix: `sudo apt-get install linux-source-6.1`, or point {origin} at a 6.1 source", .path.display())]
    WrongKernelSeries { path: PathBuf, origin: SourceOrigin, version: String },

    #[error("{}:{line}: {message}\n  fix: correct that line of the file", .path.display())]
    SiteConfig { path: PathBuf, line: usize, message: String },

    #[error("{name}={value:?} is not valid\n  fix: unset it, or set it to {expected}")]
    BadEnvironment { name: &'static str, value: String, expected: &'static str },

    #[error("{} does not exist, so the kernel demo cannot be built\n  fix: restore demo-build/ from the repository, or build with --skip-demo to reuse the last demo build", .path.display())]
    MissingBuildScript { path: PathBuf },

    #[error("cannot {action} {}: {source}", .path.display())]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },

    #[error(
        "the kernel demo build failed ({status}){}; the last {} lines of {}:\n{tail}\n  fix: read the log above; rerun after fixing demo-build/, or build with --skip-demo to reuse the last demo build",
        step_suffix(.step),
        .tail.lines().count(),
        .log.display()
    )]
    BuildFailed { status: String, step: Option<String>, log: PathBuf, tail: String },

    #[error(
        "demo-build/{script} failed ({status}){}; the last {} lines of {}:\n{tail}\n  fix: read the log above; a missing package is named there (run `sudo demo-build/setup.sh`); rerun after fixing demo-build/, or build with --skip-demo to reuse the last demo build",
        step_suffix(.step),
        .tail.lines().count(),
        .log.display()
    )]
    ComponentBuildFailed { script: &'static str, status: String, step: Option<String>, log: PathBuf, tail: String },

    #[error("demo-build/{script} succeeded but did not write {file} into its --out directory (its output is in {})\n  fix: the script must write {required} into its --out directory", .log.display())]
    ComponentMissingFile { script: &'static str, file: String, required: String, log: PathBuf },

    #[error("demo-build/build-kernel.sh succeeded but did not write {file} into its --out directory (its output is in {})\n  fix: the script must write boot.js, boot.wasm, kernel-release.txt and config.txt into its --out directory", .log.display())]
    MissingArtifact { file: String, log: PathBuf },

    #[error(
        "the freshly built kernel did not boot under node ({outcome}); the last {} console lines (full console in {}):\n{tail}\n  fix: the boot contract is `node --no-experimental-fetch boot.js` printing the console and exiting 0 after a clean halt",
        .tail.lines().count(),
        .log.display()
    )]
    BootFailed { outcome: String, log: PathBuf, tail: String },

    #[error(
        "the freshly built kernel failed its self-test suite: {reason}; the last {} lines (full output in {}):\n{tail}\n  fix: run `node --no-experimental-fetch selftest.js` in the build's directory and fix the kernel port (demo-build/)",
        .tail.lines().count(),
        .log.display()
    )]
    SelftestFailed { reason: String, log: PathBuf, tail: String },

    #[error(
        "BusyBox's testsuite could not be run in the freshly built kernel: {reason}; the last {} lines (full output in {}):\n{tail}\n  fix: run `node --no-experimental-fetch demo-build/run-busybox-testsuite.js OUT BUSYBOX_OUT` by hand (OUT the kernel's build directory, BUSYBOX_OUT BusyBox's, in target/demo/) and fix the kernel port or the script",
        .tail.lines().count(),
        .log.display()
    )]
    TestsuiteFailed { reason: String, log: PathBuf, tail: String },

    #[error("{}: {source}\n  fix: delete the file; the next demo build writes it again", .path.display())]
    Manifest { path: PathBuf, source: serde_json::Error },

    #[error("cannot publish the manifest of the demo build in {}: {source}\n  fix: delete that directory so that the next build makes it again", .dir.display())]
    PublishManifest { dir: PathBuf, source: serde_json::Error },
}

impl DemoError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> DemoError {
        let path = path.into();
        move |source| DemoError::Io { action, path, source }
    }
}

fn describe_tools(tools: &[RequiredTool]) -> String {
    tools
        .iter()
        .map(|tool| format!("`{}` ({}, package {})", tool.command, tool.purpose, tool.package))
        .collect::<Vec<_>>()
        .join(", ")
}

fn packages_of(tools: &[RequiredTool]) -> String {
    let mut packages: Vec<&str> = tools.iter().map(|tool| tool.package).collect();
    packages.sort_unstable();
    packages.dedup();
    packages.join(" ")
}

fn step_suffix(step: &Option<String>) -> String {
    step.as_ref().map(|step| format!(" during step `{step}`")).unwrap_or_default()
}

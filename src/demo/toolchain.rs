//! The toolchain check that runs before anything else, so that a missing
//! program is reported in one message with its fix instead of as a failure
//! forty minutes into a kernel build.

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::{DemoError, RequiredTool};

/// Every program that `demo-build/build-kernel.sh`, `build-libc.sh` or the boot check runs,
/// with the Debian package that `demo-build/setup.sh` installs it from.
pub const REQUIRED_TOOLS: &[RequiredTool] = &[
    RequiredTool { command: "emcc", package: "emscripten", purpose: "compiles the kernel to WebAssembly" },
    RequiredTool { command: "node", package: "nodejs", purpose: "runs Emscripten and boots the demo" },
    RequiredTool { command: "make", package: "make", purpose: "drives kbuild" },
    RequiredTool { command: "cc", package: "gcc", purpose: "builds the kernel's host tools" },
    RequiredTool { command: "flex", package: "flex", purpose: "generates the Kconfig lexer" },
    RequiredTool { command: "bison", package: "bison", purpose: "generates the Kconfig parser" },
    RequiredTool { command: "bc", package: "bc", purpose: "computes kernel timer constants" },
    RequiredTool { command: "perl", package: "perl", purpose: "runs kbuild scripts" },
    RequiredTool { command: "python3", package: "python3", purpose: "runs Emscripten and kbuild scripts" },
    RequiredTool { command: "tar", package: "tar", purpose: "unpacks the kernel source" },
    RequiredTool { command: "patch", package: "patch", purpose: "applies demo-build/patches to the kernel source" },
    RequiredTool { command: "xz", package: "xz-utils", purpose: "decompresses the kernel source" },
    RequiredTool { command: "clang-14", package: "clang-14", purpose: "compiles the libc and user programs" },
    RequiredTool { command: "wasm-ld-14", package: "lld-14", purpose: "links user programs" },
    RequiredTool { command: "dpkg-source", package: "dpkg-dev", purpose: "unpacks Debian's musl source for the libc" },
];

/// The oldest Emscripten the kernel port is written against (Debian 12's).
pub const MINIMUM_EMSCRIPTEN: &str = "3.1.6";

/// What the check found: the versions that go into the cache key and the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toolchain {
    /// The first line of `emcc --version`, verbatim.
    pub emcc_version_line: String,
    /// `node --version`, e.g. `v20.19.2`.
    pub node_version: String,
    /// The PATH the tools were found in; the build and the boot run with it.
    pub path: OsString,
}

/// Checks that every program in [`REQUIRED_TOOLS`] is on `path`, then asks
/// emcc and node for their versions.
pub fn check(path: &OsStr) -> Result<Toolchain, DemoError> {
    let missing: Vec<RequiredTool> =
        REQUIRED_TOOLS.iter().copied().filter(|tool| find_program(tool.command, path).is_none()).collect();
    if !missing.is_empty() {
        return Err(DemoError::MissingTools { missing });
    }
    let emcc_version_line = first_line_of("emcc", "emscripten", path)?;
    let found = parse_emscripten_version(&emcc_version_line).ok_or_else(|| DemoError::ToolFailed {
        command: "emcc --version".into(),
        package: "emscripten",
        detail: format!("its first line {emcc_version_line:?} holds no version number"),
    })?;
    if found < parse_version(MINIMUM_EMSCRIPTEN).expect("the minimum is a version") {
        return Err(DemoError::UnsupportedEmscripten {
            found: format_version(found),
            minimum: MINIMUM_EMSCRIPTEN,
            version_line: emcc_version_line,
        });
    }
    let node_version = first_line_of("node", "nodejs", path)?;
    Ok(Toolchain { emcc_version_line, node_version, path: path.to_owned() })
}

/// The first executable file called `program` in the directories of `path`.
pub fn find_program(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path).map(|dir| dir.join(program)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    path.metadata().map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

fn first_line_of(program: &str, package: &'static str, path: &OsStr) -> Result<String, DemoError> {
    let command = format!("{program} --version");
    let failed = |detail: String| DemoError::ToolFailed { command: command.clone(), package, detail };
    let output = Command::new(find_program(program, path).unwrap_or_else(|| PathBuf::from(program)))
        .arg("--version")
        .env("PATH", path)
        .output()
        .map_err(|error| failed(error.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!("{} ({})", output.status, stderr.trim())));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .next()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .ok_or_else(|| failed("it printed nothing".into()))
}

/// The version in a line like
/// `emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 3.1.6 ()`:
/// the last word that parses as one.
pub fn parse_emscripten_version(line: &str) -> Option<(u32, u32, u32)> {
    line.split_whitespace().rev().find_map(|word| parse_version(word.trim_start_matches('v')))
}

fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split('.').map(|part| part.parse::<u32>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

fn format_version((major, minor, patch): (u32, u32, u32)) -> String {
    format!("{major}.{minor}.{patch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_debian_emscripten_version_line() {
        let line = "emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 3.1.6 ()";
        assert_eq!(parse_emscripten_version(line), Some((3, 1, 6)));
        assert_eq!(parse_emscripten_version("emcc (Emscripten) 3.1.69 (abc)"), Some((3, 1, 69)));
        assert_eq!(parse_emscripten_version("emcc with no version"), None);
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("3.1.10").unwrap() > parse_version("3.1.6").unwrap());
        assert!(parse_version("2.0.31").unwrap() < parse_version("3.1.6").unwrap());
        assert_eq!(parse_version("3.1"), None);
        assert_eq!(parse_version("3.1.6.1"), None);
    }

    #[test]
    fn missing_programs_are_named_with_their_packages() {
        let empty = tempfile::tempdir().unwrap();
        let error = check(empty.path().as_os_str()).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("`emcc` (compiles the kernel to WebAssembly, package emscripten)"), "{message}");
        assert!(message.contains("`xz` (decompresses the kernel source, package xz-utils)"), "{message}");
        assert!(message.contains("sudo demo-build/setup.sh"), "{message}");
        assert!(
            message.contains(
                "sudo apt-get install bc bison clang-14 dpkg-dev emscripten flex gcc lld-14 make nodejs patch perl python3 tar xz-utils"
            ),
            "{message}"
        );
    }
}

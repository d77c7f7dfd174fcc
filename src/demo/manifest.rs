//! `manifest.json`: the facts of one demo build, which the guide quotes.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::DemoError;

pub const MANIFEST_FILE: &str = "manifest.json";
/// Bumped when a field changes meaning or is removed.
pub const MANIFEST_VERSION: u32 = 2;

/// One demo build. Fields are declared in alphabetical order so that the
/// pretty JSON has sorted, stable keys (a unit test holds this).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub boot: BootFacts,
    /// Wall-clock seconds of the script run (not of the boot check).
    pub build_seconds: f64,
    /// BusyBox built with the libc (`demo-build/build-busybox.sh`), in the
    /// root file system; `None` for a port that ships none, and in manifests
    /// written before it existed.
    #[serde(default)]
    pub busybox: Option<super::busybox::BusyboxFacts>,
    /// BusyBox's own testsuite run inside this kernel after the self-tests;
    /// `None` for a port that ships no BusyBox, and in manifests written
    /// before it was run.
    #[serde(default)]
    pub busybox_testsuite: Option<super::testsuite::TestsuiteFacts>,
    pub cache_key: String,
    /// Compile units this build had to compile, as the script announced them
    /// (`@@lkljs total`, which the kernel port counts by a dry run of what is
    /// left to build), or the files compiled when it announced none. After an
    /// incremental rebuild in the reused work directory it is smaller than
    /// the kernel's full count.
    pub compile_units: u64,
    pub config_sha256: String,
    /// Everything a page downloads for a cold boot, each file compressed by
    /// Brotli at quality 11 as a host would serve it: `boot.js`,
    /// `boot.worker.js`, `boot.wasm` and `userland.cpio`. `None` in
    /// manifests written before it was measured.
    #[serde(default)]
    pub download_brotli_bytes: Option<u64>,
    /// Every file of the entry except the manifest, with its size in bytes:
    /// what the site copies into `public/demo/`.
    pub files: BTreeMap<String, u64>,
    /// `CC` and `AS` lines seen in this run.
    pub files_compiled: u64,
    /// Total bytes of the scripts a page downloads: `boot.js` and
    /// `boot.worker.js` (not the self-test module's `selftest*.js`).
    pub js_bytes: u64,
    /// `kernel-release.txt`, e.g. `6.1.158-lkljs`.
    pub kernel_version: String,
    /// The user programs' libc built before the kernel (`demo-build/build-libc.sh`);
    /// `None` for a port that ships none, and in manifests written before it existed.
    #[serde(default)]
    pub libc: Option<super::libc::LibcFacts>,
    pub manifest_version: u32,
    /// `node --version` of the node that ran the boot check.
    pub node_version: String,
    /// What processes cost, measured by the host in the testsuite's boot
    /// after the testsuite (medians of host-clock times, kernel memory from
    /// `/proc/meminfo`, node's resident memory), by name: see
    /// `demo-build/run-busybox-testsuite.js`. `None` when the testsuite did
    /// not run, and in manifests written before it was measured.
    #[serde(default)]
    pub processes: Option<super::testsuite::ProcessFigures>,
    /// The kernel's self-test suite (`selftest.js`) run once under node after
    /// the boot check; `None` for a kernel port that ships no self-test.
    pub selftest: Option<SelftestFacts>,
    pub source_date_epoch: u64,
    /// The kernel source's file name, never its path.
    pub source_file: String,
    pub source_sha256: String,
    /// From the source's top-level Makefile, e.g. `6.1.158`.
    pub source_version: String,
    /// The first line of `emcc --version`.
    pub toolchain: String,
    /// `userland.cpio`, the root file system's programs (BusyBox and its
    /// applets, the test programs): an archive beside the module that the
    /// loaders fetch with it and the host appends to the built-in initramfs.
    /// `None` for a port that compiles them into `boot.wasm`, and in
    /// manifests written before the split.
    #[serde(default)]
    pub userland: Option<UserlandFacts>,
    /// `boot.wasm` compressed by Brotli at quality 11 with a 16 MiB window.
    pub wasm_brotli_bytes: u64,
    pub wasm_bytes: u64,
    /// `boot.wasm` compressed by gzip at its best level.
    pub wasm_gzip_bytes: u64,
}

/// The boot check run right after the build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BootFacts {
    pub exit_code: i32,
    /// The console, up to its first [`BOOT_LOG_LINES`] lines.
    pub log: String,
    /// The lines a reader looks for: the version banner, command line, memory
    /// and zones, console, clocksource and the start of init.
    pub log_excerpt: Vec<String>,
    /// Lines the console printed in all (it may be longer than `log`).
    pub log_lines: u64,
    /// Kernel time from start to PID 1 entering its program (init), in
    /// milliseconds (its printk timestamp); `None` if the console lacks it.
    pub pid1_milliseconds: Option<f64>,
    pub seconds_to_last_line: f64,
}

/// The userland archive, `userland.cpio`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserlandFacts {
    /// Compressed by Brotli at quality 11 with a 16 MiB window.
    pub cpio_brotli_bytes: u64,
    pub cpio_bytes: u64,
    /// Compressed by gzip at its best level.
    pub cpio_gzip_bytes: u64,
}

/// The self-test suite's results: one entry per TAP case, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelftestFacts {
    pub cases: Vec<SelftestCase>,
    pub failed: u64,
    pub passed: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelftestCase {
    pub name: String,
    pub ok: bool,
}

/// How much of the console the manifest keeps; the whole is in `logs/boot-<key>.log`.
pub const BOOT_LOG_LINES: usize = 400;

impl Manifest {
    /// Every field as text under its dotted path (`wasm_bytes`,
    /// `boot.exit_code`, `files.boot.wasm`); lists are joined by newlines.
    /// Shortcodes look facts up here by name.
    pub fn facts(&self) -> BTreeMap<String, String> {
        let mut facts = BTreeMap::new();
        flatten(String::new(), &serde_json::to_value(self).expect("a manifest serialises"), &mut facts);
        facts
    }

    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a manifest serialises");
        json.push('\n');
        json
    }
}

fn flatten(prefix: String, value: &serde_json::Value, facts: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    let text = match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
                flatten(path, field, facts);
            }
            return;
        }
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("\n"),
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    facts.insert(prefix, text);
}

/// Reads a `manifest.json` written by a demo build.
pub fn read_manifest(path: &Path) -> Result<Manifest, DemoError> {
    let bytes = std::fs::read(path).map_err(DemoError::io("read", path))?;
    serde_json::from_slice(&bytes).map_err(|source| DemoError::Manifest { path: path.to_owned(), source })
}

/// Compressed sizes of `bytes`: (gzip at level 9, Brotli at quality 11).
/// Brotli at quality 11 takes tens of seconds on a kernel, so both run at once.
pub fn compressed_sizes(bytes: &[u8]) -> (u64, u64) {
    std::thread::scope(|scope| {
        let gzip = scope.spawn(|| {
            let mut encoder = flate2::write::GzEncoder::new(ByteCounter(0), flate2::Compression::best());
            encoder.write_all(bytes).expect("counting cannot fail");
            encoder.finish().expect("counting cannot fail").0
        });
        let brotli = {
            let mut encoder = brotli::CompressorWriter::new(ByteCounter(0), 1 << 16, 11, 24);
            encoder.write_all(bytes).expect("counting cannot fail");
            // into_inner finishes the stream; an explicit flush would add an empty block.
            encoder.into_inner().0
        };
        (gzip.join().expect("the gzip thread does not panic"), brotli)
    })
}

/// A writer that keeps only the number of bytes written to it.
struct ByteCounter(u64);

impl Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0 += bytes.len() as u64;
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Manifest {
        Manifest {
            boot: BootFacts {
                exit_code: 0,
                log: "Linux version 6.1.158-lkljs\nreboot: System halted\n".into(),
                log_excerpt: vec!["Linux version 6.1.158-lkljs".into()],
                log_lines: 2,
                pid1_milliseconds: Some(91.5),
                seconds_to_last_line: 1.25,
            },
            build_seconds: 2400.5,
            busybox: Some(super::super::busybox::BusyboxFacts {
                applets: 80,
                build_seconds: 90.5,
                busybox_wasm_brotli_bytes: 190_000,
                busybox_wasm_bytes: 450_000,
                cache_key: "0011223344556677".into(),
                version: "busybox 1:1.35.0-4+deb12u1 (Debian source package busybox)".into(),
            }),
            busybox_testsuite: Some(super::super::testsuite::TestsuiteFacts {
                failed: 1,
                failures: vec!["sed NUL in a line".into()],
                passed: 9,
                passed_percent: 90.0,
                seconds: 300.5,
                skipped: 2,
            }),
            cache_key: "0123456789abcdef".into(),
            compile_units: 1500,
            config_sha256: "ab".repeat(32),
            download_brotli_bytes: Some(2_300_000),
            files: BTreeMap::from([("boot.js".into(), 120_000), ("boot.wasm".into(), 9_000_000)]),
            files_compiled: 1500,
            js_bytes: 120_000,
            kernel_version: "6.1.158-lkljs".into(),
            libc: Some(super::super::libc::LibcFacts {
                build_seconds: 95.5,
                cache_key: "fedcba9876543210".into(),
                compiler_rt_bytes: 99_000,
                hello_wasm_brotli_bytes: 20_000,
                hello_wasm_bytes: 50_000,
                libc_a_bytes: 1_200_000,
                musl_version: "musl 1.2.3-1 (Debian source package musl)".into(),
            }),
            manifest_version: MANIFEST_VERSION,
            node_version: "v20.19.2".into(),
            processes: Some(BTreeMap::from([("sh_c_true_ms".into(), 12.5)])),
            selftest: Some(SelftestFacts {
                cases: vec![SelftestCase { name: "getpid returns 1".into(), ok: true }],
                failed: 0,
                passed: 1,
            }),
            source_date_epoch: 1_670_716_800,
            source_file: "linux-source-6.1.tar.xz".into(),
            source_sha256: "cd".repeat(32),
            source_version: "6.1.158".into(),
            toolchain: "emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 3.1.6 ()".into(),
            userland: Some(UserlandFacts { cpio_brotli_bytes: 200_000, cpio_bytes: 600_000, cpio_gzip_bytes: 250_000 }),
            wasm_brotli_bytes: 2_000_000,
            wasm_bytes: 9_000_000,
            wasm_gzip_bytes: 2_600_000,
        }
    }

    #[test]
    fn round_trips_through_json() {
        let manifest = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        std::fs::write(&path, manifest.to_json()).unwrap();
        assert_eq!(read_manifest(&path).unwrap(), manifest);
    }

    #[test]
    fn keys_are_sorted_at_every_level() {
        let value = serde_json::to_value(sample()).unwrap();
        fn check(value: &serde_json::Value) {
            if let serde_json::Value::Object(fields) = value {
                let keys: Vec<&String> = fields.keys().collect();
                let mut sorted = keys.clone();
                sorted.sort();
                assert_eq!(keys, sorted);
                fields.values().for_each(check);
            }
        }
        check(&value);
        // Also in the text, which is what lands on disk.
        let json = sample().to_json();
        let top_level: Vec<&str> =
            json.lines().filter(|line| line.starts_with("  \"")).map(|line| line.split('"').nth(1).unwrap()).collect();
        let mut sorted = top_level.clone();
        sorted.sort();
        assert_eq!(top_level, sorted);
    }

    #[test]
    fn facts_flatten_every_field_by_dotted_name() {
        let facts = sample().facts();
        assert_eq!(facts["wasm_bytes"], "9000000");
        assert_eq!(facts["boot.exit_code"], "0");
        assert_eq!(facts["boot.seconds_to_last_line"], "1.25");
        assert_eq!(facts["boot.log_excerpt"], "Linux version 6.1.158-lkljs");
        assert_eq!(facts["files.boot.wasm"], "9000000");
        assert_eq!(facts["source_file"], "linux-source-6.1.tar.xz");
        assert_eq!(facts["boot.pid1_milliseconds"], "91.5");
        assert_eq!(facts["selftest.passed"], "1");
        assert_eq!(facts["libc.libc_a_bytes"], "1200000");
        assert_eq!(facts["busybox_testsuite.passed_percent"], "90.0");
        assert_eq!(facts["processes.sh_c_true_ms"], "12.5");
    }

    #[test]
    fn malformed_manifest_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        std::fs::write(&path, "{\n  \"boot\": 3\n}\n").unwrap();
        let message = read_manifest(&path).unwrap_err().to_string();
        assert!(message.contains(&path.display().to_string()) && message.contains("line 2"), "{message}");
    }

    #[test]
    fn compressed_sizes_match_real_decompression() {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let (gzip, brotli) = compressed_sizes(&data);
        assert!(gzip > 0 && gzip < data.len() as u64, "{gzip}");
        assert!(brotli > 0 && brotli < gzip, "{brotli} vs {gzip}");

        let mut compressed = Vec::new();
        let mut encoder = brotli::CompressorWriter::new(&mut compressed, 1 << 16, 11, 24);
        encoder.write_all(&data).unwrap();
        drop(encoder);
        assert_eq!(compressed.len() as u64, brotli);
        let mut decompressed = Vec::new();
        brotli::BrotliDecompress(&mut compressed.as_slice(), &mut decompressed).unwrap();
        assert_eq!(decompressed, data);
    }
}

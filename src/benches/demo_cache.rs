//! What the demo step costs when the kernel is already built: a cache hit
//! with the real toolchain and the real kernel source, with and without the
//! memoised source hash. The build itself is the fake one of the tests, so
//! this measures the step, not the kernel. Prints figures; asserts nothing.
//!
//! `cargo bench --bench demo_cache`

use std::path::Path;
use std::time::{Duration, Instant};

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DEFAULT_KERNEL_SOURCE, DemoOutcome, DemoRequest, prepare};

#[allow(dead_code, reason = "a benchmark uses a part of the summaries")]
mod stats;

const HITS: usize = 7;

fn main() {
    let source = Path::new(DEFAULT_KERNEL_SOURCE);
    if !source.exists() {
        eprintln!(
            "demo_cache: {DEFAULT_KERNEL_SOURCE} is missing; install it with `sudo apt-get install linux-source-6.1`"
        );
        std::process::exit(1);
    }
    let site = tempfile::tempdir().expect("a temporary directory");
    let demo_build = site.path().join("demo-build");
    std::fs::create_dir(&demo_build).expect("demo-build/");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/fake-demo-build/build-kernel.sh");
    std::fs::copy(fixture, demo_build.join("build-kernel.sh")).expect("the fake build script");
    let request = DemoRequest::new(site.path(), DemoMode::Build).kernel_source(source);

    let (miss, outcome) = timed(|| prepare(&request).expect("the fake build succeeds"));
    let DemoOutcome::Ready(artifacts) = outcome else { unreachable!("a build never gives a placeholder") };
    let hits: Vec<Duration> = (0..HITS).map(|_| timed(|| prepare(&request).expect("a hit")).0).collect();
    let memo = site.path().join("target/demo/source-fingerprint.json");
    let unmemoised: Vec<Duration> = (0..3)
        .map(|_| {
            std::fs::remove_file(&memo).expect("the memo exists after a build");
            timed(|| prepare(&request).expect("a hit")).0
        })
        .collect();
    let reuse: Vec<Duration> = (0..HITS)
        .map(|_| timed(|| prepare(&DemoRequest::new(site.path(), DemoMode::ReuseLast)).expect("reuse")).0)
        .collect();

    let size = std::fs::metadata(source).map(|metadata| metadata.len()).unwrap_or(0);
    println!(
        "source: {DEFAULT_KERNEL_SOURCE} ({:.1} MB), Linux {}",
        size as f64 / 1e6,
        artifacts.manifest.source_version
    );
    println!("first build (fake script, includes hashing the source): {}", millis(miss));
    println!(
        "cache hit, memoised source hash:     median {} (min {}, {HITS} runs)",
        millis(stats::median_duration(&hits)),
        millis(min(&hits))
    );
    println!(
        "cache hit, source re-hashed:         median {} (min {}, 3 runs)",
        millis(stats::median_duration(&unmemoised)),
        millis(min(&unmemoised))
    );
    println!(
        "--skip-demo (reuse last):            median {} (min {}, {HITS} runs)",
        millis(stats::median_duration(&reuse)),
        millis(min(&reuse))
    );
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = work();
    (started.elapsed(), value)
}

fn min(samples: &[Duration]) -> Duration {
    samples.iter().copied().min().unwrap_or_default()
}

fn millis(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

//! What processes cost under node, measured by the same script as the
//! manifest's `processes` figures (`demo-build/run-busybox-testsuite.js
//! --figures-only`: everything but BusyBox's testsuite), in several boots of
//! the demo build of this repository (built first if the cache has none):
//! pipe throughput (`dd | cat` and the issue's `dd bs=1M count=8 | wc -c`,
//! each a median of its rounds with the slowest and fastest round), node's
//! resident memory after 0, 250, 500 and 1,000 spawns, process creation,
//! system calls and memory per process. Prints, for each figure, the median
//! of the boots with their min and max; asserts nothing.
//!
//! `cargo bench --bench processes`

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use lkljs_site::demo::{TESTSUITE_SCRIPT, parse_figure};

#[path = "built_demo.rs"]
mod built_demo;
#[allow(dead_code, reason = "a benchmark uses a part of the summaries")]
mod stats;

/// Boots measured; each runs every figure once (its own rounds inside).
const BOOTS: usize = 5;

fn main() {
    let artifacts = built_demo::built_demo("processes");
    let dir = &artifacts.dir;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo-build").join(TESTSUITE_SCRIPT);
    let mut figures: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for boot in 1..=BOOTS {
        eprintln!("processes: boot {boot} of {BOOTS}");
        let output = Command::new("node")
            .arg("--no-experimental-fetch")
            .arg(&script)
            .arg("--figures-only")
            .arg(dir)
            .env("LKLJS_BOOT_TIMEOUT_SECONDS", "600")
            .output()
            .expect("node runs (sudo demo-build/setup.sh installs it)");
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            eprintln!("processes: boot {boot} ended with {}:\n{stdout}", output.status);
            std::process::exit(1);
        }
        for figure in stdout.lines().filter_map(parse_figure) {
            let (name, value) = figure.unwrap_or_else(|error| panic!("{error}"));
            figures.entry(name.to_owned()).or_default().push(value);
        }
    }
    if figures.is_empty() {
        eprintln!("processes: {} printed no figures", script.display());
        std::process::exit(1);
    }
    println!("{:<48} {:>10} {:>10} {:>10}  ({BOOTS} boots)", "figure", "median", "min", "max");
    for (name, values) in &figures {
        let Some(spread) = stats::spread(values) else { continue };
        println!("{name:<48} {:>10.3} {:>10.3} {:>10.3}", spread.median, spread.min, spread.max);
    }
    println!(
        "(NAME_min and NAME_max are a boot's slowest and fastest round; their own columns span the boots. \
         Load average now: {})",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
}

//! A benchmark's figures recorded in `content/benchmarks.json`, which the
//! guide's results page quotes as facts (`{{ fact(name="bench.demo_page.cold.navigation_to_prompt_ms") }}`,
//! see `Facts` in src/markdown/shortcodes.rs), so that no figure there is typed by hand.
//!
//! Only with `LKLJS_BENCH_RECORD=1`: a quick run with fewer rounds or on a
//! busy machine must not replace the reviewed figures. Each benchmark
//! replaces only its own entry. The file holds medians with their minimum and
//! maximum, the number of runs and a description of the machine; no date, no
//! host or user name, so the site built from it stays reproducible.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

/// The environment variable that makes a benchmark record its figures.
pub const RECORD_VARIABLE: &str = "LKLJS_BENCH_RECORD";

pub fn recording() -> bool {
    std::env::var_os(RECORD_VARIABLE).is_some_and(|value| !value.is_empty() && value != "0")
}

fn benchmarks_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content/benchmarks.json")
}

/// `{"median", "min", "max"}` of `values`, rounded to `decimals` places.
pub fn spread(values: &[f64], decimals: i32) -> Value {
    let Some(spread) = crate::stats::spread(values) else { return Value::Null };
    let scale = 10f64.powi(decimals);
    let round = |value: f64| {
        let rounded = (value * scale).round() / scale;
        if decimals <= 0 { json!(rounded as i64) } else { json!(rounded) }
    };
    json!({ "median": round(spread.median), "min": round(spread.min), "max": round(spread.max) })
}

/// The machine the figures were measured on: processor, cores, memory, and
/// how busy it was when the benchmark started (other work skews the figures).
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name").and_then(|rest| rest.split_once(':')).map(|(_, name)| name.trim())
        })
        .unwrap_or("unknown processor");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or_else(|| "unknown memory".to_owned(), |kib| format!("{:.0} GiB", kib / 1048576.0));
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{cores} cores ({model}), {memory_gib}; load average {load} at the start")
}

/// Replaces `bench`'s entry of `content/benchmarks.json` with `figures`, when
/// recording; otherwise says how to record.
pub fn record(bench: &str, figures: Value) {
    let file = benchmarks_file();
    if !recording() {
        println!(
            "(not recorded; `{RECORD_VARIABLE}=1 cargo bench --bench {bench}` writes these figures to {})",
            file.display()
        );
        return;
    }
    let mut all: Map<String, Value> = match std::fs::read_to_string(&file) {
        Ok(text) => serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}; fix it or remove it to record afresh", file.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(error) => panic!("cannot read {}: {error}", file.display()),
    };
    all.insert(bench.to_owned(), figures);
    let mut text = serde_json::to_string_pretty(&Value::Object(all)).expect("JSON values serialise");
    text.push('\n');
    std::fs::write(&file, text).unwrap_or_else(|error| panic!("cannot write {}: {error}", file.display()));
    println!("recorded in {} (review and commit it; the results page quotes it)", file.display());
}

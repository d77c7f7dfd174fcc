//! The live kernel under node: boot to PID 1, a getpid round trip from a host
//! thread, the cost of a host thread with its kernel task, and memory. Uses
//! the demo build of this repository (built first if the cache has none).
//! Prints figures; asserts nothing.
//!
//! `cargo bench --bench kernel_alive`

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DemoOutcome, DemoRequest, pid1_milliseconds, prepare};

/// Boots measured for the boot figures (the median is printed).
const BOOTS: usize = 7;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let artifacts = match prepare(&DemoRequest::new(root, DemoMode::Build)) {
        Ok(DemoOutcome::Ready(artifacts)) => artifacts,
        Ok(DemoOutcome::Placeholder { reason }) => panic!("a build never gives a placeholder: {reason}"),
        Err(error) => {
            eprintln!("kernel_alive: the demo build failed: {error}");
            std::process::exit(1);
        }
    };
    let dir = &artifacts.dir;
    println!("kernel: Linux {} ({})", artifacts.manifest.kernel_version, dir.display());
    println!(
        "boot.wasm: {} bytes, {} with gzip, {} with Brotli",
        artifacts.manifest.wasm_bytes, artifacts.manifest.wasm_gzip_bytes, artifacts.manifest.wasm_brotli_bytes
    );

    let mut kernel_pid1 = Vec::new();
    let mut process_wall = Vec::new();
    for _ in 0..BOOTS {
        let started = Instant::now();
        let output = node(dir, &["boot.js"]);
        process_wall.push(started.elapsed().as_secs_f64() * 1000.0);
        let console: Vec<String> = output.lines().map(String::from).collect();
        match pid1_milliseconds(&console) {
            Some(milliseconds) => kernel_pid1.push(milliseconds),
            None => eprintln!("kernel_alive: a boot did not report PID 1:\n{output}"),
        }
    }
    println!(
        "boot to PID 1, kernel clock:          median {:.1} ms ({} boots)",
        median(&mut kernel_pid1),
        kernel_pid1.len()
    );
    println!("node boot.js start to exit (halted):  median {:.1} ms ({BOOTS} boots)", median(&mut process_wall));

    let mut figures: Vec<(String, Vec<f64>)> = Vec::new();
    for _ in 0..3 {
        for line in node(dir, &["selftest.js", "--bench"]).lines() {
            let Some((name, value)) = line.strip_prefix("@@bench ").and_then(|rest| rest.split_once(' ')) else {
                continue;
            };
            let Ok(value) = value.trim().parse::<f64>() else { continue };
            match figures.iter_mut().find(|(known, _)| known == name) {
                Some((_, values)) => values.push(value),
                None => figures.push((name.to_owned(), vec![value])),
            }
        }
    }
    for (name, values) in &mut figures {
        let count = values.len();
        println!("{:<48} median {:.3} ({count} runs)", describe(name), median(values));
    }
    if figures.is_empty() {
        eprintln!("kernel_alive: selftest.js --bench printed no figures");
        std::process::exit(1);
    }
}

/// What each `@@bench` figure of `selftest.js --bench` measures.
fn describe(name: &str) -> &str {
    match name {
        "boot_to_pid1_ms" => "boot to PID 1, host clock (ms)",
        "getpid_round_trip_us" => "getpid round trip from a host thread (µs)",
        "thread_and_task_create_ms" => "host thread + kernel task, create to exit (ms)",
        "spawn_exec_wait_ms" => "spawn + exec + wait4 of /bin/lkljs-true (ms)",
        "user_getppid_round_trip_us" => "getppid round trip from a wasm program (µs)",
        "program_spawn_exec_wait_ms" => "posix_spawn + exec + wait of /bin/lkljs-true by a program (ms)",
        "signal_round_trip_us" => "kill(self) -> handler -> rt_sigreturn round trip (µs)",
        "kill_spinning_child_ms" => "SIGKILL to a child in a pure loop until reaped (ms)",
        "loop_check_ns_per_round" => "tight loop, one round, with the loop check (ns)",
        "loop_unchecked_ns_per_round" => "tight loop, one round, without the loop check (ns)",
        "mem_free_low_water_kib" => "kernel MemFree low-water (KiB of 32 MiB)",
        "node_max_rss_kib" => "node peak RSS (KiB)",
        other => other,
    }
}

/// Runs a script of the build under node and returns its standard output.
fn node(dir: &Path, arguments: &[&str]) -> String {
    let output = Command::new("node")
        .arg("--no-experimental-fetch")
        .args(arguments)
        .current_dir(dir)
        .env("LKLJS_BOOT_TIMEOUT_SECONDS", Duration::from_secs(120).as_secs().to_string())
        .output()
        .expect("node runs (sudo demo-build/setup.sh installs it)");
    if !output.status.success() {
        eprintln!("kernel_alive: node {arguments:?} exited with {}", output.status);
    }
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

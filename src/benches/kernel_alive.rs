//! The live kernel under node: boot to PID 1 and to the shell's prompt (with
//! where the time to the prompt goes: node's start-up and the module's
//! compilation, the kernel's boot to PID 1, `/init` and the shell), a
//! getpid round trip from a host thread, the cost of a host thread with its
//! kernel task, memory, and the BusyBox shell's process creation
//! (`sh -c true`, a 3-stage pipeline, a loop of 100 processes, an exec of
//! BusyBox already compiled in the worker). Uses the demo
//! build of this repository (built first if the cache has none). Prints
//! figures; asserts nothing. With `LKLJS_BENCH_RECORD=1` it records the
//! boot figures and the getpid round trip in `content/benchmarks.json`,
//! which the guide's results page quotes (record.rs).
//!
//! `cargo bench --bench kernel_alive`

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use lkljs_site::demo::pid1_milliseconds;

#[path = "built_demo.rs"]
mod built_demo;
mod record;
#[allow(dead_code, reason = "a benchmark uses a part of the summaries")]
mod stats;

/// Boots measured for the boot figures (the median is printed).
const BOOTS: usize = 7;

fn main() {
    // Before any work of its own: how busy the machine was at the start.
    let machine = record::machine();
    let artifacts = built_demo::built_demo("kernel_alive");
    let dir = &artifacts.dir;
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
        median(&kernel_pid1),
        kernel_pid1.len()
    );
    println!("node boot.js start to exit (halted):  median {:.1} ms ({BOOTS} boots)", median(&process_wall));

    let prompts: Vec<PromptTiming> = (0..BOOTS).filter_map(|_| start_to_prompt(dir)).collect();
    let to_prompt: Vec<f64> = prompts.iter().map(|timing| timing.total_ms).collect();
    let prompt = stats::spread(&to_prompt).unwrap_or(stats::Spread { median: f64::NAN, min: f64::NAN, max: f64::NAN });
    println!(
        "node boot.js start to shell prompt:   median {:.1} ms, min {:.1}, max {:.1} ({} boots)",
        prompt.median,
        prompt.min,
        prompt.max,
        to_prompt.len()
    );
    let phase = |part: fn(&PromptTiming) -> f64| median(&prompts.iter().map(part).collect::<Vec<_>>());
    println!(
        "  where it goes (medians): node's start, its second start and the module's compilation {:.0} ms \
         + the kernel's start to PID 1 in user mode {:.0} ms + /init and the shell's start {:.0} ms",
        phase(|timing| timing.to_kernel_ms),
        phase(|timing| timing.kernel_to_pid1_ms),
        phase(PromptTiming::pid1_to_prompt_ms)
    );

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
    for (name, values) in &figures {
        let count = values.len();
        println!("{:<48} median {:.3} ({count} runs)", describe(name), median(values));
    }
    if figures.is_empty() {
        eprintln!("kernel_alive: selftest.js --bench printed no figures");
        std::process::exit(1);
    }
    let getpid = figures.iter().find(|(name, _)| name == "getpid_round_trip_us").map_or(&[][..], |(_, values)| values);
    record::record(
        "kernel_alive",
        serde_json::json!({
            "command": "cargo bench --bench kernel_alive",
            "machine": machine,
            "node": node_version(),
            "boots": BOOTS,
            "start_to_prompt_ms": record::spread(&to_prompt, 0),
            "start_to_exit_ms": record::spread(&process_wall, 0),
            "boot_to_pid1_kernel_clock_ms": record::spread(&kernel_pid1, 0),
            "getpid_round_trip_us": record::spread(getpid, 1),
        }),
    );
    shell_figures(dir);
}

/// `node --version`, as the figures' description.
fn node_version() -> String {
    Command::new("node")
        .arg("--version")
        .output()
        .map(|output| format!("node {}", String::from_utf8_lossy(&output.stdout).trim()))
        .unwrap_or_else(|_| "node".to_owned())
}

/// Runs of each shell figure (the median is printed).
const SHELL_RUNS: usize = 7;

/// The BusyBox shell's process creation, timed by the host from the spawn
/// of `sh -c SCRIPT` to its reap, in one boot (the tests' run-applets.js).
fn shell_figures(dir: &Path) {
    const LOOP: &str = "for i in $(seq 100); do /bin/true; done";
    // The manifest's exec_compiled_busybox_ms (demo-build/run-busybox-testsuite.js):
    // `sh -c CHAIN CHAIN N` execs itself N times in one process, whose worker
    // has BusyBox compiled from the first; less the chain of none, per link.
    const CHAIN: &str = r#"if [ "$1" -gt 0 ]; then exec /bin/sh -c "$0" "$0" $(($1 - 1)); fi"#;
    const LINKS: usize = 40;
    let sh = |script: &str| vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()];
    let chain = |links: usize| [sh(CHAIN), vec![CHAIN.to_owned(), links.to_string()]].concat();
    let figures = [
        ("sh -c 'true' (ms)".to_owned(), sh("true")),
        ("sh -c 'echo hi | tr a-z A-Z | wc -c' (ms)".to_owned(), sh("echo hi | tr a-z A-Z | wc -c")),
        (format!("sh -c '{LOOP}' (ms)"), sh(LOOP)),
        ("a chain of no `exec sh -c` (ms)".to_owned(), chain(0)),
        (format!("a chain of {LINKS} `exec sh -c` (ms)"), chain(LINKS)),
    ];
    let commands: Vec<serde_json::Value> = figures
        .iter()
        .flat_map(|(_, argv)| std::iter::repeat_n(serde_json::json!({ "argv": argv }), SHELL_RUNS))
        .collect();
    let scratch = std::env::temp_dir().join(format!("kernel-alive-shell-{}.json", std::process::id()));
    std::fs::write(&scratch, serde_json::Value::Array(commands).to_string())
        .expect("the temporary directory is writable");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/busybox/run-applets.js");
    let output = node(dir, &[script.to_str().unwrap(), dir.to_str().unwrap(), scratch.to_str().unwrap()]);
    let _ = std::fs::remove_file(&scratch);
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); figures.len()];
    for (index, line) in output.lines().filter_map(|line| line.strip_prefix("@@result ")).enumerate() {
        let result: serde_json::Value = serde_json::from_str(line).expect("run-applets.js prints JSON results");
        if result["status"] != 0 {
            eprintln!("kernel_alive: a shell run failed: {line}");
            continue;
        }
        times[index / SHELL_RUNS].push(result["milliseconds"].as_f64().unwrap_or(f64::NAN));
    }
    if times.iter().any(Vec::is_empty) {
        eprintln!("kernel_alive: run-applets.js did not run the shell figures:\n{output}");
        std::process::exit(1);
    }
    for ((name, _), values) in figures.iter().zip(&times) {
        let count = values.len();
        println!("{:<48} median {:.3} ({count} runs)", name, median(values));
    }
    let loop_median = median(&times[2]);
    println!("{:<48} median {:.3}", "the loop's time per process (ms)", loop_median / 100.0);
    let per_link = (median(&times[4]) - median(&times[3])) / LINKS as f64;
    println!("{:<48} median {per_link:.3}  [target <= 2 ms]", "exec of BusyBox, already compiled (ms)");
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

/// One boot's time to the shell's prompt, and where it went.
struct PromptTiming {
    total_ms: f64,
    /// Up to the kernel's start: node's own start-up, its second start with
    /// stack switching, and the module's compilation and instantiation.
    to_kernel_ms: f64,
    /// The kernel's clock when PID 1 enters user mode (`/init`'s exec).
    kernel_to_pid1_ms: f64,
}

impl PromptTiming {
    /// From PID 1's entry to the prompt: `/init` sets the machine up and
    /// starts the shell, which prints its banner and prompt.
    fn pid1_to_prompt_ms(&self) -> f64 {
        self.total_ms - self.to_kernel_ms - self.kernel_to_pid1_ms
    }
}

/// Starts `node boot.js` with a pipe as stdin and times it until the shell's
/// prompt ("# ") is on stdout; then ends stdin, so that the shell exits and
/// the machine halts. The kernel's log line for PID 1's entry to user mode,
/// which node writes as the kernel prints it, splits the time: its arrival
/// less its timestamp is when the kernel started. `None` if no prompt came.
fn start_to_prompt(dir: &Path) -> Option<PromptTiming> {
    use std::io::Read;
    let started = Instant::now();
    let mut child = Command::new("node")
        .args(["--no-experimental-fetch", "boot.js"])
        .current_dir(dir)
        .env("LKLJS_BOOT_TIMEOUT_SECONDS", "120")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs (sudo demo-build/setup.sh installs it)");
    let mut stdout = child.stdout.take().unwrap();
    let (mut seen, mut buffer, mut timing) = (Vec::new(), [0u8; 4096], None);
    // (arrival, timestamp) of PID 1's line, in ms since the start.
    let mut pid1_line = None;
    while let Ok(count) = stdout.read(&mut buffer) {
        if count == 0 {
            break;
        }
        let arrived = started.elapsed().as_secs_f64() * 1000.0;
        seen.extend_from_slice(&buffer[..count]);
        if pid1_line.is_none() {
            let lines: Vec<String> = String::from_utf8_lossy(&seen).lines().map(String::from).collect();
            pid1_line = pid1_milliseconds(&lines).map(|stamp| (arrived, stamp));
        }
        if seen.ends_with(b"# ") {
            timing = pid1_line.map(|(pid1_arrived, stamp)| PromptTiming {
                total_ms: arrived,
                to_kernel_ms: pid1_arrived - stamp,
                kernel_to_pid1_ms: stamp,
            });
            break;
        }
    }
    drop(child.stdin.take());
    let _ = stdout.read_to_end(&mut seen);
    let _ = child.wait();
    if timing.is_none() {
        eprintln!("kernel_alive: no shell prompt, or no line for PID 1 before it:\n{}", String::from_utf8_lossy(&seen));
    }
    timing
}

/// The median, NaN (printed as such) when a figure has no values.
fn median(values: &[f64]) -> f64 {
    stats::median(values).unwrap_or(f64::NAN)
}

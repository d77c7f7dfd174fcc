//! The real kernel: Debian's Linux 6.1 compiled to WebAssembly by `demo-build/`
//! with Emscripten, then booted under node as a reader's browser would run it.
//!
//! The first run takes as long as a kernel build (minutes on two cores);
//! later runs reuse `target/demo/cache/` and take seconds, except the
//! reproducibility test, which always compiles the kernel once more from
//! scratch in another directory. `LKLJS_TEST_SITE_ROOT` points them at another
//! site root than this repository (e.g. one holding a `demo-build/` under
//! development).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use lkljs_site::build::{BuildOptions, DemoMode, SiteBuilder};
use lkljs_site::serve::{ServeConfig, start};

use crate::support::kernel::{run_with_watchdog, site_root};

#[test]
fn the_site_build_publishes_a_kernel_that_boots() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_lkljs-site"))
        .args(["build", "--root"])
        .arg(site_root())
        .arg("--output")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success(), "lkljs-site build failed: {status}");
    let demo = out.path().join("demo");
    assert_boots(&demo);
    assert_selftest_passes(&demo);
}

/// The cases of demo-build/host/selftest.c plus the clean halt that
/// selftest.js adds; a case that silently disappears fails this count.
const SELFTEST_CASES: usize = 51;

/// `node --no-experimental-fetch selftest.js` in the published directory:
/// every case passes, and the last line is the summary.
fn assert_selftest_passes(dir: &Path) {
    let output = run_with_watchdog(
        Command::new("node").args(["--no-experimental-fetch", "selftest.js"]).current_dir(dir),
        Duration::from_secs(180),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let context = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "selftest.js must exit 0\n{context}");
    let lines: Vec<String> = stdout.lines().map(String::from).collect();
    assert_eq!(
        lines.last().map(String::as_str),
        Some(format!("{SELFTEST_CASES} passed, 0 failed").as_str()),
        "{context}"
    );
    let facts = lkljs_site::demo::parse_tap(&lines).unwrap_or_else(|why| panic!("{why}\n{context}"));
    assert_eq!(facts.cases.len(), SELFTEST_CASES, "{context}");
    assert!(facts.cases.iter().all(|case| case.ok), "{context}");
    // The /proc listing case names the kernel threads it found.
    for thread in [" kthreadd", " ksoftirqd/0", " kworker/"] {
        assert!(
            lines.iter().any(|line| line.starts_with("# ") && line.contains(thread)),
            "no diagnostic naming{thread}\n{context}"
        );
    }
}

/// Module.lkljs from JavaScript under node: demo-build/check-js-api.js
/// makes system calls through channels, interrupts one and halts.
#[test]
fn javascript_makes_system_calls_through_module_lkljs() {
    let artifacts = crate::support::kernel::build(&site_root());
    let output = run_with_watchdog(
        Command::new("node")
            .arg("--no-experimental-fetch")
            .arg(site_root().join("demo-build/check-js-api.js"))
            .arg(&artifacts.dir),
        Duration::from_secs(180),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let context = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "check-js-api.js failed\n{context}");
    assert!(!stdout.contains("not ok"), "{context}");
    for check in [
        // The calls run in lkljs-host, the host's process, not in PID 1 (/init).
        "ok - getpid is the host's process, a child of kthreadd",
        "ok - uname reports Linux 6.1",
        "ok - channel.interrupt() makes it return -EINTR",
        "ok - Module.lkljs.spawn runs a program that wait4 reaps",
        "ok - Module.lkljs.halt() halts the kernel",
    ] {
        assert!(stdout.lines().any(|line| line == check), "missing {check:?}\n{context}");
    }
}

/// Under node 20, as in the page, the kernel's threads are coroutines of the
/// runtime's thread (demo-build/host/lkljs-coroutines.js): `node boot.js`
/// runs itself again in a node with V8's stack switching, and boot starts
/// only the workers that /init, the host's process and the shell need, and
/// a few spares. A preloaded script (node passes it on to the second run)
/// counts the workers that each node process starts. The run passes the
/// shell's exit status and output through.
#[test]
fn under_node_the_kernels_threads_are_coroutines_too() {
    let artifacts = crate::support::kernel::build(&site_root());
    let scratch = tempfile::tempdir().unwrap();
    let counter = scratch.path().join("count-workers.js");
    std::fs::write(
        &counter,
        "const threads = require('worker_threads');\n\
         const Worker = threads.Worker;\n\
         let started = 0;\n\
         threads.Worker = class extends Worker { constructor(...args) { super(...args); started++; } };\n\
         process.on('exit', () => { process.stderr.write(`workers started: ${started}\\n`); });\n",
    )
    .unwrap();
    let output = crate::support::kernel::run_with_input_and_watchdog(
        Command::new("node")
            .args(["--no-experimental-fetch", "--require"])
            .arg(&counter)
            .arg("boot.js")
            .current_dir(&artifacts.dir),
        Some(b"echo hi | tr a-z A-Z\nexit 3\n"),
        Duration::from_secs(180),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let context = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
    assert_eq!(output.status.code(), Some(3), "{context}");
    assert!(stdout.lines().any(|line| line == "HI"), "{context}");
    let counts: Vec<u32> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("workers started: "))
        .map(|count| count.parse().unwrap())
        .collect();
    // The first node starts none (it runs the second); the second, one for
    // /init, the host's process, the shell, `tr` and its pipe's other side
    // at most, and two spares. With a worker for each of the 9 kernel
    // threads as well, it would start 12 or more by the prompt alone.
    assert_eq!(counts.len(), 2, "not two node processes, each counting its workers\n{context}");
    assert_eq!(counts[1], 0, "the first node started workers itself\n{context}");
    assert!(
        (3..=8).contains(&counts[0]),
        "node started {} workers: are the kernel threads not coroutines under node?\n{context}",
        counts[0]
    );
}

#[test]
fn the_demo_step_builds_a_kernel_that_boots() {
    let artifacts = crate::support::kernel::build(&site_root());
    let manifest = &artifacts.manifest;
    assert!(manifest.kernel_version.starts_with("6.1."), "{}", manifest.kernel_version);
    assert_eq!(manifest.boot.exit_code, 0);
    assert!(manifest.wasm_brotli_bytes < manifest.wasm_gzip_bytes && manifest.wasm_gzip_bytes < manifest.wasm_bytes);
    // compile_units is what this build compiled: small after an incremental rebuild.
    assert!(manifest.toolchain.starts_with("emcc (Emscripten"), "{}", manifest.toolchain);
    for file in &artifacts.files {
        assert!(artifacts.dir.join(file).is_file(), "{file}");
    }
    for file in ["selftest.js", "selftest.wasm", "selftest.worker.js"] {
        assert!(artifacts.files.iter().any(|published| published == file), "{file}: {:?}", artifacts.files);
    }
    let selftest = manifest.selftest.as_ref().expect("the real port ships a self-test suite");
    assert_eq!((selftest.passed, selftest.failed), (SELFTEST_CASES as u64, 0), "{selftest:#?}");
    assert!(selftest.cases.iter().any(|case| case.name == "getpid returns 1" && case.ok), "{selftest:#?}");
    let pid1 = manifest.boot.pid1_milliseconds.expect("the boot log reports PID 1's hand-over");
    assert!(pid1 > 0.0 && pid1 < 60_000.0, "{pid1}");
    let userland = manifest.userland.as_ref().expect("the real port ships userland.cpio");
    assert_eq!(userland.cpio_bytes, std::fs::metadata(artifacts.dir.join("userland.cpio")).unwrap().len());
    assert!(userland.cpio_brotli_bytes < userland.cpio_gzip_bytes && userland.cpio_gzip_bytes < userland.cpio_bytes);
    let download = manifest.download_brotli_bytes.expect("the cold download is measured");
    assert!(download > manifest.wasm_brotli_bytes + userland.cpio_brotli_bytes, "{download}");
    assert_boots(&artifacts.dir);
}

/// Every program of the root file system is in userland.cpio, beside the
/// module, not in boot.wasm: the archive holds BusyBox, its applet links
/// (sorted) and the test programs, the module none of them, and the booted
/// kernel runs them from the two archives unpacked together (PID 1 and the
/// shell need the skeleton's directories and /etc from the module's).
#[test]
fn the_programs_are_in_userland_cpio_beside_the_module() {
    let artifacts = crate::support::kernel::build(&site_root());
    let read = |name: &str| std::fs::read(artifacts.dir.join(name)).unwrap();
    let contains = |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|window| window == needle);
    let (archive, module) = (read("userland.cpio"), read("boot.wasm"));
    assert!(archive.starts_with(b"070701"), "userland.cpio is not a newc cpio archive");
    // The archive's names, in order (newc: a 110-byte header, the name, padding to 4).
    let mut names = Vec::new();
    let mut at = 0;
    while at + 110 <= archive.len() && archive[at..].starts_with(b"070701") {
        let field = |index: usize| {
            let start = at + 6 + index * 8;
            usize::from_str_radix(std::str::from_utf8(&archive[start..start + 8]).unwrap(), 16).unwrap()
        };
        let (file_size, name_size) = (field(6), field(11));
        let name = String::from_utf8_lossy(&archive[at + 110..at + 110 + name_size - 1]).into_owned();
        at = (at + 110 + name_size).next_multiple_of(4);
        at = (at + file_size).next_multiple_of(4);
        if name == "TRAILER!!!" {
            break;
        }
        names.push(name);
    }
    for program in ["bin/busybox", "bin/proc-test", "bin/musl-hello", "bin/lkljs-hello", "bin/ls", "bin/sh"] {
        assert!(names.iter().any(|name| name == program), "userland.cpio lacks {program}: {names:?}");
    }
    let links: Vec<&String> = names.iter().skip_while(|name| *name != "bin/busybox").skip(1).collect();
    assert!(links.len() > 20 && links.is_sorted(), "the applet links are not sorted: {links:?}");
    // BusyBox's own usage text: in the archive, not in the module.
    let marker = b"BusyBox is copyrighted by many authors";
    assert!(contains(&archive, marker), "userland.cpio lacks BusyBox's text, so this check cannot see it");
    assert!(!contains(&module, marker), "boot.wasm holds BusyBox");
    assert!(!contains(&module, b"bin/busybox"), "boot.wasm's initramfs names /bin/busybox");

    // Without the archive beside it, boot.js says where it looked and exits with status 2.
    let alone = tempfile::tempdir().unwrap();
    for name in ["boot.js", "boot.wasm", "boot.worker.js"] {
        std::fs::copy(artifacts.dir.join(name), alone.path().join(name)).unwrap();
    }
    let output = run_with_watchdog(
        Command::new("node").args(["--no-experimental-fetch", "boot.js"]).current_dir(alone.path()),
        Duration::from_secs(60),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("userland.cpio") && stderr.contains("ENOENT"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("Linux version"), "the kernel must not boot");
}

/// The demo page, served by the development server with the real builder,
/// boots the kernel in a real browser as it loads (demo_page.rs drives its shell).
#[test]
fn the_demo_page_boots_the_kernel_in_chromium() {
    crate::support::kernel::build(&site_root());
    let output = tempfile::tempdir().unwrap();
    let options = BuildOptions::new(site_root(), output.path().join("public")).demo(DemoMode::ReuseLast);
    let server = start(
        SiteBuilder::new(options).unwrap(),
        ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false },
    )
    .expect("cannot serve the site");
    let _alone = crate::support::kernel::one_browser_boot_at_a_time();
    let Some(chromium) = crate::support::chromium::Chromium::launch() else { return };
    let page = chromium.page();
    page.navigate(&format!("http://{}/demo/", server.address()));
    page.wait_for("document.readyState === 'complete'", Duration::from_secs(30));
    assert_eq!(page.eval("window.crossOriginIsolated"), serde_json::json!(true));
    // The page boots the kernel on load; it then waits at the shell's prompt
    // on the console tty (src/tests/demo_page.rs tests the shell), or halts with a kernel that has no user space.
    page.wait_for("['ready', 'halted', 'panic'].includes(lkljsDemo.state)", Duration::from_secs(120));
    let state = page.eval("lkljsDemo.state");
    let console = page.eval("lkljsDemo.terminalText()");
    let console = console.as_str().unwrap();
    assert_ne!(state, serde_json::json!("panic"), "{console}");
    for milestone in ["Linux version 6.1.", "Kernel command line:", "Run /init as init process"] {
        assert!(console.contains(milestone), "the page's console lacks {milestone:?}:\n{console}");
    }
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// The same self-test suite in a real browser: selftest.js with its own
/// module's files and the userland archive (and no boot.*) in a cross-origin
/// isolated page, which fetches the archive by itself; its TAP lines
/// collected by the page.
#[test]
fn the_self_test_suite_passes_in_chromium() {
    let artifacts = crate::support::kernel::build(&site_root());
    let site = tempfile::tempdir().unwrap();
    for name in ["selftest.js", "selftest.wasm", "selftest.worker.js", "userland.cpio"] {
        std::fs::copy(artifacts.dir.join(name), site.path().join(name)).unwrap();
    }
    std::fs::write(
        site.path().join("index.html"),
        "<!doctype html><meta charset=utf-8><title>lkljs self-test</title>\n<script>\nvar Module = {\n  lkljsSelftestOutput: function (line) { (window.tapLines = window.tapLines || []).push(line); },\n  lkljsSelftestDone: function (passed, failed) { window.selftestDone = { passed: passed, failed: failed }; },\n};\n</script>\n<script src=\"selftest.js\"></script>\n",
    )
    .unwrap();
    let server = serve_isolated(site.path().to_owned());
    let _alone = crate::support::kernel::one_browser_boot_at_a_time();
    let Some(chromium) = crate::support::chromium::Chromium::launch() else { return };
    let page = chromium.page();
    page.navigate(&format!("{}index.html", server.url()));
    page.wait_for("window.selftestDone !== undefined", Duration::from_secs(120));
    let lines = page.eval("window.tapLines.join('\\n')");
    let lines = lines.as_str().unwrap();
    let done = page.eval("window.selftestDone");
    assert_eq!(done, serde_json::json!({ "passed": SELFTEST_CASES, "failed": 0 }), "{lines}");
    assert!(lines.ends_with(&format!("{SELFTEST_CASES} passed, 0 failed")), "{lines}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// Serves `dir` with `lkljs-site serve`'s own server, which sends the
/// cross-origin isolation headers the kernel's shared memory needs.
fn serve_isolated(dir: std::path::PathBuf) -> lkljs_site::serve::RunningServer {
    use lkljs_site::serve::{BuildFailure, BuildSummary, Rebuild, ServeConfig};

    /// A directory that is already built: nothing to build, nothing to watch.
    struct BuiltDir(std::path::PathBuf);
    impl Rebuild for BuiltDir {
        fn build_all(&mut self) -> Result<BuildSummary, BuildFailure> {
            Ok(BuildSummary::default())
        }
        fn rebuild(&mut self, _changed: &[std::path::PathBuf]) -> Result<BuildSummary, BuildFailure> {
            Ok(BuildSummary::default())
        }
        fn watch_paths(&self) -> Vec<std::path::PathBuf> {
            Vec::new()
        }
        fn output_dir(&self) -> std::path::PathBuf {
            self.0.clone()
        }
    }

    let config = ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false };
    lkljs_site::serve::start(BuiltDir(dir), config).unwrap()
}

/// Two clean builds of the same inputs, in directories with different absolute
/// paths, give byte-identical artefacts: no path, user, host or clock leaks in.
#[test]
fn a_clean_kernel_build_elsewhere_is_byte_identical() {
    let usual = crate::support::kernel::build(&site_root());
    let elsewhere = tempfile::Builder::new().prefix("lkljs-reproducible-").tempdir().unwrap();
    crate::support::files::copy_tree(&site_root().join("demo-build"), &elsewhere.path().join("demo-build"));
    let fresh = crate::support::kernel::build(elsewhere.path());
    assert_eq!(usual.manifest.cache_key, fresh.manifest.cache_key, "same inputs, same cache key");
    assert_eq!(fresh.manifest.files_compiled, fresh.manifest.compile_units, "the second build started from scratch");
    for name in [
        "boot.wasm",
        "boot.js",
        "boot.worker.js",
        "selftest.wasm",
        "selftest.js",
        "selftest.worker.js",
        "userland.cpio",
        "config.txt",
    ] {
        let first = std::fs::read(usual.dir.join(name)).unwrap();
        let second = std::fs::read(fresh.dir.join(name)).unwrap();
        assert!(first == second, "{name} differs between two clean builds ({} vs {} bytes)", first.len(), second.len());
    }
}

/// The production module holds no test code: build-kernel.sh links the
/// self-test suite and the benchmark (host/selftest.c) and their launcher
/// into selftest.wasm and selftest.js only. The modules carry no names, so
/// the evidence is the suite's own strings and the launcher's hooks; finding
/// them in the self-test module shows that the search can see them.
#[test]
fn the_production_kernel_holds_no_self_test_code() {
    let artifacts = crate::support::kernel::build(&site_root());
    let read = |name: &str| std::fs::read(artifacts.dir.join(name)).unwrap();
    let contains =
        |haystack: &[u8], needle: &str| haystack.windows(needle.len()).any(|window| window == needle.as_bytes());
    let (production, selftest) = (read("boot.wasm"), read("selftest.wasm"));
    // A file the suite writes, the bench's line format, and a case's TAP name.
    for marker in ["/tmp/selftest.txt", "@@bench %s", "getpid returns 1"] {
        assert!(contains(&selftest, marker), "selftest.wasm lacks {marker:?}, so this check cannot see the suite");
        assert!(!contains(&production, marker), "boot.wasm holds the self-test suite's {marker:?}");
    }
    let (production_js, selftest_js) = (read("boot.js"), read("selftest.js"));
    for marker in ["lkljsSelftestOutput", "lkljsSelftestDone"] {
        assert!(contains(&selftest_js, marker), "selftest.js lacks the launcher's {marker:?}");
        assert!(!contains(&production_js, marker), "boot.js holds the self-test launcher's {marker:?}");
    }
    assert!(
        production.len() < selftest.len(),
        "boot.wasm {} bytes, selftest.wasm {}",
        production.len(),
        selftest.len()
    );
}

/// boot.js asked for the self-test suite or the benchmark, which its module
/// does not hold, refuses before booting and names the script that has them.
#[test]
fn the_production_kernel_refuses_the_self_test_program() {
    let artifacts = crate::support::kernel::build(&site_root());
    // boot.js as a page runs it: a classic script in the global scope, where
    // it finds the Module set before it (a require() would hide it).
    let launch = r#"
        const path = require("path");
        const boot = path.resolve("boot.js");
        Object.assign(global, { Module: { lkljsProgram: process.argv[1] }, require, __filename: boot, __dirname: path.dirname(boot) });
        require("vm").runInThisContext(require("fs").readFileSync(boot, "utf8"), { filename: boot });
    "#;
    for program in ["selftest", "bench"] {
        let output = run_with_watchdog(
            Command::new("node").args(["--no-experimental-fetch", "-e", launch, program]).current_dir(&artifacts.dir),
            Duration::from_secs(60),
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let context = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        assert_eq!(output.status.code(), Some(2), "{program}: boot.js must refuse with status 2\n{context}");
        assert!(stderr.contains("run selftest.js, which loads selftest.wasm"), "{program}\n{context}");
        assert!(!stdout.contains("Linux version"), "{program}: the kernel must not boot\n{context}");
    }
}

/// Boots `dir/boot.js` under node and checks the console for the milestones of a kernel boot.
fn assert_boots(dir: &Path) {
    let output = run_with_watchdog(
        Command::new("node").args(["--no-experimental-fetch", "boot.js"]).current_dir(dir),
        Duration::from_secs(180),
    );
    let console = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let context = format!("--- console ---\n{console}\n--- stderr ---\n{stderr}");
    assert_eq!(output.status.code(), Some(0), "boot.js must exit 0 after a clean halt\n{context}");
    let last = console.lines().last().unwrap_or_default();
    assert!(last.ends_with("reboot: System halted"), "the last line must be the halt, not {last:?}\n{context}");

    let has_line = |needles: &[&str]| console.lines().any(|line| needles.iter().all(|needle| line.contains(needle)));
    for milestone in [
        &["Linux version 6.1."][..],
        &["Kernel command line:"],
        &["Zone ranges"],
        &["Memory:", "available"],
        &["printk:", "console [", "enabled"],
        &["clocksource:", "Switched to clocksource"],
        // Initcalls of several levels ran: the switch to the port's
        // clocksource above (fs level) and the page-cache shadow entries (mm).
        &["workingset:"],
        // The rootfs: the host's initramfs, unpacked by the kernel.
        &["lkljs: initramfs of", "bytes from the host"],
        &["Unpacking initramfs"],
        &["Run /init as init process"],
        // PID 1 is the init program (demo-build/init/): it mounts, brings lo
        // up, calls uname, then asks for the host's process, which the kernel
        // hands over to the host, and starts the shell (which sees EOF at once).
        &["lkljs: PID 1 (init) enters user mode"],
        &["lkljs-init: mounted proc on /proc, sysfs on /sys, devtmpfs on /dev, tmpfs on /tmp"],
        &["lkljs-init: lo is up"],
        &["lkljs-init: PID 1 ready: Linux lkljs 6.1."],
        &["(lkljs-host) handed over to the host"],
        &["reboot: System halted"],
    ] {
        assert!(has_line(milestone), "no console line with {milestone:?}\n{context}");
    }
    // kernel_init() frees the init sections and then runs (or looks for) init.
    assert!(
        has_line(&["Run /"]) || has_line(&["Freeing unused kernel"]) || has_line(&["No working init found"]),
        "no sign that kernel_init ran\n{context}"
    );
    for forbidden in ["Kernel panic", "WARNING:", "BUG:", "Oops"] {
        assert!(!console.contains(forbidden), "the console shows {forbidden:?}\n{context}");
    }
}

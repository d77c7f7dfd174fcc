//! The published site (`public/`, with the real kernel) as readers get it from
//! real static hosts, in headless Chromium:
//! - through Cloudflare's `wrangler pages dev`, which applies the generated
//!   `_headers` file the way Cloudflare Pages does (and Netlify reads the same file);
//! - through a plain file server without isolation headers, like GitHub Pages,
//!   where the service worker must supply them with a single reload.
//!
//! The first run builds the kernel (minutes) unless `target/demo/cache/` has it,
//! and installs the pinned emulator from npm into `target/host-emulator/`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use crate::support::chromium::{Chromium, Page};
use crate::support::raw_http::get;
use crate::support::static_hosts::{PagesDev, PlainServer};
use lkljs_site::build::{BuildOptions, DemoMode, build};
use lkljs_site::output::deploy::HEADER_RULES;
use serde_json::json;

/// Booting the kernel in a browser on a shared two-core machine takes seconds; this is a hang detector.
const BOOT_LIMIT: Duration = Duration::from_secs(120);
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// The repository's site, built once per test run with the kernel demo,
/// for a host that serves it at its root.
fn published_site() -> &'static Path {
    static PUBLIC: OnceLock<PathBuf> = OnceLock::new();
    PUBLIC.get_or_init(|| build_site_into(&work_dir().join("public"), None))
}

/// A fixed place under target/; each run's build replaces what it holds
/// (publishing swaps a new output in whole).
fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo_hosting")
}

fn build_site_into(output: &Path, base_url: Option<String>) -> PathBuf {
    let root = site_root();
    build_kernel_once(&root);
    let options = BuildOptions::new(root, output.to_path_buf()).base_url(base_url).demo(DemoMode::ReuseLast);
    // One build at a time: builds fill shared caches and scratch space under
    // target/; a run without this lock once saw wrangler fail to start.
    static ONE_BUILD_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _alone = ONE_BUILD_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let report = build(&options).unwrap_or_else(|error| panic!("the site build failed: {error}"));
    assert_eq!(report.demo_placeholder, None, "the demo must be built for these tests");
    output.to_path_buf()
}

fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the demo step (cached) once per test binary, so that tests starting
/// together do not compile the same kernel side by side.
fn build_kernel_once(root: &Path) {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        crate::support::kernel::build(root);
    });
}

/// Every published file (as a URL path) matching a `_headers` pattern such as
/// `/*`, `/*.wasm` or `/theme/*`: one `*` matching any run of characters.
fn published_paths_matching(public: &Path, pattern: &str) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| format!("/{}", entry.path().strip_prefix(public).unwrap().to_string_lossy()))
        .filter(|path| lkljs_site::output::deploy::pattern_matches(pattern, path))
        .filter(|path| !path.ends_with("/_headers"))
        .collect();
    paths.sort();
    paths
}

/// What a host answers at a file's path: pages are asked for by their directory URL.
fn url_path_of(file: &str) -> &str {
    file.strip_suffix("index.html").unwrap_or(file)
}

#[test]
fn pages_dev_sends_every_header_rule_of_the_generated_headers_file() {
    let public = published_site();
    let Some(host) = PagesDev::start(public) else { return };
    let mut checked = 0;
    for rule in HEADER_RULES {
        let files = published_paths_matching(public, rule.pattern);
        assert!(!files.is_empty(), "no published file matches {}", rule.pattern);
        // The demo's own files are the ones that need the rules most; then one of the rest.
        let samples = files.iter().filter(|file| file.starts_with("/demo/")).chain(files.first()).take(4);
        for file in samples {
            let response = get(host.address, url_path_of(file));
            assert_eq!(response.status, 200, "GET {file}\n{}", host.log());
            for (name, value) in rule.headers {
                assert_eq!(
                    response.header(name),
                    Some(*value),
                    "{name} on {file} (rule {}); all headers: {:?}",
                    rule.pattern,
                    response.headers
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= HEADER_RULES.len());
    // The kernel itself, specifically: isolated and typed for instantiateStreaming.
    let wasm = get(host.address, "/demo/boot.wasm");
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.header("cross-origin-embedder-policy"), Some("require-corp"));
    let published = std::fs::read(public.join("demo/boot.wasm")).unwrap();
    assert!(wasm.body == published, "boot.wasm served as {} bytes, published as {}", wasm.body.len(), published.len());
}

#[test]
fn on_pages_dev_the_demo_is_isolated_and_answers_a_command() {
    let public = published_site();
    let Some(browser) = Chromium::launch() else { return };
    let Some(host) = PagesDev::start(public) else { return };
    let _alone = crate::support::kernel::one_browser_boot_at_a_time();
    let page = browser.page();
    page.open(&host.url("/demo/"), BOOT_LIMIT);
    assert_eq!(page.eval("crossOriginIsolated"), json!(true), "the headers isolate the page by themselves");
    assert_eq!(page.eval("window.lkljsCoi && window.lkljsCoi.state"), json!("isolated"));
    assert_reaches_the_prompt_and_runs_uname(&page);
    assert_eq!(page.main_frame_navigations(), 1, "no service-worker reload where the host sends the headers");
}

/// A GitHub Pages project site: `public/` published under `/repo/`, built with that base URL.
#[test]
fn on_a_plain_static_host_the_service_worker_isolates_the_demo_with_one_reload() {
    let Some(browser) = Chromium::launch() else { return };
    let host_root = work_dir().join("github-pages");
    let host = PlainServer::start(host_root.clone());
    build_site_into(&host_root.join("repo"), Some(host.url("/repo/")));
    let demo = get(host.address, "/repo/demo/");
    assert_eq!(demo.status, 200);
    assert_eq!(demo.header("cross-origin-opener-policy"), None, "this host must not send isolation headers");
    let _alone = crate::support::kernel::one_browser_boot_at_a_time();
    let page = browser.page();
    page.open(&host.url("/repo/demo/"), BOOT_LIMIT);
    page.wait_for("window.crossOriginIsolated === true && document.readyState !== 'loading'", BOOT_LIMIT);
    assert_eq!(page.main_frame_navigations(), 2, "exactly one reload: the first load and the isolated one");
    assert_eq!(page.eval("window.lkljsCoi.state"), json!("isolated"));
    assert_eq!(
        page.eval(
            "navigator.serviceWorker.getRegistration().then((registration) => registration && registration.scope)"
        ),
        json!(host.url("/repo/")),
        "the worker covers the project site, not the whole host"
    );
    assert_reaches_the_prompt_and_runs_uname(&page);
    // No loop: still the same document after the boot and the command.
    assert_eq!(page.main_frame_navigations(), 2, "the page reloaded again");
}

/// The demo component's contract (`window.lkljsDemo`, `data-demo-state`): the
/// kernel boots to the shell's prompt on its console tty, and one command
/// typed there gives the kernel's own answer.
fn assert_reaches_the_prompt_and_runs_uname(page: &Page) {
    page.wait_for("['ready', 'panic', 'halted', 'unsupported', 'not-isolated'].includes(window.lkljsDemo && window.lkljsDemo.state)", BOOT_LIMIT);
    let state = page.eval("window.lkljsDemo.state");
    let terminal = page.eval("window.lkljsDemo.terminalText()");
    assert_eq!(
        state,
        json!("ready"),
        "the demo did not reach the prompt; terminal:\n{}",
        terminal.as_str().unwrap_or("")
    );
    assert_eq!(page.eval("document.querySelector('[data-demo-state]').dataset.demoState"), json!("ready"));
    assert!(terminal.as_str().unwrap().contains("Linux version 6.1."), "no boot log in the terminal:\n{terminal}");
    assert!(terminal.as_str().unwrap().ends_with("\n/root #"), "no shell prompt on the console tty:\n{terminal}");
    let output = eval_within(page, "window.lkljsDemo.run('uname -a')", COMMAND_LIMIT);
    let output = output.as_str().expect("run() resolves with the command's output as text");
    assert!(output.starts_with("Linux ") && output.contains(" 6.1."), "unexpected `uname -a` output: {output:?}");
    assert_eq!(page.eval("window.lkljsDemo.state"), json!("ready"), "the prompt came back");
    assert!(page.exceptions().is_empty(), "uncaught exceptions: {:?}", page.exceptions());
}

/// Evaluates a promise-returning expression, failing (with the terminal) when it
/// has not settled within `limit`.
fn eval_within(page: &Page, expression: &str, limit: Duration) -> serde_json::Value {
    page.eval(&format!(
        "window.__lkljsResult = undefined; Promise.resolve({expression}).then(\
           (value) => {{ window.__lkljsResult = {{ value }}; }},\
           (error) => {{ window.__lkljsResult = {{ error: String(error) }}; }}); true"
    ));
    page.wait_for("window.__lkljsResult !== undefined", limit);
    let result = page.eval("window.__lkljsResult");
    if let Some(error) = result.get("error") {
        panic!("`{expression}` failed: {error}\nterminal:\n{}", page.eval("window.lkljsDemo.terminalText()"));
    }
    result["value"].clone()
}

//! The live demo page in real headless Chromium, served by `lkljs-site serve`'s
//! server with the real kernel: it boots to our shell's prompt, and commands
//! typed into the terminal run as real system calls in the wasm kernel.
//!
//! The kernel is built (or reused from `target/demo/cache/`) by the demo step
//! first, as in `kernel_boot.rs`. One browser page serves all the checks, since
//! each boot costs seconds.

use std::time::{Duration, Instant};

use crate::support::chromium::{Chromium, Page};
use lkljs_site::build::{BuildOptions, DemoMode, SiteBuilder};
use lkljs_site::serve::{RunningServer, ServeConfig, start};
use serde_json::{Value, json};

const BOOT_LIMIT: Duration = Duration::from_secs(180);
/// The files a page downloads; it fetches them under content-hashed names (`demo/hashed/`).
const ARTEFACTS: [&str; 4] = ["boot.js", "boot.worker.js", "boot.wasm", "userland.cpio"];

fn site_root() -> std::path::PathBuf {
    std::env::var_os("LKLJS_TEST_SITE_ROOT").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}

/// Serves the site at `root` (built into `output`) with the kernel of the last demo build.
fn serve_built(root: std::path::PathBuf, output: std::path::PathBuf) -> RunningServer {
    let options = BuildOptions::new(root, output).demo(DemoMode::ReuseLast);
    start(SiteBuilder::new(options).unwrap(), ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false })
        .expect("cannot serve the site")
}

/// The repository's site with the kernel, served, and a browser page (no
/// navigation yet), one at a time. `None` when Chromium is not installed.
struct DemoBrowser {
    page: Page,
    _chromium: Chromium,
    server: RunningServer,
    _output: tempfile::TempDir,
    _exclusive: std::sync::MutexGuard<'static, ()>,
}

impl DemoBrowser {
    fn start() -> Option<Self> {
        let exclusive = crate::support::kernel::one_browser_boot_at_a_time();
        let output = tempfile::tempdir().unwrap();
        crate::support::kernel::build(&site_root());
        let server = serve_built(site_root(), output.path().join("public"));
        let chromium = Chromium::launch()?;
        let page = chromium.page();
        Some(Self { page, _chromium: chromium, server, _output: output, _exclusive: exclusive })
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.address())
    }
}

/// Navigates and waits for the demo's script to have started. (With the
/// kernel's workers running, Chromium does not always report
/// Page.loadEventFired, which `Page::navigate` waits for.)
fn open(page: &Page, url: &str) {
    let result = page.call("Page.navigate", json!({ "url": url }));
    assert!(result.get("errorText").is_none(), "navigating to {url} failed: {result}");
    wait_loading(page, url, "location.href.startsWith('http') && !!window.lkljsDemo");
}

/// Waits until `condition` holds in the page loading from `url`'s server; a
/// load that stalls fails naming the requests still pending.
fn wait_loading(page: &Page, url: &str, condition: &str) {
    let started = Instant::now();
    let expression = format!("(() => {{ try {{ return !!({condition}); }} catch (error) {{ return false; }} }})()");
    loop {
        let seen = page.call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }));
        if seen["result"]["value"] == json!(true) {
            return;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let state = page.eval("location.href + ' ' + document.readyState");
            panic!(
                "{url}: `{condition}` is still false ({state}); requests pending: {:?}; console {:?}",
                pending_requests(page),
                page.console()
            );
        }
        page.collect_events(Duration::from_millis(200));
    }
}

/// Requests the page sent that have neither finished nor failed (with Network enabled).
fn pending_requests(page: &Page) -> Vec<String> {
    let finished: std::collections::BTreeSet<String> = page
        .events_named("Network.loadingFinished")
        .iter()
        .chain(page.events_named("Network.loadingFailed").iter())
        .map(|event| event["params"]["requestId"].as_str().unwrap_or("").to_owned())
        .collect();
    page.events_named("Network.requestWillBeSent")
        .iter()
        .filter(|event| !finished.contains(event["params"]["requestId"].as_str().unwrap_or("")))
        .map(|event| event["params"]["request"]["url"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn state(page: &Page) -> String {
    page.eval("window.lkljsDemo ? lkljsDemo.state : 'no lkljsDemo'").as_str().unwrap_or("?").to_owned()
}

fn wait_for_prompt(page: &Page) {
    let started = Instant::now();
    loop {
        let now = state(page);
        match now.as_str() {
            "ready" => return,
            "panic" | "halted" | "unsupported" | "not-isolated" => panic!(
                "the demo ended in state {now:?} instead of a prompt\n{}",
                page.eval("lkljsDemo.terminalText()").as_str().unwrap_or("")
            ),
            _ => {}
        }
        assert!(
            started.elapsed() < BOOT_LIMIT,
            "no prompt after {BOOT_LIMIT:?} (state {now:?})\n{}\nconsole: {:?}",
            page.eval("window.lkljsDemo ? lkljsDemo.terminalText() : ''").as_str().unwrap_or(""),
            page.console()
        );
        page.collect_events(Duration::from_millis(200));
    }
}

/// Runs a command line through `lkljsDemo.run` (the keystroke path) and returns its output.
fn run(page: &Page, command: &str) -> String {
    let output = page.eval(&format!("lkljsDemo.run({})", json!(command)));
    output.as_str().unwrap_or_else(|| panic!("`{command}` gave no text: {output}")).to_owned()
}

/// Types text into the focused terminal with real input events, then presses Enter.
fn type_line(page: &Page, text: &str) {
    page.call("Input.insertText", json!({ "text": text }));
    page.press_key("Enter");
}

fn requests_for(page: &Page, name: &str) -> usize {
    requests_matching(page, |path| path == format!("/demo/{name}"))
}

/// Requests for `name` under its content-hashed name: `/demo/hashed/boot.<8 hex>.wasm`.
fn requests_for_hashed(page: &Page, name: &str) -> usize {
    let (stem, extension) = name.rsplit_once('.').unwrap();
    requests_matching(page, |path| {
        path.strip_prefix(&format!("/demo/hashed/{stem}."))
            .and_then(|rest| rest.strip_suffix(&format!(".{extension}")))
            .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()))
    })
}

/// Requests whose URL path (without the origin) satisfies `wanted`.
fn requests_matching(page: &Page, wanted: impl Fn(&str) -> bool) -> usize {
    page.events_named("Network.requestWillBeSent")
        .iter()
        .filter_map(|event| event["params"]["request"]["url"].as_str().map(str::to_owned))
        .filter(|url| {
            let path = url.splitn(4, '/').nth(3).map(|path| format!("/{path}")).unwrap_or_default();
            wanted(&path)
        })
        .count()
}

#[test]
fn the_demo_boots_to_our_shell_and_its_commands_are_system_calls() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call("Network.enable", json!({}));
    open(page, &browser.url("/demo/"));
    assert_eq!(page.eval("window.crossOriginIsolated"), json!(true));
    wait_for_prompt(page);

    // The boot streamed the kernel's console, then the prompt appeared.
    let text = page.eval("lkljsDemo.terminalText()");
    let text = text.as_str().unwrap();
    for line in ["Linux version 6.1.", "Kernel command line:", "Run /init as init process", "root@"] {
        assert!(text.contains(line), "the terminal lacks {line:?}:\n{text}");
    }
    assert_eq!(page.eval("document.querySelector('[data-demo]').dataset.demoState"), json!("ready"));
    let timings = page.eval("lkljsDemo.timings");
    let first = timings["navigationToFirstLineMs"].as_f64().unwrap();
    let prompt = timings["navigationToPromptMs"].as_f64().unwrap();
    assert!(first > 0.0 && prompt >= first, "{timings}");
    // What came over the network for the three artefacts: compressed or not,
    // at least the Brotli-compressed wasm.
    let wasm_brotli: u64 =
        page.eval("Number(document.querySelector('[data-demo]').dataset.demoWasmBrotliBytes)").as_u64().unwrap();
    assert!(wasm_brotli > 100_000 && timings["downloadBytes"].as_u64().unwrap() > wasm_brotli, "{timings}");
    println!(
        "navigation to first console line {first} ms, to prompt {prompt} ms, downloaded {} bytes",
        timings["downloadBytes"]
    );
    let figures = page.eval("document.querySelector('[data-demo-figures]').textContent");
    assert!(figures.as_str().unwrap().contains("boot to prompt"), "{figures}");

    // Real key events: xterm's textarea receives them like a reader's typing.
    page.eval("document.querySelector('.demo-terminal textarea').focus()");
    type_line(page, "uname -a");
    page.wait_for(
        "lkljsDemo.state === 'ready' && /Linux \\S+ 6\\.1\\./.test(lkljsDemo.terminalText())",
        Duration::from_secs(20),
    );

    assert!(run(page, "uname -a").starts_with("Linux "), "uname");
    // Line editing and history, through the keystroke path (xterm's escape sequences).
    assert_eq!(run(page, "echo abd\u{1b}[D\u{7f}c"), "acd\n", "left, backspace, insert");
    assert_eq!(run(page, "cho hi\u{1}e\u{5}!"), "hi!\n", "Ctrl-A, Ctrl-E");
    assert_eq!(run(page, "garbage\u{15}echo ok"), "ok\n", "Ctrl-U");
    assert_eq!(run(page, "echo one two\u{17}three"), "one three\n", "Ctrl-W");
    assert_eq!(
        run(page, "echo Xbc\u{1b}[H\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[3~a\u{1b}[F"),
        "abc\n",
        "home, right, delete, end"
    );
    assert_eq!(run(page, "\u{1b}[A\u{1b}[A"), "one three\n", "history: up twice");
    assert_eq!(run(page, "echo hi > /tmp/x"), "");
    assert_eq!(run(page, "cat /tmp/x"), "hi\n");
    assert_eq!(run(page, "echo there >> /tmp/x"), "");
    assert_eq!(run(page, "cat /tmp/x"), "hi\nthere\n");
    let listing = run(page, "ls /proc");
    for entry in ["1", "meminfo", "uptime", "self"] {
        assert!(listing.split_whitespace().any(|word| word == entry), "ls /proc lacks {entry}: {listing}");
    }
    let long = run(page, "ls -l /tmp");
    assert!(long.lines().any(|line| line.starts_with("-rw-r--r--") && line.ends_with(" x")), "{long}");
    let ps = run(page, "ps");
    assert!(ps.contains("[kthreadd]"), "ps shows no kthreadd:\n{ps}");
    assert!(ps.lines().any(|line| line.split_whitespace().next() == Some("1")), "ps shows no PID 1:\n{ps}");
    assert_eq!(run(page, "ls /nonexistent"), "ls: cannot access '/nonexistent': No such file or directory\n");
    assert_eq!(run(page, "touch /tmp/t"), "");
    assert!(run(page, "ls /tmp").split_whitespace().any(|name| name == "t"));
    assert!(run(page, "ls -l /dev/null").starts_with("crw-rw-rw-"), "a character device");
    assert_eq!(run(page, "mkdir /tmp/d"), "");
    assert_eq!(run(page, "cd /tmp/d"), "");
    assert_eq!(run(page, "pwd"), "/tmp/d\n");
    assert_eq!(run(page, "cd /"), "");
    assert!(run(page, "free").contains("Mem:"));
    assert!(run(page, "dmesg").contains("Linux version 6.1."));
    assert!(run(page, "mount").contains(" on / type "));
    assert!(run(page, "nosuchcommand").contains("command not found"));

    // Ctrl-C interrupts a blocking nanosleep through channel.interrupt().
    page.eval("window.sleeping = lkljsDemo.run('sleep 30').then(() => 'done'); true");
    page.wait_for("lkljsDemo.state === 'running'", Duration::from_secs(10));
    page.collect_events(Duration::from_millis(500));
    let interrupted_at = Instant::now();
    page.eval("document.querySelector('.demo-terminal textarea').focus()");
    for kind in ["keyDown", "keyUp"] {
        page.call(
            "Input.dispatchKeyEvent",
            json!({ "type": kind, "key": "c", "code": "KeyC", "windowsVirtualKeyCode": 67, "modifiers": 2 }),
        );
    }
    page.wait_for("lkljsDemo.state === 'ready'", Duration::from_secs(15));
    assert!(interrupted_at.elapsed() < Duration::from_secs(15));
    assert_eq!(page.eval("window.sleeping"), json!("done"));

    // TCP over the kernel's loopback, server and client on two kernel threads.
    let echo = run(page, "tcpecho ping over loopback");
    assert!(echo.contains("client: received \"ping over loopback\""), "{echo}");

    // `halt` is reboot(LINUX_REBOOT_CMD_HALT); the page then offers a reboot,
    // which tears the kernel down and boots again without reloading the page.
    let halted = run(page, "halt");
    assert!(halted.contains("reboot: System halted"), "{halted}");
    assert_eq!(state(page), "halted");
    assert_eq!(page.eval("document.querySelector('[data-demo-reboot]').disabled"), json!(false));
    page.eval("window.beforeReboot = true");
    page.eval("document.querySelector('[data-demo-reboot]').click()");
    page.wait_for("lkljsDemo.state !== 'halted'", Duration::from_secs(10));
    wait_for_prompt(page);
    assert_eq!(page.eval("window.beforeReboot"), json!(true), "the reboot reloaded the page");
    assert_eq!(run(page, "cat /tmp/x"), "cat: /tmp/x: No such file or directory\n", "a fresh kernel has a fresh /tmp");

    // A kernel that stops on its own (reboot(RESTART), which the port cannot
    // carry out: it stops with exit status 5) shows why in the terminal and the
    // notice, and the page offers a reboot.
    page.eval(
        "document.querySelector('.demo iframe').contentWindow.Module.lkljs.syscall(142, 0xfee1dead, 672274793, 0x01234567, 0, 0, 0); true",
    );
    page.wait_for("lkljsDemo.state === 'panic'", Duration::from_secs(20));
    let terminal = page.eval("lkljsDemo.terminalText()");
    assert!(terminal.as_str().unwrap().contains("exit code 5"), "{terminal}");
    let notice = page.eval("document.querySelector('[data-demo-notice]').textContent");
    assert!(
        notice.as_str().unwrap().contains("exit code 5") && notice.as_str().unwrap().contains("Reboot"),
        "{notice}"
    );
    assert_eq!(page.eval("document.querySelector('[data-demo-reboot]').disabled"), json!(false));
    page.eval("lkljsDemo.reboot(); true");
    wait_for_prompt(page);
    assert!(run(page, "uname -s").starts_with("Linux"));

    // Each artefact was fetched once, by the page, under its content-hashed
    // name, for all three boots and every worker; under its stable name (for
    // node) never, nor the self-test module published beside them.
    for name in ARTEFACTS {
        assert_eq!(requests_for_hashed(page, name), 1, "{name} requested {} times", requests_for_hashed(page, name));
        assert_eq!(requests_for(page, name), 0, "the page downloaded {name} under its stable name");
    }
    for name in ["selftest.js", "selftest.wasm", "selftest.worker.js"] {
        assert_eq!(requests_for(page, name), 0, "the page downloaded {name}");
    }
    let errors: Vec<String> = page.console().into_iter().filter(|line| line.starts_with("error")).collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// `{{ demo() }}` on a slide: the deck loads the demo, which fits the 16:9
/// stage, boots and answers commands there too.
#[test]
fn the_demo_embedded_in_a_slide_fits_the_stage_and_boots() {
    let _exclusive = crate::support::kernel::one_browser_boot_at_a_time();
    let repository = site_root();
    crate::support::kernel::build(&site_root());
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("site");
    crate::support::files::copy_tree(&repository.join("theme"), &root.join("theme"));
    std::fs::create_dir_all(root.join("content/slides")).unwrap();
    std::fs::copy(repository.join("content/site.toml"), root.join("content/site.toml")).unwrap();
    std::fs::write(root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n").unwrap();
    std::fs::write(root.join("content/slides/_index.md"), "+++\ntitle = \"Slides\"\n+++\n").unwrap();
    std::fs::write(
        root.join("content/slides/live.md"),
        "+++\ntitle = \"Live\"\n+++\n\n# A deck with the demo\n\n---\n\n## The kernel, live\n\n{{ demo() }}\n",
    )
    .unwrap();
    // The built kernel and the vendored terminal, from the repository's target/.
    std::os::unix::fs::symlink(repository.join("target"), root.join("target")).unwrap();
    let server = serve_built(root.clone(), root.join("public"));
    let Some(chromium) = Chromium::launch() else { return };
    let page = chromium.page();
    page.call("Network.enable", json!({}));
    open(&page, &format!("http://{}/slides/live/#slide-2", server.address()));
    wait_for_prompt(&page);
    let fits = page.eval(
        "(() => { const slide = document.querySelector('#slide-2').getBoundingClientRect();
                  const demo = document.querySelector('#slide-2 .demo').getBoundingClientRect();
                  return demo.top >= slide.top && demo.bottom <= slide.bottom + 0.5
                      && demo.left >= slide.left && demo.right <= slide.right + 0.5; })()",
    );
    assert_eq!(fits, json!(true), "the demo overflows its slide");
    assert!(run(&page, "uname -r").starts_with("6.1."));
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// A browser without WebAssembly threads is told so, and nothing is downloaded.
#[test]
fn a_browser_without_wasm_threads_is_told_so() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call("Network.enable", json!({}));
    // As in a browser whose WebAssembly lacks the threads proposal.
    page.call("Page.addScriptToEvaluateOnNewDocument", json!({ "source": "WebAssembly.validate = () => false;" }));
    open(page, &browser.url("/demo/"));
    page.wait_for("window.lkljsDemo && lkljsDemo.state === 'unsupported'", Duration::from_secs(20));
    let notice = page.eval("document.querySelector('[data-demo-notice]').textContent");
    assert!(notice.as_str().unwrap().contains("WebAssembly threads"), "{notice}");
    for name in ARTEFACTS {
        assert_eq!(requests_for(page, name), 0, "{name} was downloaded for nothing");
    }
}

/// Without cross-origin isolation there is no SharedArrayBuffer: the page says
/// so instead of failing obscurely (the service worker is kept from fixing it).
#[test]
fn a_page_without_isolation_explains_why_the_kernel_cannot_start() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    // Strip COOP/COEP from the page's response and block the service worker's
    // registration script, which would otherwise restore them.
    page.call(
        "Fetch.enable",
        json!({ "patterns": [
            { "urlPattern": "*/demo/", "requestStage": "Response" },
            { "urlPattern": "*coi-register*", "requestStage": "Request" },
        ] }),
    );
    // Page.navigate would wait for the paused response: start the navigation from the page.
    page.eval(&format!("location.href = {}; true", json!(browser.url("/demo/"))));
    let document = wait_event(page, "Fetch.requestPaused", 0);
    let headers: Vec<Value> = document["params"]["responseHeaders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|header| !header["name"].as_str().unwrap().to_ascii_lowercase().starts_with("cross-origin-"))
        .cloned()
        .collect();
    let body = page.call("Fetch.getResponseBody", json!({ "requestId": document["params"]["requestId"] }));
    let body = if body["base64Encoded"] == json!(true) {
        body["body"].clone()
    } else {
        panic!("expected a base64 body: {body}")
    };
    page.call(
        "Fetch.fulfillRequest",
        json!({ "requestId": document["params"]["requestId"], "responseCode": 200, "responseHeaders": headers, "body": body }),
    );
    let script = wait_event(page, "Fetch.requestPaused", 1);
    assert!(script["params"]["request"]["url"].as_str().unwrap().contains("coi-register"), "{script}");
    page.call(
        "Fetch.failRequest",
        json!({ "requestId": script["params"]["requestId"], "errorReason": "BlockedByClient" }),
    );
    wait_loading(page, &browser.url("/demo/"), "window.lkljsDemo && lkljsDemo.state === 'not-isolated'");
    let notice = page.eval("document.querySelector('[data-demo-notice]').textContent");
    let notice = notice.as_str().unwrap();
    assert!(notice.contains("SharedArrayBuffer") && notice.contains("service worker"), "{notice}");
    assert_eq!(page.eval("document.querySelector('[data-demo-notice]').hidden"), json!(false));
}

/// The `index`-th event named `method`, waiting for it if need be.
fn wait_event(page: &Page, method: &str, index: usize) -> Value {
    let started = Instant::now();
    loop {
        if let Some(event) = page.events_named(method).into_iter().nth(index) {
            return event;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no {method} event #{index}");
        page.collect_events(Duration::from_millis(100));
    }
}

/// Not a check: prints what the shell answers, for a look by eye.
/// `DEMO_COMMANDS="ps;free;tcpecho" cargo test --test integration demo_page::show_command_outputs -- --ignored --nocapture`
#[test]
#[ignore]
fn show_command_outputs() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    open(page, &browser.url("/demo/"));
    wait_for_prompt(page);
    let commands = std::env::var("DEMO_COMMANDS").unwrap_or_else(|_| "uname -a;ps;free;ls -l /".into());
    for command in commands.split(';') {
        println!("$ {command}\n{}", run(page, command));
    }
    println!("{:?}", page.eval("lkljsDemo.timings"));
    println!("console {:?}\nexceptions {:?}", page.console(), page.exceptions());
}

#[test]
#[ignore]
fn screenshot() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1280, "height": 1100, "deviceScaleFactor": 1, "mobile": false }),
    );
    let path = std::env::var("SHOT_PATH").unwrap_or_else(|_| "/demo/".into());
    open(page, &browser.url(&path));
    wait_for_prompt(page);
    run(page, "ls -l /");
    page.eval("document.querySelector('.demo').scrollIntoView()");
    page.collect_events(Duration::from_millis(500));
    let shot = page.call("Page.captureScreenshot", json!({ "format": "png" }));
    let data = shot["data"].as_str().unwrap();
    std::fs::write("/tmp/p-shot.b64", data).unwrap();
}

//! The live demo page in real headless Chromium, served by `lkljs-site serve`'s
//! server with the real kernel: it boots to the shell's prompt on the kernel's
//! console tty, and keys typed into the terminal (real key events) reach the
//! line discipline and the shell, BusyBox hush: pipelines, `$?`, job control,
//! Ctrl-C and Ctrl-Z, the window size, paste and UTF-8.
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

/// Requests the page or its workers sent that have neither finished nor
/// failed (with Network enabled, and [`Page::watch_workers`] for the workers').
fn pending_requests(page: &Page) -> Vec<String> {
    let finished: std::collections::BTreeSet<String> = page
        .events_named_with_workers("Network.loadingFinished")
        .iter()
        .chain(page.events_named_with_workers("Network.loadingFailed").iter())
        .map(|event| event["params"]["requestId"].as_str().unwrap_or("").to_owned())
        .collect();
    page.events_named_with_workers("Network.requestWillBeSent")
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

/// Runs a command line through `lkljsDemo.run` (typed into the tty like keys) and returns its output.
fn run(page: &Page, command: &str) -> String {
    let output = page.eval(&format!("lkljsDemo.run({})", json!(command)));
    output.as_str().unwrap_or_else(|| panic!("`{command}` gave no text: {output}")).to_owned()
}

/// The terminal's text (`lkljsDemo.terminalText()`: trailing spaces trimmed,
/// so the prompt `/root # ` ends in `/root #`).
fn terminal_text(page: &Page) -> String {
    page.eval("lkljsDemo.terminalText()").as_str().unwrap_or_default().to_owned()
}

/// A JavaScript regular expression for the shell's prompt ending the terminal's text.
const PROMPT_AT_END: &str = r"\n?[~/][^\n]* #$";

fn focus_terminal(page: &Page) {
    focus_terminal_number(page, 0);
}

/// Gives the keyboard to terminal `n`: 0 the console, 1… those opened beside it.
fn focus_terminal_number(page: &Page, n: usize) {
    page.eval(&format!("document.querySelectorAll('.demo-terminal textarea')[{n}].focus()"));
}

/// Clicks the element `selector` with real mouse events at its centre.
fn click(page: &Page, selector: &str) {
    let centre = page.eval(&format!(
        "(() => {{ const element = document.querySelector({});
                   element.scrollIntoView({{ block: 'center' }});
                   const box = element.getBoundingClientRect();
                   return [box.x + box.width / 2, box.y + box.height / 2]; }})()",
        json!(selector)
    ));
    let (x, y) = (centre[0].as_f64().unwrap(), centre[1].as_f64().unwrap());
    page.call("Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": x, "y": y }));
    for kind in ["mousePressed", "mouseReleased"] {
        page.call(
            "Input.dispatchMouseEvent",
            json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
        );
    }
}

/// Types text into the focused terminal with real input events (as an input
/// method or a keyboard's text does).
fn insert_text(page: &Page, text: &str) {
    page.call("Input.insertText", json!({ "text": text }));
}

/// Types text into the focused terminal with real input events, then presses Enter.
fn type_line(page: &Page, text: &str) {
    insert_text(page, text);
    page.press_key("Enter");
}

/// Does `act` (key presses), then waits until what the terminal shows beyond
/// what it showed before matches the JavaScript regular expression `expected`
/// followed by the shell's prompt, with the demo at its prompt; returns that new text.
fn act_until(page: &Page, what: &str, act: impl FnOnce(), expected: &str) -> String {
    act_until_in(page, 0, what, act, expected)
}

/// [`act_until`] for terminal `n` (0: the console, with the demo at its
/// prompt; 1…: those opened beside it, whose shells' prompts end their text).
fn act_until_in(page: &Page, n: usize, what: &str, act: impl FnOnce(), expected: &str) -> String {
    let mark = format!("window.lkljsMark{n}");
    page.eval(&format!("{mark} = lkljsDemo.terminalText({n}).length"));
    act();
    let pattern = json!(format!("{expected}{PROMPT_AT_END}"));
    let ready = if n == 0 { "lkljsDemo.state === 'ready' && " } else { "" };
    let condition = format!("{ready}new RegExp({pattern}).test(lkljsDemo.terminalText({n}).slice({mark}))");
    wait_showing_terminal(page, &condition, &format!("{what}: {expected:?} and the prompt in terminal {n}"));
    page.eval(&format!("lkljsDemo.terminalText({n}).slice({mark})")).as_str().unwrap_or_default().to_owned()
}

/// Waits until the JavaScript `condition` holds; on timeout, fails showing
/// the terminal, the demo's state and the console.
fn wait_showing_terminal(page: &Page, condition: &str, what: &str) {
    let started = Instant::now();
    loop {
        let seen = page.call("Runtime.evaluate", json!({ "expression": condition, "returnByValue": true }));
        if seen["result"]["value"] == json!(true) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no {what} (state {})\n--- terminal ---\n{}\n--- terminals beside it ---\n{}\nconsole: {:?}",
            state(page),
            terminal_text(page),
            page.eval(
                "lkljsDemo.terminals.map((_, i) => document.querySelectorAll('.demo-pane-title')[i].textContent + '\\n'
                    + lkljsDemo.terminalText(i + 1)).join('\\n---\\n')"
            ),
            page.console()
        );
        page.collect_events(Duration::from_millis(100));
    }
}

/// Types `line` and Enter with real key events and waits for `expected`
/// (a JavaScript regular expression) and the next prompt.
fn type_until(page: &Page, line: &str, expected: &str) -> String {
    act_until(page, line, || type_line(page, line), expected)
}

/// Waits for the one terminal beside the console and its shell's prompt.
fn wait_for_terminal_beside(page: &Page, what: &str) {
    let condition = format!(
        "lkljsDemo.terminals.length === 1 && new RegExp({}).test(lkljsDemo.terminalText(1))",
        json!(PROMPT_AT_END)
    );
    wait_showing_terminal(page, &condition, what);
}

/// Marks how much terminal `n` shows now, for [`wait_for_new_text`]; returns the mark's name.
fn mark_terminal(page: &Page, n: usize) -> String {
    let mark = format!("window.lkljsSince{n}");
    page.eval(&format!("{mark} = lkljsDemo.terminalText({n}).length"));
    mark
}

/// Waits until what terminal `n` shows after `mark` matches the JavaScript
/// regular expression `expected`.
fn wait_for_new_text(page: &Page, n: usize, mark: &str, expected: &str, what: &str) {
    let condition = format!("new RegExp({}).test(lkljsDemo.terminalText({n}).slice({mark}))", json!(expected));
    wait_showing_terminal(page, &condition, what);
}

/// Checks `done` every 200 ms (pumping the page's events between checks)
/// until it holds or `limit` has passed, a hang detector's time rather than
/// a speed bound; says whether it held. The caller asserts with its own words.
fn poll_until(page: &Page, limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if done() {
            return true;
        }
        if started.elapsed() >= limit {
            return false;
        }
        page.collect_events(Duration::from_millis(200));
    }
}

/// Waits until a socket in the kernel listens on TCP `port` (`/proc/net/tcp`,
/// read by the console's shell), as a person waits for a server to start.
fn wait_until_listening(page: &Page, port: u16) {
    let listening = format!(":{port:04X} 00000000:0000 0A");
    let listens = poll_until(page, Duration::from_secs(20), || run(page, "cat /proc/net/tcp").contains(&listening));
    assert!(listens, "nothing listens on port {port}");
}

/// Clicks the New terminal button `button` and waits for the terminal it
/// opens beside the console and its shell's prompt; returns the time from
/// the click to the prompt on screen (ms, polled in the page every 2 ms).
fn open_terminal_beside(page: &Page, button: &str, what: &str) -> f64 {
    page.eval("window.lkljsClicked = performance.now()");
    click(page, button);
    let elapsed = page.eval(&format!(
        "new Promise((resolve) => {{ const prompt = new RegExp({});
            const check = () => {{
                const elapsed = performance.now() - window.lkljsClicked;
                if (lkljsDemo.terminals.length === 1 && prompt.test(lkljsDemo.terminalText(1))) resolve(elapsed);
                else if (elapsed > 30000) resolve(-1);
                else setTimeout(check, 2);
            }};
            check(); }})",
        json!(PROMPT_AT_END)
    ));
    // Too long: fail with what the terminals show.
    wait_for_terminal_beside(page, what);
    elapsed.as_f64().unwrap()
}

/// [`type_until`] in terminal `n`, which gets the keyboard first.
fn type_until_in(page: &Page, n: usize, line: &str, expected: &str) -> String {
    focus_terminal_number(page, n);
    act_until_in(page, n, line, || type_line(page, line), expected)
}

/// Types `line` and Enter (a command that keeps running), waits until it has
/// run for a moment, then presses Ctrl-`letter` and waits for `expected` and the prompt.
fn start_then_ctrl(page: &Page, line: &str, letter: char, expected: &str) -> String {
    type_line(page, line);
    page.wait_for("lkljsDemo.state === 'running'", Duration::from_secs(10));
    page.collect_events(Duration::from_millis(700));
    assert_eq!(state(page), "running", "`{line}` ended by itself:\n{}", terminal_text(page));
    act_until(page, &format!("Ctrl-{letter} on `{line}`"), || page.press_ctrl(letter), expected)
}

/// The window size the tty reports (`stty size`: rows, columns), typed with keys.
fn stty_size(page: &Page) -> (u32, u32) {
    let text = type_until(page, "stty size", r"\n\d+ \d+");
    let line = text.lines().find(|line| line.split(' ').all(|word| word.parse::<u32>().is_ok())).unwrap();
    let (rows, columns) = line.split_once(' ').unwrap();
    (rows.parse().unwrap(), columns.parse().unwrap())
}

/// Processes whose command line is exactly `command`, from the kernel's `ps`.
fn processes_running(page: &Page, command: &str) -> usize {
    run(page, "ps").lines().filter(|line| line.trim_end().ends_with(&format!(" {command}"))).count()
}

/// The page's cumulative layout shift so far, as Chromium measured it, and
/// each shift (its value, time and the elements it moved).
fn layout_shift(page: &Page) -> (f64, Value) {
    let shifts = page.eval(
        "new Promise((resolve) => { const shifts = [];
            new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) shifts.push({ value: entry.value, at: entry.startTime,
                    moved: entry.sources.map((source) => source.node ? source.node.nodeName + '.' + source.node.className
                        + ' ' + JSON.stringify(source.previousRect) + ' -> ' + JSON.stringify(source.currentRect) : '?') });
            }).observe({ type: 'layout-shift', buffered: true });
            setTimeout(() => resolve(shifts), 200); })",
    );
    let shift = shifts.as_array().unwrap().iter().map(|entry| entry["value"].as_f64().unwrap()).sum();
    (shift, shifts)
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

/// Requests whose URL path (without the origin) satisfies `wanted`, sent by
/// the page or its workers (with [`Page::watch_workers`]).
fn requests_matching(page: &Page, wanted: impl Fn(&str) -> bool) -> usize {
    page.events_named_with_workers("Network.requestWillBeSent")
        .iter()
        .filter_map(|event| event["params"]["request"]["url"].as_str().map(str::to_owned))
        .filter(|url| {
            let path = url.splitn(4, '/').nth(3).map(|path| format!("/{path}")).unwrap_or_default();
            wanted(&path)
        })
        .count()
}

#[test]
fn the_demo_boots_to_the_kernels_shell_on_its_console_tty() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call("Network.enable", json!({}));
    page.watch_workers();
    open(page, &browser.url("/demo/"));
    assert_eq!(page.eval("window.crossOriginIsolated"), json!(true));
    wait_for_prompt(page);

    // The boot streamed the kernel's log and /init's messages, then the
    // shell's prompt appeared, showing the working directory.
    let text = terminal_text(page);
    for line in ["Linux version 6.1.", "Kernel command line:", "Run /init as init process", "lkljs-init: PID 1 ready"] {
        assert!(text.contains(line), "the terminal lacks {line:?}:\n{text}");
    }
    assert!(text.ends_with("\n/root #"), "the shell's prompt is not last:\n{text}");
    assert_eq!(page.eval("document.querySelector('[data-demo]').dataset.demoState"), json!("ready"));
    let timings = page.eval("lkljsDemo.timings");
    let first = timings["navigationToFirstLineMs"].as_f64().unwrap();
    let prompt = timings["navigationToPromptMs"].as_f64().unwrap();
    assert!(first > 0.0 && prompt >= first, "{timings}");
    assert!(timings["marks"]["prompt"].as_f64().unwrap() >= timings["marks"]["initStarted"].as_f64().unwrap());
    // What came over the network for the artefacts: compressed or not,
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
    // The terminal's space was reserved: loading and booting shifted nothing
    // on the page (the cumulative layout shift that Chromium measured).
    let (shift, shifts) = layout_shift(page);
    assert!(shift < 0.01, "the page's layout shifted by {shift} while the demo loaded: {shifts:#}");
    // On the demo's page the keys go to the shell without a click.
    assert_eq!(
        page.eval("document.activeElement === document.querySelector('.demo-terminal textarea')"),
        json!(true),
        "the terminal does not have the keyboard focus"
    );

    // Real key events into xterm's textarea, like a reader's typing; the
    // kernel's line discipline and the shell's line editor do the rest.
    focus_terminal(page);
    type_until(page, "uname -a", r"\nLinux \S+ 6\.1\.[^\n]*");
    type_until(page, "echo hello | tr a-z A-Z", r"\nHELLO");
    type_until(page, "false", "");
    type_until(page, "echo $?", r"\n1");
    let moved = type_until(page, "cd /tmp", "");
    assert!(moved.ends_with("\n/tmp #"), "the prompt does not follow the working directory:\n{moved}");
    // UTF-8 both ways: typed, counted in bytes by a program, and printed from bytes.
    type_until(page, "echo héllo wörld €", r"\nhéllo wörld €");
    type_until(page, "printf 'h\\303\\251llo' | wc -c", r"\n *6");
    type_until(page, r"printf '\342\202\254\n'", r"\n€");
    // Line editing: Home, End, the arrows and Backspace; Tab completion; history.
    act_until(
        page,
        "line editing",
        || {
            insert_text(page, "cho Xbc");
            page.press_key("Home");
            insert_text(page, "e");
            for _ in 0..5 {
                page.press_key("ArrowRight");
            }
            page.press_key("Backspace");
            insert_text(page, "a");
            page.press_key("End");
            insert_text(page, "!");
            page.press_key("Enter");
        },
        r"\nabc!",
    );
    act_until(
        page,
        "Tab completion",
        || {
            insert_text(page, "ech");
            page.press_key("Tab");
            insert_text(page, "completed");
            page.press_key("Enter");
        },
        r"echo completed\ncompleted",
    );
    act_until(
        page,
        "history",
        || {
            page.press_key("ArrowUp");
            page.press_key("Enter");
        },
        r"echo completed\ncompleted",
    );
    // A multi-line paste runs line after line.
    act_until(
        page,
        "a multi-line paste",
        || {
            page.eval(
                "(() => { const data = new DataTransfer(); data.setData('text/plain', 'echo pasted-one\\necho pasted-two\\n');
                          document.querySelector('.demo-terminal textarea').dispatchEvent(
                              new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
                          return true; })()",
            );
        },
        r"\npasted-one\n[^\n]*echo pasted-two\npasted-two",
    );

    // Job control: a background job, jobs and kill %1.
    type_until(page, "sleep 100 &", r"\n\[1\] \d+[^\n]*");
    type_until(page, "jobs", r"\n\[1\][^\n]*Running[^\n]*sleep 100");
    assert_eq!(processes_running(page, "sleep 100"), 1);
    type_until(page, "kill %1", "");
    // The job ends after the shell's prompt is back (the signal reaches it,
    // it exits, the shell reaps it), later on a busy machine: wait for that,
    // up to a hang detector's time, rather than a fixed half second.
    poll_until(page, Duration::from_secs(15), || processes_running(page, "sleep 100") == 0);
    assert_eq!(processes_running(page, "sleep 100"), 0, "kill %1 left the job running");
    // Ctrl-C stops a CPU-bound foreground job: SIGINT, $? 130.
    let interrupted = start_then_ctrl(page, "yes > /dev/null", 'c', r"\^C[^\n]*");
    assert!(interrupted.contains("^C"), "{interrupted}");
    type_until(page, "echo status:$?", r"\nstatus:130");
    // Also a shell loop that makes no system call at all.
    start_then_ctrl(page, "while :; do :; done", 'c', r"\^C[^\n]*");
    // Ctrl-Z suspends the foreground job; bg resumes it in the background,
    // fg brings it back to the foreground, and Ctrl-C ends it.
    start_then_ctrl(page, "sleep 200", 'z', r"\^Z[^\n]*\[1\][^\n]*sleep 200");
    type_until(page, "jobs", r"\n\[1\][^\n]*Stopped[^\n]*sleep 200");
    type_until(page, "bg", r"[\s\S]*");
    type_until(page, "jobs", r"\n\[1\][^\n]*Running[^\n]*sleep 200");
    type_line(page, "fg");
    page.wait_for("lkljsDemo.state === 'running'", Duration::from_secs(10));
    page.collect_events(Duration::from_millis(700));
    assert_eq!(state(page), "running", "fg did not resume the job:\n{}", terminal_text(page));
    act_until(page, "Ctrl-C on the resumed job", || page.press_ctrl('c'), r"\^C[^\n]*");
    type_until(page, "echo status:$?", r"\nstatus:130");
    assert_eq!(processes_running(page, "sleep 200"), 0);

    // The window's size is the tty's: a narrower window, fewer columns in `stty size`.
    let (rows, columns) = stty_size(page);
    let drawn_rows = page.eval("document.querySelectorAll('.demo-terminal .xterm-rows > div').length");
    assert_eq!(json!(rows), drawn_rows, "stty's rows are not the terminal's");
    page.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 520, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
    );
    let started = Instant::now();
    let narrower = loop {
        page.collect_events(Duration::from_millis(300));
        let size = stty_size(page);
        if size.1 < columns || started.elapsed() > Duration::from_secs(15) {
            break size;
        }
    };
    assert!(narrower.1 < columns && narrower.0 == rows, "{rows}x{columns} then {narrower:?}");
    page.call("Emulation.clearDeviceMetricsOverride", json!({}));

    // Files, processes and the kernel's own views, through the same keystroke path.
    assert_eq!(run(page, "pwd"), "/tmp\n");
    assert_eq!(run(page, "echo hi > x"), "");
    assert_eq!(run(page, "cat x"), "hi\n");
    assert_eq!(run(page, "echo there >> x"), "");
    assert_eq!(run(page, "cat /tmp/x"), "hi\nthere\n");
    let here = run(page, "ls -l");
    assert!(here.lines().any(|line| line.starts_with("-rw-r--r--") && line.ends_with(" x")), "{here}");
    let listing = run(page, "ls -l /proc");
    for entry in ["1", "meminfo", "uptime", "self"] {
        let named = |line: &str| line.ends_with(&format!(" {entry}")) || line.contains(&format!(" {entry} -> "));
        assert!(listing.lines().any(named), "ls -l /proc lacks {entry}: {listing}");
    }
    let long = run(page, "ls -l /tmp");
    assert!(long.lines().any(|line| line.starts_with("-rw-r--r--") && line.ends_with(" x")), "{long}");
    let ps = run(page, "ps");
    assert!(ps.contains("[kthreadd]"), "ps shows no kthreadd:\n{ps}");
    assert!(ps.lines().any(|line| line.split_whitespace().next() == Some("1")), "ps shows no PID 1:\n{ps}");
    assert_eq!(run(page, "ls /nonexistent"), "ls: /nonexistent: No such file or directory\n");
    assert_eq!(run(page, "mkdir /tmp/d && cd /tmp/d && pwd"), "/tmp/d\n");
    assert!(run(page, "free").contains("Mem:"));
    assert!(run(page, "dmesg | head").contains("Linux version 6.1."));
    assert!(run(page, "mount").contains("proc on /proc type proc"));
    let missing = run(page, "nosuchcommand");
    assert!(missing.contains("'nosuchcommand'") && missing.contains("No such file or directory"), "{missing}");

    // Full-screen programs: vi (open, insert, save, quit), then cat shows the
    // edit; more pages a pipe until q.
    type_line(page, "vi note");
    wait_showing_terminal(page, "/\\n~\\n~\\n/.test(lkljsDemo.terminalText())", "vi's screen");
    insert_text(page, "ihello from vi");
    page.press_key("Escape");
    // A pause, as a person makes: vi reads a quick ESC ':' as one Alt key.
    page.collect_events(Duration::from_millis(300));
    insert_text(page, ":wq");
    page.press_key("Enter");
    wait_showing_terminal(page, "lkljsDemo.state === 'ready'", "the prompt after vi");
    assert_eq!(run(page, "cat note"), "hello from vi\n");
    type_line(page, "seq 200 | more");
    wait_showing_terminal(page, "lkljsDemo.terminalText().includes('--More--')", "more's prompt");
    // more erases its own prompt, so the text does not grow: wait for the shell's.
    page.press_key("q");
    wait_showing_terminal(
        page,
        &format!("lkljsDemo.state === 'ready' && /\\n\\d+\\n{PROMPT_AT_END}/.test(lkljsDemo.terminalText())"),
        "the prompt after q in more",
    );
    assert!(!terminal_text(page).contains("\n200\n"), "more did not stop at its first page");

    // `exit` ends the shell, and /init halts the machine with the shell's
    // status: a clean halt, not a crash. The page offers a reboot, which
    // tears the kernel down and boots again without reloading the page.
    let halted = run(page, "exit 3");
    assert!(halted.contains("reboot: System halted"), "{halted}");
    assert_eq!(state(page), "halted");
    let status = page.eval("document.querySelector('[data-demo-status]').textContent");
    assert!(status.as_str().unwrap().contains("exited with status 3"), "{status}");
    assert_eq!(page.eval("document.querySelector('[data-demo-notice]').hidden"), json!(true));
    assert_eq!(page.eval("document.querySelector('[data-demo-reboot]').disabled"), json!(false));
    page.eval("window.beforeReboot = true");
    page.eval("document.querySelector('[data-demo-reboot]').click()");
    page.wait_for("lkljsDemo.state !== 'halted'", Duration::from_secs(10));
    wait_for_prompt(page);
    assert_eq!(page.eval("window.beforeReboot"), json!(true), "the reboot reloaded the page");
    assert_eq!(run(page, "cat /tmp/x"), "cat: can't open '/tmp/x': No such file or directory\n", "a fresh /tmp");

    // A kernel that stops on its own (reboot(RESTART), which the port cannot
    // carry out: it stops with exit status 5) shows why in the terminal and the
    // notice, and the page offers a reboot.
    page.eval(
        // The call never returns (the kernel stops); the reboot below rejects it.
        "lkljsDemo.lkljs.syscall(142, 0xfee1dead, 672274793, 0x01234567, 0, 0, 0).catch(() => {}); true",
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
    // The JavaScript shell is gone: no script of it is published or fetched.
    assert_eq!(requests_matching(page, |path| path.contains("demo-shell") || path.contains("demo-abi")), 0);
    // The script that starts the kernel is inline, in the page's head: no
    // request for it stands between the HTML and the kernel's downloads.
    assert_eq!(requests_matching(page, |path| path.contains("demo-start")), 0);
    let inline = page.eval(
        "[...document.head.querySelectorAll('script:not([src])')].some((s) => s.textContent.includes('kernelRuntime'))",
    );
    assert_eq!(inline, json!(true), "the head has no inline script that starts the kernel");
    let errors: Vec<String> = page.console().into_iter().filter(|line| line.starts_with("error")).collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// A real kernel panic, caused from the shell as a visitor could: with every
/// process exempt from the OOM killer (`oom_score_adj` -1000; PID 1 and the
/// kernel's threads are exempt anyway), filling `/tmp` (tmpfs, kernel memory)
/// leaves the kernel nothing to kill, and it panics: "Out of memory and no
/// killable processes", then "System is deadlocked on memory". The page shows
/// the kernel's message in the terminal and in its notice, Reboot (a real
/// click) boots a fresh kernel without reloading the page, and the browser's
/// console holds no errors.
#[test]
fn a_real_kernel_panic_shows_its_message_and_reboot_boots_again() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    open(page, &browser.url("/demo/"));
    wait_for_prompt(page);
    focus_terminal(page);
    type_until(page, "for p in /proc/[0-9]*; do echo -1000 > $p/oom_score_adj; done", "");
    type_until(page, "cat /proc/1/oom_score_adj /proc/$$/oom_score_adj", r"\n-1000\n-1000");
    type_line(page, "cat /dev/zero > /tmp/fill");
    wait_showing_terminal(page, "lkljsDemo.state === 'panic'", "the kernel's panic");

    let terminal = terminal_text(page);
    for line in
        ["Out of memory and no killable processes", "Kernel panic - not syncing: System is deadlocked on memory"]
    {
        assert!(terminal.contains(line), "the terminal lacks the kernel's {line:?}:\n{terminal}");
    }
    let notice = page.eval("document.querySelector('[data-demo-notice]').textContent");
    let notice = notice.as_str().unwrap_or_default();
    assert!(
        notice.contains("Kernel panic: System is deadlocked on memory") && notice.contains("Reboot"),
        "the notice does not give the panic's message: {notice:?}"
    );
    assert_eq!(page.eval("document.querySelector('[data-demo-notice]').hidden"), json!(false));
    let status = page.eval("document.querySelector('[data-demo-status]').textContent");
    assert!(status.as_str().unwrap_or_default().contains("Reboot"), "{status}");
    assert_eq!(page.eval("document.querySelector('[data-demo-reboot]').disabled"), json!(false));

    // Reboot: a fresh kernel, without a page reload, whose /tmp is empty and
    // whose shell takes keys again.
    page.eval("window.beforeReboot = true");
    click(page, "[data-demo-reboot]");
    page.wait_for("lkljsDemo.state !== 'panic'", Duration::from_secs(10));
    wait_for_prompt(page);
    assert_eq!(page.eval("window.beforeReboot"), json!(true), "the reboot reloaded the page");
    focus_terminal(page);
    type_until(page, "ls /tmp/fill", r"\nls: /tmp/fill: No such file or directory");
    type_until(page, "echo hello | tr a-z A-Z", r"\nHELLO");

    let errors: Vec<String> = page.console().into_iter().filter(|line| line.starts_with("error")).collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// A kernel's workers all end with it: its runtime worker (kernelRuntime in
/// demo-start.inline.js) and the kernel threads' workers nested in it, those
/// started while boot.wasm downloaded included, and a process's that never
/// stops computing. Chromium reports every worker that starts and every one
/// that ends (auto-attached DevTools targets, a worker's own workers too):
/// after reboots, every worker of the first kernel has ended, the last
/// kernel's shell runs on workers of its own, and no worker complained.
/// Reboots in the middle of boots, while workers load boot.js, end those
/// kernels as cleanly.
#[test]
fn a_reboot_ends_every_worker_of_the_kernel_it_replaces() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.watch_workers();
    open(page, &browser.url("/demo/"));
    wait_for_prompt(page);
    let (first_kernel, ended) = worker_targets(page);
    assert!(ended.is_empty(), "workers ended while the first kernel ran: {ended:?}");
    // The runtime's worker, and one per host thread up to the prompt: /init's,
    // the host process's and the shell's (the kernel threads, the boot
    // thread among them, are coroutines of the runtime's thread,
    // demo-build/host/coroutine.c), and any spares started by then
    // (demo-build/host/lkljs-workers.js).
    assert!(first_kernel.len() >= 4, "only {} workers under the first kernel", first_kernel.len());
    // With a worker for each of the 9 kernel threads too, there would be 13 or more.
    assert!(
        first_kernel.len() <= 9,
        "{} workers under the first kernel: are the kernel threads not coroutines in Chromium?",
        first_kernel.len()
    );
    // A process that computes without end, on a worker of its own.
    focus_terminal(page);
    type_until(page, "yes > /dev/null &", r"\n\[1\] \d+[^\n]*");
    // The shell runs BusyBox's applets in its forked child, without exec.
    assert_eq!(processes_running(page, "{yes} -sh"), 1);
    let (first_kernel, _) = worker_targets(page);

    click(page, "[data-demo-reboot]");
    page.wait_for("lkljsDemo.state !== 'ready'", Duration::from_secs(10));
    // Reboots at staggered moments of the boots that follow, while workers
    // start and load boot.js.
    for round in 0..6 {
        page.collect_events(Duration::from_millis(100 + round * 40));
        page.eval("lkljsDemo.reboot(); true");
    }
    wait_for_prompt(page);
    focus_terminal(page);
    type_until(page, "echo hello | tr a-z A-Z", r"\nHELLO");
    // Chromium reports a worker's end once its thread has stopped: a worker
    // stops once it is back in its event loop, or forcibly about two seconds
    // after terminate(). Wait for that, up to a hang detector's time.
    poll_until(page, Duration::from_secs(30), || {
        let (_, ended) = worker_targets(page);
        first_kernel.iter().all(|worker| ended.contains(worker))
    });
    let (all, ended) = worker_targets(page);
    let left = first_kernel.iter().filter(|worker| !ended.contains(worker)).count();
    assert_eq!(left, 0, "{left} of the first kernel's {} workers outlived the reboot", first_kernel.len());
    let last_kernel = all.iter().filter(|worker| !first_kernel.contains(worker) && !ended.contains(worker)).count();
    assert!(last_kernel >= 4, "only {last_kernel} workers under the last kernel");
    let errors: Vec<String> = page.console().into_iter().filter(|line| line.starts_with("error")).collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// The DevTools target ids of the page's workers that started so far, and of those that ended.
fn worker_targets(page: &Page) -> (Vec<String>, Vec<String>) {
    let workers: Vec<String> = page
        .events_named_with_workers("Target.attachedToTarget")
        .iter()
        .filter(|event| event["params"]["targetInfo"]["type"] == json!("worker"))
        .filter_map(|event| event["params"]["targetInfo"]["targetId"].as_str().map(str::to_owned))
        .collect();
    let ended = page
        .events_named_with_workers("Target.detachedFromTarget")
        .iter()
        .filter_map(|event| event["params"]["targetId"].as_str().map(str::to_owned))
        .filter(|target| workers.contains(target))
        .collect();
    (workers, ended)
}

/// "New terminal" opens a second terminal beside the console, a pty with a
/// login shell of its own, typed into with real key events: a FIFO joins the
/// two shells; `httpd` serves a file that `wget` fetches, from either
/// terminal; `top` runs until `q`; an exited shell leaves its status, Close
/// hangs a live one up, and a reboot removes them with the kernel.
#[test]
fn a_second_terminal_joins_the_console_and_servers_and_top_run_there() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    open(page, &browser.url("/demo/"));
    wait_for_prompt(page);

    // A real button, enabled once the shell is up, that opens a labelled
    // terminal with the keyboard in it and a shell prompt on it.
    let button = page.eval(
        "(() => { const button = document.querySelector('[data-demo-new-terminal]');
                  return [button.tagName, button.textContent, button.disabled]; })()",
    );
    assert_eq!(button, json!(["BUTTON", "New terminal", false]));
    let mut opening_times =
        vec![open_terminal_beside(page, "[data-demo-new-terminal]", "the second terminal's prompt")];
    assert_eq!(
        page.eval("document.activeElement === document.querySelectorAll('.demo-terminal textarea')[1]"),
        json!(true),
        "the new terminal does not have the keyboard"
    );
    assert_eq!(page.eval("document.querySelector('.demo-pane').getAttribute('aria-label')"), json!("Linux terminal 2"));
    let name = page.eval("lkljsDemo.terminals[0].name");
    let name = name.as_str().unwrap().to_owned();
    assert!(name.starts_with("/dev/pts/"), "{name}");
    let title = page.eval("document.querySelector('.demo-pane-title').textContent");
    assert!(title.as_str().unwrap().contains(&name), "{title}");
    // The demo with a terminal beside the console (its pane, title and
    // buttons, both screens) passes axe-core.
    if let Some(tools) = crate::support::npm_tools::install("page-audit", "node_modules/axe-core/axe.min.js") {
        page.eval(&std::fs::read_to_string(tools.join("node_modules/axe-core/axe.min.js")).unwrap());
        let violations = page.eval(
            "axe.run(document.querySelector('.demo')).then((result) => result.violations.map((violation) =>
                violation.id + ': ' + violation.nodes.map((node) => node.html).join(' | ')))",
        );
        assert_eq!(violations, json!([]), "axe-core finds violations in the demo with two terminals");
    }
    let tty = type_until_in(page, 1, "tty", r"\n/dev/pts/\d+");
    assert!(tty.contains(&format!("\n{name}\n")), "{tty}");
    // Its window size is its own screen's.
    let size = type_until_in(page, 1, "stty size", r"\n\d+ \d+");
    let drawn_rows = page.eval("document.querySelectorAll('.demo-pane .xterm-rows > div').length");
    assert!(size.contains(&format!("\n{} ", drawn_rows.as_u64().unwrap())), "{size} for {drawn_rows} rows");

    // A FIFO between the two shells: cat waits in the second terminal until
    // the console's shell writes.
    act_until_in(
        page,
        1,
        "a line through a FIFO",
        || {
            focus_terminal_number(page, 1);
            type_line(page, "mkfifo /tmp/f; cat /tmp/f");
            page.collect_events(Duration::from_millis(500));
            type_until_in(page, 0, "echo hi > /tmp/f", "");
        },
        r"cat /tmp/f\nhi",
    );

    // nc across the two terminals, over loopback: the server in the second,
    // the client in the console; lines typed on either side appear on the
    // other. ^D on the client's side ends its sending and with it both (the
    // server exits at the end of what it reads, the client once the server
    // has closed); ^C ends either side (SIGINT: $? 130), and the other exits
    // as the connection closes.
    for (port, key, ended) in [(7000, 'd', 0), (7001, 'c', 1), (7002, 'c', 0)] {
        focus_terminal_number(page, 1);
        type_line(page, &format!("nc -l -p {port}"));
        wait_until_listening(page, port);
        let server = mark_terminal(page, 1);
        focus_terminal(page);
        type_line(page, &format!("nc 127.0.0.1 {port}"));
        page.wait_for("lkljsDemo.state === 'running'", Duration::from_secs(10));
        let client = mark_terminal(page, 0);
        type_line(page, &format!("from-the-console-{port}"));
        let line = format!(r"\nfrom-the-console-{port}(\n|$)");
        wait_for_new_text(page, 1, &server, &line, "the console's line in nc -l");
        focus_terminal_number(page, 1);
        type_line(page, &format!("from-the-pty-{port}"));
        wait_for_new_text(page, 0, &client, &format!(r"\nfrom-the-pty-{port}(\n|$)"), "the pty's line in nc");
        focus_terminal_number(page, ended);
        page.press_ctrl(key);
        let ended_status = if key == 'c' { 130 } else { 0 };
        for (n, status) in [(ended, ended_status), (1 - ended, 0)] {
            let mark = if n == 0 { &client } else { &server };
            wait_for_new_text(page, n, mark, PROMPT_AT_END, &format!("the prompt after ^{key} in terminal {ended}"));
            type_until_in(page, n, "echo status:$?", &format!(r"\nstatus:{status}"));
        }
    }
    focus_terminal(page);

    // A server in the kernel, on loopback: httpd in the console's
    // background, wget in the foreground of either shell.
    type_until(page, "mkdir -p /tmp/www && echo served-by-httpd > /tmp/www/index.html", "");
    type_until(page, "httpd -f -p 8080 -h /tmp/www &", r"\n\[1\] \d+[^\n]*");
    type_until(page, "wget -O - http://127.0.0.1:8080/", r"\nserved-by-httpd\n[\s\S]*");
    type_until_in(page, 1, "wget -O - http://127.0.0.1:8080/", r"\nserved-by-httpd\n[\s\S]*");
    focus_terminal(page);
    type_until(page, "kill %1", "");

    // top takes the console's screen until q.
    focus_terminal(page);
    type_line(page, "top");
    wait_showing_terminal(
        page,
        "lkljsDemo.state === 'running' && /Load average[\\s\\S]*PID/.test(lkljsDemo.terminalText())",
        "top's screen",
    );
    page.collect_events(Duration::from_millis(1500));
    assert_eq!(state(page), "running", "top ended by itself:\n{}", terminal_text(page));
    page.press_key("q");
    wait_showing_terminal(
        page,
        &format!("lkljsDemo.state === 'ready' && new RegExp({}).test(lkljsDemo.terminalText())", json!(PROMPT_AT_END)),
        "the prompt after q in top",
    );
    type_until(page, "echo after-top", r"\nafter-top");

    // `exit` ends the second terminal's shell: its status stays on its
    // screen until Close, which gives the keyboard back to the console.
    focus_terminal_number(page, 1);
    type_line(page, "exit 7");
    wait_showing_terminal(page, "lkljsDemo.terminals[0].status === 7", "the second shell's exit");
    let title = page.eval("document.querySelector('.demo-pane-title').textContent");
    assert!(title.as_str().unwrap().contains("exited with status 7"), "{title}");
    assert!(page.eval("lkljsDemo.terminalText(1)").as_str().unwrap().contains("exited with status 7"));
    click(page, ".demo-pane button");
    assert_eq!(page.eval("document.querySelectorAll('.demo-pane').length"), json!(0));
    assert_eq!(
        page.eval("document.activeElement === document.querySelector('.demo-terminal textarea')"),
        json!(true),
        "Close did not give the keyboard back to the console"
    );

    // Close on a live terminal hangs it up: its shell is gone.
    opening_times.push(open_terminal_beside(page, "[data-demo-new-terminal]", "a third terminal's prompt"));
    let shell = page.eval("lkljsDemo.terminals[0].pid").as_u64().unwrap();
    assert_eq!(run(page, &format!("kill -0 {shell} && echo alive")), "alive\n");
    click(page, ".demo-pane button");
    let gone = poll_until(page, Duration::from_secs(10), || {
        run(page, &format!("kill -0 {shell} 2>/dev/null && echo alive")) != "alive\n"
    });
    assert!(gone, "Close left the shell {shell} running");

    // A reboot takes the terminals beside the console down with the kernel;
    // the new kernel offers new ones once its shell is up.
    click(page, "[data-demo-new-terminal]");
    wait_showing_terminal(page, "lkljsDemo.terminals.length === 1", "another terminal");
    click(page, "[data-demo-reboot]");
    assert_eq!(page.eval("document.querySelectorAll('.demo-pane').length"), json!(0));
    assert_eq!(page.eval("document.querySelector('[data-demo-new-terminal]').disabled"), json!(true));
    wait_for_prompt(page);
    assert_eq!(page.eval("document.querySelector('[data-demo-new-terminal]').disabled"), json!(false));
    opening_times.push(open_terminal_beside(page, "[data-demo-new-terminal]", "a terminal after the reboot"));
    opening_times.sort_by(f64::total_cmp);
    println!(
        "New terminal, click to the new shell's prompt: median {:.0} ms (min {:.0}, max {:.0}, {} opens)",
        opening_times[1],
        opening_times[0],
        opening_times[2],
        opening_times.len()
    );
    let errors: Vec<String> = page.console().into_iter().filter(|line| line.starts_with("error")).collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// What is wrong with the demo's bar as laid out now: a part of it (the
/// status, the buttons, the figures) cut, sticking out of the demo or
/// overlapping another, a figure or a button broken over two lines.
const BAR_PROBLEMS: &str = "(() => {
    const demo = document.querySelector('.demo');
    const frame = demo.getBoundingClientRect();
    const problems = [];
    const parts = [['status', '[data-demo-status]'], ['buttons', '.demo-actions'], ['figures', '[data-demo-figures]']]
        .map(([name, selector]) => [name, demo.querySelector(selector)]);
    for (const [name, element] of parts) {
        const box = element.getBoundingClientRect();
        if (element.scrollWidth > element.clientWidth + 1) problems.push(name + ' is cut: ' + element.textContent);
        if (getComputedStyle(element).textOverflow === 'ellipsis') problems.push(name + ' ends in an ellipsis');
        if (box.left < frame.left || box.right > frame.right + 0.5) problems.push(name + ' sticks out of the demo');
    }
    for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
        const [a, b] = [parts[i][1].getBoundingClientRect(), parts[j][1].getBoundingClientRect()];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
            problems.push(parts[i][0] + ' overlaps ' + parts[j][0]);
    }
    for (const element of demo.querySelectorAll('.demo-figure, .demo-actions button'))
        if (element.getClientRects().length !== 1) problems.push(element.textContent + ' is broken over lines');
    return problems; })()";

/// The demo's bar (status, New terminal and Reboot, figures) is whole on a
/// phone and at the guide's width, in light and dark: nothing cut with
/// "…", overlapping or sticking out, and loading and booting on the phone
/// moved nothing (the layout shift the first test checks at the guide's
/// width). Screenshots go to `target/screenshots/demo-bar-*.png`.
#[test]
fn the_demo_bar_is_whole_and_steady_on_a_phone_and_at_the_guides_width() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    let phone = json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true });
    page.call("Emulation.setDeviceMetricsOverride", phone.clone());
    open(page, &browser.url("/demo/"));
    wait_for_prompt(page);
    let (shift, shifts) = layout_shift(page);
    assert!(shift < 0.01, "on a phone the page's layout shifted by {shift} while the demo loaded: {shifts:#}");
    let figures = page.eval("document.querySelector('[data-demo-figures]').textContent");
    assert!(figures.as_str().unwrap().contains(" · boot to prompt "), "{figures}");

    let axe = crate::support::npm_tools::install("page-audit", "node_modules/axe-core/axe.min.js")
        .map(|tools| std::fs::read_to_string(tools.join("node_modules/axe-core/axe.min.js")).unwrap());
    let guide = json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false });
    for (width, metrics) in [("390", &phone), ("1280", &guide)] {
        page.call("Emulation.setDeviceMetricsOverride", metrics.clone());
        for theme in ["light", "dark"] {
            page.eval(&format!("lkljsTheme.set('{theme}'); document.querySelector('.demo').scrollIntoView(); true"));
            page.collect_events(Duration::from_millis(400));
            let view = format!("{width} px wide, {theme}");
            assert_eq!(page.eval(BAR_PROBLEMS), json!([]), "the demo's bar, {view}");
            if let Some(axe) = &axe {
                page.eval(axe);
                let violations = page.eval(
                    "axe.run(document.querySelector('.demo')).then((result) => result.violations.map((violation) =>
                        violation.id + ': ' + violation.nodes.map((node) => node.html).join(' | ')))",
                );
                assert_eq!(violations, json!([]), "axe-core finds violations in the demo, {view}");
            }
            crate::screenshots::save(page, &format!("demo-bar-{width}-{theme}"));
        }
    }
    // A terminal opened beside the console on the phone: its title whole
    // (its tty and shell), its Close button inside its pane.
    page.call("Emulation.setDeviceMetricsOverride", phone);
    open_terminal_beside(page, "[data-demo-new-terminal]", "the terminal beside the console on a phone");
    let pane = page.eval(
        "(() => { const pane = document.querySelector('.demo-pane').getBoundingClientRect();
                  const title = document.querySelector('.demo-pane-title');
                  const close = document.querySelector('.demo-pane button').getBoundingClientRect();
                  return [title.textContent, title.scrollWidth <= title.clientWidth,
                          getComputedStyle(title).textOverflow !== 'ellipsis', close.right <= pane.right + 0.5]; })()",
    );
    assert!(pane[0].as_str().unwrap().contains("/dev/pts/"), "{pane}");
    assert_eq!(pane.as_array().unwrap()[1..], [json!(true), json!(true), json!(true)], "{pane}");
    crate::screenshots::save(page, "demo-bar-390-terminal-beside");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// The deck's live slide (`{{ demo() }}` in `content/slides/linux-in-wasm.md`):
/// the deck loads the demo, which fits the 16:9 stage and boots to the real
/// shell; after a click on the terminal, keys typed there (the commands the
/// slide's notes suggest) go to the shell, not to the deck. A second terminal
/// shares the stage's width, and both still fit.
#[test]
fn the_decks_live_slide_fits_the_stage_and_boots_to_the_shell() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call("Network.enable", json!({}));
    page.watch_workers();
    open(page, &browser.url("/slides/linux-in-wasm/"));
    let index = page
        .eval("[...document.querySelectorAll('.deck-stage > .slide')].findIndex((slide) => slide.querySelector('[data-demo]')) + 1")
        .as_u64()
        .unwrap();
    assert!(index > 0, "no slide of the deck embeds the demo");
    page.eval(&format!("location.hash = '#slide-{index}'; true"));
    page.wait_for(&format!("document.documentElement.dataset.slide === '{index}'"), Duration::from_secs(10));
    wait_for_prompt(page);
    let slide = format!("#slide-{index}");
    let fits = format!(
        "(() => {{ const slide = document.querySelector('{slide}').getBoundingClientRect();
                  return [...document.querySelectorAll('{slide} .demo, {slide} .demo-terminal')].every((element) => {{
                      const box = element.getBoundingClientRect();
                      return box.top >= slide.top && box.bottom <= slide.bottom + 0.5
                          && box.left >= slide.left && box.right <= slide.right + 0.5; }}); }})()"
    );
    assert_eq!(page.eval(&fits), json!(true), "the demo overflows its slide");
    click(page, &format!("{slide} .demo-terminal"));
    type_until(page, "uname -a", r"\nLinux \S+ 6\.1\.[^\n]*");
    type_until(page, "echo hello | tr a-z A-Z", r"\nHELLO");
    start_then_ctrl(page, "yes > /dev/null", 'c', r"\^C[^\n]*");
    assert_eq!(
        page.eval("document.documentElement.dataset.slide"),
        json!(index.to_string()),
        "the keys typed into the terminal turned the deck's slide"
    );
    // A second terminal shares the stage's width: both still fit the slide.
    click(page, &format!("{slide} [data-demo-new-terminal]"));
    wait_for_terminal_beside(page, "the second terminal on the slide");
    assert_eq!(page.eval(&format!("document.querySelectorAll('{slide} .demo-terminal').length")), json!(2));
    assert_eq!(page.eval(&fits), json!(true), "the demo with two terminals overflows its slide");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// On a slow network the page shows the download's progress (the status
/// counts the kernel's bytes against its size, the progress bar follows),
/// then the boot, then the running shell; the bar goes once it is done.
#[test]
fn the_page_shows_the_downloads_progress_then_the_boot() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call("Network.enable", json!({}));
    page.watch_workers();
    // 500 kB/s: the cold download (by the kernel's runtime worker) takes a couple of seconds.
    page.emulate_network(
        json!({ "offline": false, "latency": 20, "downloadThroughput": 500_000, "uploadThroughput": 500_000 }),
    );
    // Every state of the bar as the page changes it, from the start.
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "window.lkljsBarStates = [];
            document.addEventListener('DOMContentLoaded', () => {
                const demo = document.querySelector('[data-demo]');
                if (!demo) return;
                const status = demo.querySelector('[data-demo-status]');
                const progress = demo.querySelector('[data-demo-progress]');
                const record = () => {
                    const state = { status: status.textContent, progress: progress.hidden ? null : [progress.value, progress.max] };
                    const last = lkljsBarStates[lkljsBarStates.length - 1];
                    if (!last || JSON.stringify(last) !== JSON.stringify(state)) lkljsBarStates.push(state);
                };
                record();
                new MutationObserver(record).observe(demo.querySelector('.demo-bar'),
                    { subtree: true, childList: true, characterData: true, attributes: true });
            });" }),
    );
    open(page, &browser.url("/demo/"));
    wait_for_prompt(page);
    let states = page.eval("lkljsBarStates");
    let states = states.as_array().unwrap();
    let status = |state: &Value| state["status"].as_str().unwrap().to_owned();
    let position = |wanted: &dyn Fn(&str) -> bool| states.iter().position(|state| wanted(&status(state)));
    let downloading: Vec<&Value> =
        states.iter().filter(|state| status(state).starts_with("Downloading the kernel: ")).collect();
    // The bytes so far of the whole ("… 300 kB of 1.5 MB…"), with the bar part-way.
    assert!(downloading.len() >= 2, "the download's progress did not move: {states:#?}");
    assert!(
        downloading.iter().all(|state| status(state).contains("B of ") && status(state).ends_with("B…")),
        "{states:#?}"
    );
    assert!(
        downloading.iter().any(|state| {
            let bar = &state["progress"];
            bar.is_array() && bar[0].as_f64().unwrap() > 0.0 && bar[0].as_f64().unwrap() < bar[1].as_f64().unwrap()
        }),
        "the progress bar never showed part of the download: {states:#?}"
    );
    let first_download = position(&|text| text.starts_with("Downloading the kernel: ")).unwrap();
    let booting = position(&|text| text.starts_with("Booting Linux 6.1.")).expect("no boot message");
    let running =
        position(&|text| text.contains(" is running in this page")).expect("no message for the running shell");
    assert!(first_download < booting && booting < running, "{states:#?}");
    assert_eq!(states.last().unwrap()["progress"], Value::Null, "the progress bar stayed: {states:#?}");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

/// A browser without WebAssembly threads is told so, and nothing is downloaded.
#[test]
fn a_browser_without_wasm_threads_is_told_so() {
    let Some(browser) = DemoBrowser::start() else { return };
    let page = &browser.page;
    page.call("Network.enable", json!({}));
    page.watch_workers();
    // As in a browser whose WebAssembly lacks the threads proposal.
    page.call("Page.addScriptToEvaluateOnNewDocument", json!({ "source": "WebAssembly.validate = () => false;" }));
    open(page, &browser.url("/demo/"));
    page.wait_for("window.lkljsDemo && lkljsDemo.state === 'unsupported'", Duration::from_secs(20));
    let notice = page.eval("document.querySelector('[data-demo-notice]').textContent");
    assert!(notice.as_str().unwrap().contains("WebAssembly threads"), "{notice}");
    for name in ARTEFACTS {
        assert_eq!(requests_for(page, name) + requests_for_hashed(page, name), 0, "{name} was downloaded for nothing");
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
/// `DEMO_COMMANDS="ps;free;ls -l /proc" cargo test --test integration demo_page::show_command_outputs -- --ignored --nocapture`
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

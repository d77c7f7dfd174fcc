//! Headless Chromium driven over the DevTools protocol (CDP), for tests that need
//! a real browser: cross-origin isolation, service workers, live reload, key presses.
//!
//! ```ignore
//! let Some(browser) = Chromium::launch() else { return };
//! let mut page = browser.page();
//! page.navigate("http://127.0.0.1:1111/");
//! assert_eq!(page.eval("crossOriginIsolated"), json!(true));
//! ```

use std::cell::RefCell;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use super::processes;

pub const CHROMIUM: &str = "/usr/bin/chromium";
/// How long a CDP command may take before the test fails instead of hanging.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
/// The Ctrl bit of `Input.dispatchKeyEvent`'s modifiers.
const CTRL: u32 = 2;

/// A running browser; it is killed when this is dropped.
pub struct Chromium {
    // Declared first so the browser is killed before its profile directory is removed.
    process: KillOnDrop,
    connection: Rc<RefCell<Connection>>,
    _profile: tempfile::TempDir,
}

/// One page (tab), attached through a flat CDP session on the browser's socket.
pub struct Page {
    connection: Rc<RefCell<Connection>>,
    session: String,
}

struct Connection {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Events read while waiting for command replies, kept for the pages to inspect.
    events: Vec<Value>,
    /// Set by [`Page::watch_workers`]: workers attached from then on get their
    /// network and runtime events enabled, and their own workers attached,
    /// before they run.
    watch_workers: bool,
    /// Set by [`Page::emulate_network`]: the conditions that watched workers get too.
    worker_network: Option<Value>,
}

impl Chromium {
    /// Starts Chromium, or returns `None` (after saying so loudly) when it is not
    /// installed and this is not CI. In CI a missing browser fails the test.
    pub fn launch() -> Option<Self> {
        if !Path::new(CHROMIUM).exists() {
            if std::env::var_os("CI").is_some() {
                panic!("{CHROMIUM} is missing and CI is set: browser tests must run in CI");
            }
            eprintln!(
                "\n*** SKIPPING BROWSER TEST: {CHROMIUM} is not installed (set CI=1 to make this a failure) ***\n"
            );
            return None;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut process = KillOnDrop(
            Command::new(CHROMIUM)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--remote-debugging-port=0",
                ])
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .arg("about:blank")
                // Chromium keeps its singleton socket and scratch files in TMPDIR and
                // removes them only on a clean exit; inside the profile they go with it.
                .env("TMPDIR", profile.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("cannot start chromium"),
        );
        let socket = connect_devtools(&mut process.0, profile.path());
        let connection = Rc::new(RefCell::new(Connection {
            socket,
            next_id: 1,
            events: Vec::new(),
            watch_workers: false,
            worker_network: None,
        }));
        Some(Self { process, connection, _profile: profile })
    }

    /// Waits until the browser has finished starting: until its processes have
    /// used at most a tenth of one processor over half a second. A new
    /// Chromium, headless too, keeps both cores busy for most of a second
    /// after it starts (in a trace of a page loaded at once, a renderer
    /// loading the omnibox's WebUI, hundreds of chrome:// files, took most of
    /// one core), and a page loaded meanwhile shares the machine with it. A
    /// reader's browser has done all this long before they follow a link.
    /// Returns how long it took, or `None` if the browser was still busy
    /// after `limit`.
    pub fn wait_until_idle(&self, limit: Duration) -> Option<Duration> {
        processes::wait_until_quiet(self.process.0.id(), Duration::from_millis(500), 0.1, limit)
    }

    /// Opens a new blank tab with page, runtime and log events enabled.
    pub fn page(&self) -> Page {
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().unwrap().to_owned();
        let attached = self.call(None, "Target.attachToTarget", json!({ "targetId": target_id, "flatten": true }));
        let page = Page {
            connection: Rc::clone(&self.connection),
            session: attached["sessionId"].as_str().unwrap().to_owned(),
        };
        page.call("Page.enable", json!({}));
        page.call("Runtime.enable", json!({}));
        page
    }

    fn call(&self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.connection.borrow_mut().call(session, method, params)
    }
}

/// The browser process, killed however the test ends (including a failed launch).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for Chromium to publish its DevTools port and connects to the browser endpoint.
fn connect_devtools(process: &mut Child, profile: &Path) -> WebSocket<TcpStream> {
    let port_file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + Duration::from_secs(30);
    let contents = loop {
        if let Ok(contents) = std::fs::read_to_string(&port_file)
            && contents.lines().count() >= 2
        {
            break contents;
        }
        if let Ok(Some(status)) = process.try_wait() {
            panic!("chromium exited early with {status}");
        }
        assert!(Instant::now() < deadline, "chromium did not write {}", port_file.display());
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut lines = contents.lines();
    let port: u16 = lines.next().unwrap().trim().parse().unwrap();
    let path = lines.next().unwrap().trim();
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
    let (socket, _) =
        tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).expect("CDP handshake failed");
    socket
}

impl Connection {
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.try_call(session, method, params).unwrap_or_else(|error| panic!("CDP {method} failed: {error}"))
    }

    /// Like [`Connection::call`], but returns the protocol's error (such as "Execution
    /// context was destroyed" while a page reloads) instead of failing the test.
    fn try_call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.socket.send(Message::text(command.to_string())).expect("CDP send failed");
        loop {
            let message = self.read();
            if message["id"] == json!(id) {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message["result"].clone()),
                };
            }
            self.note_event(message);
        }
    }

    /// Keeps an event, first letting a newly attached worker run with its
    /// network and runtime events on and its own workers attached in turn (a
    /// worker's workers are reported on its session only). The commands'
    /// replies are not awaited (they would be read in the middle of another
    /// command's wait); they end up among the events.
    fn note_event(&mut self, event: Value) {
        if self.watch_workers && event["method"] == json!("Target.attachedToTarget") {
            let worker_session = event["params"]["sessionId"].clone();
            let mut commands = vec![
                ("Network.enable", json!({})),
                ("Runtime.enable", json!({})),
                ("Target.setAutoAttach", auto_attach_workers()),
            ];
            if let Some(conditions) = &self.worker_network {
                commands.push(("Network.emulateNetworkConditions", conditions.clone()));
            }
            commands.push(("Runtime.runIfWaitingForDebugger", json!({})));
            for (method, params) in commands {
                let id = self.next_id;
                self.next_id += 1;
                let command = json!({ "id": id, "method": method, "params": params, "sessionId": worker_session });
                self.socket.send(Message::text(command.to_string())).expect("CDP send failed");
            }
        }
        self.events.push(event);
    }

    fn read(&mut self) -> Value {
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => return serde_json::from_str(&text).expect("CDP sent invalid JSON"),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(error))
                    if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    panic!("chromium did not answer within {REPLY_TIMEOUT:?} (page hung?)")
                }
                Err(error) => panic!("CDP connection lost (chromium crashed?): {error}"),
            }
        }
    }

    /// Reads events for up to `timeout` (used while waiting, so none are missed).
    fn pump(&mut self, timeout: Duration) {
        let stream = self.socket.get_ref();
        stream.set_read_timeout(Some(timeout)).unwrap();
        let result = self.socket.read();
        self.socket.get_ref().set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
        match result {
            Ok(Message::Text(text)) => self.note_event(serde_json::from_str(&text).unwrap()),
            Ok(_) => {}
            Err(tungstenite::Error::Io(error))
                if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(error) => panic!("CDP connection lost: {error}"),
        }
    }
}

impl Page {
    pub fn call(&self, method: &str, params: Value) -> Value {
        self.connection.borrow_mut().call(Some(&self.session), method, params)
    }

    /// Navigates and waits for the load event.
    pub fn navigate(&self, url: &str) {
        let loads_before = self.events_named("Page.loadEventFired").len();
        let result = self.call("Page.navigate", json!({ "url": url }));
        if let Some(error) = result.get("errorText") {
            panic!("navigating to {url} failed: {error}");
        }
        self.wait_until(
            Duration::from_secs(20),
            || "the page load".to_owned(),
            || self.events_named("Page.loadEventFired").len() > loads_before,
        );
    }

    /// Navigates and waits until the document is parsed and its scripts have run
    /// (`readyState` past "loading"), not for the load event that
    /// [`Page::navigate`] waits for: a page that boots the kernel on load keeps
    /// working long after its scripts ran, and tests only need the latter.
    pub fn open(&self, url: &str, timeout: Duration) {
        let result = self.call("Page.navigate", json!({ "url": url }));
        if let Some(error) = result.get("errorText") {
            panic!("navigating to {url} failed: {error}");
        }
        let check = json!({ "expression": "location.href + ' ' + document.readyState", "returnByValue": true });
        let last_seen = RefCell::new(String::new());
        let what = || format!("{url} to finish loading (last seen: {})", last_seen.borrow());
        self.wait_until(timeout, what, || {
            let seen =
                match self.connection.borrow_mut().try_call(Some(&self.session), "Runtime.evaluate", check.clone()) {
                    Ok(result) => result["result"]["value"].as_str().unwrap_or("?").to_owned(),
                    Err(error) => format!("evaluation failed: {error}"),
                };
            let done = seen.starts_with("http") && (seen.ends_with(" interactive") || seen.ends_with(" complete"));
            *last_seen.borrow_mut() = seen;
            done
        });
    }

    /// Documents committed in the page's top frame so far: 1 after a navigation
    /// and one more for each reload (reported even when the load event is not).
    pub fn main_frame_navigations(&self) -> usize {
        self.events_named("Page.frameNavigated")
            .iter()
            .filter(|event| event["params"]["frame"]["parentId"].is_null())
            .count()
    }

    /// Evaluates a JavaScript expression in the page (awaiting promises) and returns its value.
    pub fn eval(&self, expression: &str) -> Value {
        let result = self
            .call("Runtime.evaluate", json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }));
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("evaluating `{expression}` threw: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is true, failing after `timeout`. A page
    /// being replaced (reload) makes single evaluations fail, in the page or in
    /// the protocol; those are retried.
    pub fn wait_for(&self, expression: &str, timeout: Duration) {
        let wrapped = format!("(() => {{ try {{ return !!({expression}); }} catch (error) {{ return false; }} }})()");
        self.wait_until(
            timeout,
            || expression.to_owned(),
            || {
                let params = json!({ "expression": wrapped, "returnByValue": true });
                let result = self.connection.borrow_mut().try_call(Some(&self.session), "Runtime.evaluate", params);
                result.is_ok_and(|result| result["result"]["value"] == json!(true))
            },
        );
    }

    /// Presses and releases a key, e.g. `"ArrowRight"`, `"Escape"`, `"f"`.
    pub fn press_key(&self, key: &str) {
        let (code, key_code, text) = key_identity(key);
        let mut down = json!({ "type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": key_code });
        if let Some(text) = text {
            down["text"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down);
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": key_code }),
        );
    }

    /// Presses and releases a letter with Ctrl held, e.g. `'c'` for Ctrl-C.
    pub fn press_ctrl(&self, letter: char) {
        assert!(letter.is_ascii_lowercase(), "press_ctrl takes a letter a-z, not {letter:?}");
        let upper = letter.to_ascii_uppercase();
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": letter.to_string(), "code": format!("Key{upper}"),
                        "windowsVirtualKeyCode": upper as u32, "modifiers": CTRL }),
            );
        }
    }

    /// A PNG of the viewport as it is painted now.
    pub fn screenshot_png(&self) -> Vec<u8> {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        decode_base64(shot["data"].as_str().expect("a screenshot comes as base64 data"))
    }

    /// Console messages so far, as `"level: text"`.
    pub fn console(&self) -> Vec<String> {
        self.events_named_with_workers("Runtime.consoleAPICalled")
            .iter()
            .map(|event| {
                let arguments: Vec<String> = event["params"]["args"]
                    .as_array()
                    .map(|args| args.iter().map(|arg| arg["value"].to_string()).collect())
                    .unwrap_or_default();
                format!("{}: {}", event["params"]["type"].as_str().unwrap_or("log"), arguments.join(" "))
            })
            .collect()
    }

    /// Uncaught exceptions so far, as their descriptions.
    pub fn exceptions(&self) -> Vec<String> {
        self.events_named_with_workers("Runtime.exceptionThrown")
            .iter()
            .map(|event| {
                let details = &event["params"]["exceptionDetails"];
                details["exception"]["description"]
                    .as_str()
                    .unwrap_or(details["text"].as_str().unwrap_or("?"))
                    .to_owned()
            })
            .collect()
    }

    /// Reads the browser's events for `duration`, so that console messages and
    /// exceptions raised in the meantime are captured.
    pub fn collect_events(&self, duration: Duration) {
        let deadline = Instant::now() + duration;
        while Instant::now() < deadline {
            self.connection.borrow_mut().pump(Duration::from_millis(50));
        }
    }

    /// Waits until the page has fired `count` load events in all (see [`Page::load_count`]).
    pub fn wait_for_loads(&self, count: usize, timeout: Duration) {
        self.wait_until(timeout, || format!("{count} page loads"), || self.load_count() >= count);
    }

    /// Number of load events this page has seen (each navigation or reload adds one).
    pub fn load_count(&self) -> usize {
        self.events_named("Page.loadEventFired").len()
    }

    pub fn events_named(&self, method: &str) -> Vec<Value> {
        self.connection
            .borrow()
            .events
            .iter()
            .filter(|event| event["method"] == json!(method) && event["sessionId"] == json!(self.session))
            .cloned()
            .collect()
    }

    /// Makes the events of this page's workers and of their workers (which
    /// Chromium reports on the workers' own sessions) visible to
    /// [`Page::events_named_with_workers`], [`Page::console`] and
    /// [`Page::exceptions`]. Workers started from then on wait until their
    /// events are on.
    pub fn watch_workers(&self) {
        self.connection.borrow_mut().watch_workers = true;
        self.call("Target.setAutoAttach", auto_attach_workers());
    }

    /// Emulates network `conditions` (`Network.emulateNetworkConditions`'s
    /// parameters) for this page and, since Chromium applies them per target,
    /// for every worker watched from then on.
    pub fn emulate_network(&self, conditions: Value) {
        self.call("Network.emulateNetworkConditions", conditions.clone());
        self.connection.borrow_mut().worker_network = Some(conditions);
    }

    /// Events of this page and of the workers attached to it, theirs included.
    pub fn events_named_with_workers(&self, method: &str) -> Vec<Value> {
        let connection = self.connection.borrow();
        // Events come in order: a worker's attachment before its own workers'.
        let mut sessions = vec![json!(self.session)];
        for event in &connection.events {
            if event["method"] == json!("Target.attachedToTarget") && sessions.contains(&event["sessionId"]) {
                sessions.push(event["params"]["sessionId"].clone());
            }
        }
        connection
            .events
            .iter()
            .filter(|event| event["method"] == json!(method) && sessions.contains(&event["sessionId"]))
            .cloned()
            .collect()
    }

    /// Pumps events until `condition` holds; on timeout, fails naming `what` (asked then).
    fn wait_until(&self, timeout: Duration, what: impl Fn() -> String, mut condition: impl FnMut() -> bool) {
        let deadline = Instant::now() + timeout;
        while !condition() {
            assert!(
                Instant::now() < deadline,
                "timed out after {timeout:?} waiting for {}\nconsole: {:?}\nexceptions: {:?}",
                what(),
                self.console(),
                self.exceptions()
            );
            self.connection.borrow_mut().pump(Duration::from_millis(50));
        }
    }
}

/// `Target.setAutoAttach`'s parameters for watching workers: each new one
/// waits, attached in the same connection, until its events are on.
fn auto_attach_workers() -> Value {
    json!({ "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true })
}

/// Page objects (`/Type /Page`, not `/Pages`) in an uncompressed-xref PDF such as Chromium's.
pub fn pdf_page_count(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1).filter(|window| window.starts_with(needle) && window[needle.len()] != b's').count()
}

/// Decodes standard base64, as CDP returns screenshots and PDFs.
pub fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).map(value).collect();
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk.iter().enumerate().fold(0u32, |bits, (i, digit)| bits | (u32::from(*digit) << (18 - 6 * i)));
        bytes.extend(&bits.to_be_bytes()[1..chunk.len()]);
    }
    bytes
}

fn key_identity(key: &str) -> (String, u32, Option<String>) {
    match key {
        "ArrowLeft" => ("ArrowLeft".into(), 37, None),
        "ArrowUp" => ("ArrowUp".into(), 38, None),
        "ArrowRight" => ("ArrowRight".into(), 39, None),
        "ArrowDown" => ("ArrowDown".into(), 40, None),
        "Home" => ("Home".into(), 36, None),
        "End" => ("End".into(), 35, None),
        "PageUp" => ("PageUp".into(), 33, None),
        "PageDown" => ("PageDown".into(), 34, None),
        "Escape" => ("Escape".into(), 27, None),
        "Tab" => ("Tab".into(), 9, None),
        "Backspace" => ("Backspace".into(), 8, None),
        "Enter" => ("Enter".into(), 13, Some("\r".into())),
        " " => ("Space".into(), 32, Some(" ".into())),
        single if single.chars().count() == 1 => {
            let c = single.chars().next().unwrap();
            let upper = c.to_ascii_uppercase();
            let code = if c.is_ascii_digit() { format!("Digit{c}") } else { format!("Key{upper}") };
            (code, upper as u32, Some(single.into()))
        }
        other => panic!("press_key does not know the key {other:?}; add it to key_identity"),
    }
}

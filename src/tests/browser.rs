//! The development server and the isolation service worker in a real browser
//! (headless Chromium over CDP).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::chromium::{Chromium, Page};
use crate::support::fixture_site::{BUILD_ERROR_MARKER, FixtureDirs};
use crate::support::processes;
use crate::support::static_hosts::PlainServer;
use lkljs_site::serve::{RunningServer, ServeConfig, start};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(15);

fn serve_on(dirs: &FixtureDirs, port: u16) -> RunningServer {
    start(dirs.builder(), ServeConfig { bind: "127.0.0.1".into(), port, open_browser: false }).unwrap()
}

/// The setting of most tests here: a browser, and the fixture site served to it.
struct Session {
    browser: Chromium,
    dirs: FixtureDirs,
    server: RunningServer,
}

impl Session {
    fn start() -> Option<Self> {
        let browser = Chromium::launch()?;
        let dirs = FixtureDirs::new();
        let server = serve_on(&dirs, 0);
        Some(Self { browser, dirs, server })
    }

    /// Opens the home page and marks the window, so a reload shows as the mark's loss.
    fn open_marked(&self) -> Page {
        let page = self.browser.page();
        page.navigate(&self.server.url());
        // The live client must be connected before anything is edited.
        page.wait_for("window.lkljsLive && window.lkljsLive.connected", WAIT);
        page.eval("window.lkljsMark = 'before'");
        page
    }
}

fn assert_no_exceptions(page: &Page) {
    assert!(page.exceptions().is_empty(), "uncaught exceptions: {:?}", page.exceptions());
}

#[test]
fn served_pages_are_cross_origin_isolated() {
    let Some(session) = Session::start() else { return };
    let page = session.browser.page();
    page.navigate(&session.server.url());
    assert_eq!(page.eval("crossOriginIsolated"), json!(true));
    assert_eq!(page.eval("typeof SharedArrayBuffer"), json!("function"));
    assert_no_exceptions(&page);
}

#[test]
fn editing_a_page_reloads_it() {
    let Some(session) = Session::start() else { return };
    let (dirs, page) = (&session.dirs, session.open_marked());
    let loads = page.load_count();
    dirs.save("index.html", &dirs.read_source("index.html").replace("Original text.", "Edited text."));
    page.wait_for("document.getElementById('text').textContent === 'Edited text.'", WAIT);
    assert_eq!(page.eval("window.lkljsMark === undefined"), json!(true), "a new document, not a patched one");
    page.wait_for_loads(loads + 1, WAIT);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(page.load_count(), loads + 1, "reloaded exactly once");
    assert_no_exceptions(&page);
}

#[test]
fn editing_another_page_leaves_this_one_alone() {
    let Some(session) = Session::start() else { return };
    let (dirs, page) = (&session.dirs, session.open_marked());
    let reloads_seen = page.load_count();
    dirs.save("guide/index.html", &dirs.read_source("guide/index.html").replace("Guide", "Guide 2"));
    // Well past the debounce and the fixture build: the message has been delivered by now.
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(page.eval("window.lkljsMark"), json!("before"), "another page's edit reloaded this one");
    assert_eq!(page.load_count(), reloads_seen);
    // This page's own edit still reloads it, so the channel was working all along.
    dirs.save("index.html", &dirs.read_source("index.html").replace("Original text.", "Edited text."));
    page.wait_for(
        "window.lkljsMark === undefined && document.getElementById('text').textContent === 'Edited text.'",
        WAIT,
    );
}

#[test]
fn a_stylesheet_change_is_swapped_in_without_a_reload() {
    let Some(session) = Session::start() else { return };
    let (dirs, page) = (&session.dirs, session.open_marked());
    assert_eq!(page.eval("getComputedStyle(document.body).color"), json!("rgb(0, 0, 0)"));
    let old_href = page.eval("document.querySelector('link[rel=stylesheet]').getAttribute('href')");
    dirs.save("style.css", "body { color: rgb(200, 0, 0); }\n");
    page.wait_for("getComputedStyle(document.body).color === 'rgb(200, 0, 0)'", WAIT);
    assert_eq!(page.eval("window.lkljsMark"), json!("before"), "the page was reloaded");
    page.wait_for("document.querySelectorAll('link[rel=stylesheet]').length === 1", WAIT);
    let new_href = page.eval("document.querySelector('link[rel=stylesheet]').getAttribute('href')");
    assert_ne!(new_href, old_href);
    assert!(new_href.as_str().unwrap().starts_with("/style.") && new_href.as_str().unwrap().ends_with(".css"));
    assert_no_exceptions(&page);
}

#[test]
fn build_errors_show_an_overlay_until_fixed() {
    let Some(session) = Session::start() else { return };
    let (dirs, page) = (&session.dirs, session.open_marked());
    let good = dirs.read_source("index.html");
    dirs.save("index.html", &format!("{good}{BUILD_ERROR_MARKER}\n"));
    page.wait_for("document.getElementById('lkljs-live-error')", WAIT);
    let shown = page.eval("document.getElementById('lkljs-live-error').textContent");
    assert!(shown.as_str().unwrap().contains("index.html:13: found BUILD-ERROR"), "{shown}");
    assert_eq!(page.eval("window.lkljsMark"), json!("before"), "an error does not reload");
    dirs.save("index.html", &good);
    page.wait_for("window.lkljsMark === undefined && document.readyState === 'complete'", WAIT);
    assert_eq!(page.eval("document.getElementById('lkljs-live-error') === null"), json!(true));
    assert_no_exceptions(&page);
}

#[test]
fn the_page_reloads_after_the_server_restarts() {
    let Some(browser) = Chromium::launch() else { return };
    let dirs = FixtureDirs::new();
    // A real restart: a process whose death closes every connection it held.
    let first = ServerProcess::start(&dirs, 0);
    let page = browser.page();
    page.navigate(&format!("http://{}/", first.address));
    page.wait_for("window.lkljsLive && window.lkljsLive.connected", WAIT);
    page.eval("window.lkljsMark = 'before'");
    let port = first.address.port();
    drop(first);
    page.wait_for("!window.lkljsLive.connected", WAIT);
    let _second = ServerProcess::start(&dirs, port);
    page.wait_for("window.lkljsMark === undefined && document.readyState === 'complete'", WAIT);
    assert_eq!(page.eval("document.getElementById('title').textContent"), json!("Fixture home"));
}

/// `serve` in a child process (this test binary, running the helper below).
struct ServerProcess {
    child: std::process::Child,
    address: SocketAddr,
}

impl ServerProcess {
    fn start(dirs: &FixtureDirs, port: u16) -> Self {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["browser::serve_fixture_until_killed", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("LKLJS_TEST_SOURCE", &dirs.source)
            .env("LKLJS_TEST_OUTPUT", &dirs.output)
            .env("LKLJS_TEST_PORT", port.to_string())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("the server process ended before serving").unwrap();
            // The harness's `test ... ` may precede it on the same line.
            if let Some((_, address)) = line.split_once("READY ") {
                break address.trim().parse().unwrap();
            }
        };
        // Keep draining its output so the child never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, address }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Not a test by itself: the server process of `the_page_reloads_after_the_server_restarts`.
#[test]
#[ignore = "run as a child process by the_page_reloads_after_the_server_restarts"]
fn serve_fixture_until_killed() {
    let (Some(source), Some(output), Some(port)) = (
        std::env::var_os("LKLJS_TEST_SOURCE"),
        std::env::var_os("LKLJS_TEST_OUTPUT"),
        std::env::var("LKLJS_TEST_PORT").ok(),
    ) else {
        return;
    };
    let builder = crate::support::fixture_site::FixtureBuilder::new(Path::new(&source), Path::new(&output));
    let config = ServeConfig { bind: "127.0.0.1".into(), port: port.parse().unwrap(), open_browser: false };
    let server = start(builder, config).unwrap();
    println!("READY {}", server.address());
    server.wait();
}

/// A project site as GitHub Pages serves it: under `/repo/`, with the registration
/// script in `js/` and the worker at the site root.
fn github_pages_site(worker_source: &str) -> tempfile::TempDir {
    let host = tempfile::tempdir().unwrap();
    let site = host.path().join("repo");
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/js");
    std::fs::create_dir_all(site.join("js")).unwrap();
    std::fs::copy(theme.join("coi-register.js"), site.join("js/coi-register.js")).unwrap();
    std::fs::write(site.join("coi-serviceworker.js"), worker_source).unwrap();
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Pages</title>\n\
         <script>sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') || 0) + 1));</script>\n\
         <script src=\"/repo/js/coi-register.js\" data-service-worker=\"/repo/coi-serviceworker.js\"></script>\n\
         </head><body><p>demo</p></body></html>\n",
    )
    .unwrap();
    host
}

fn real_worker() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/js/coi-serviceworker.js")).unwrap()
}

#[test]
fn the_service_worker_isolates_a_page_served_without_headers() {
    let Some(browser) = Chromium::launch() else { return };
    let site = github_pages_site(&real_worker());
    let server = PlainServer::start(site.path().to_path_buf());
    let page = browser.page();
    page.navigate(&server.url("/repo/"));
    page.wait_for("window.crossOriginIsolated === true && document.readyState === 'complete'", WAIT);
    assert_eq!(page.eval("window.lkljsCoi.state"), json!("isolated"));
    assert_eq!(page.eval("document.documentElement.dataset.coi"), json!("isolated"));
    assert_eq!(page.eval("sessionStorage.getItem('loads')"), json!("2"), "exactly one reload");
    assert_eq!(page.eval("typeof SharedArrayBuffer"), json!("function"));
    assert_eq!(
        page.eval("navigator.serviceWorker.getRegistration().then(r => r && r.scope)"),
        json!(server.url("/repo/")),
        "the worker's scope is the project site, not the host root"
    );
    // Later visits are controlled from the start: isolated with no further reload.
    page.navigate(&server.url("/repo/"));
    assert_eq!(page.eval("crossOriginIsolated"), json!(true));
    assert_eq!(page.eval("sessionStorage.getItem('loads')"), json!("3"));
    assert_no_exceptions(&page);
}

#[test]
fn a_worker_that_cannot_isolate_causes_one_reload_then_an_explanation() {
    let Some(browser) = Chromium::launch() else { return };
    // A worker that takes control but adds no headers: isolation never comes.
    let inert = "self.addEventListener('install', () => self.skipWaiting());\n\
                 self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));\n\
                 self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)));\n";
    let site = github_pages_site(inert);
    let server = PlainServer::start(site.path().to_path_buf());
    let page = browser.page();
    page.navigate(&server.url("/repo/"));
    page.wait_for("window.lkljsCoi && window.lkljsCoi.state === 'unavailable'", WAIT);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(page.eval("sessionStorage.getItem('loads')"), json!("2"), "one reload, no loop");
    assert_eq!(page.eval("crossOriginIsolated"), json!(false));
    let reason = page.eval("window.lkljsCoi.reason");
    assert!(reason.as_str().unwrap().contains("still not cross-origin isolated"), "{reason}");
}

#[test]
fn with_isolation_headers_the_worker_is_not_installed() {
    let Some(browser) = Chromium::launch() else { return };
    let site = github_pages_site(&real_worker());
    let output = tempfile::tempdir().unwrap();
    let builder = crate::support::fixture_site::FixtureBuilder::new(site.path(), output.path());
    let server = start(builder, ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false }).unwrap();
    let page = browser.page();
    page.navigate(&format!("{}repo/", server.url()));
    assert_eq!(page.eval("window.lkljsCoi.state"), json!("isolated"));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(page.eval("sessionStorage.getItem('loads')"), json!("1"), "no reload");
    assert_eq!(page.eval("navigator.serviceWorker.getRegistration().then(r => r === undefined)"), json!(true));
    assert_no_exceptions(&page);
}

#[test]
fn the_harness_delivers_key_presses_and_captures_console_and_exceptions() {
    let Some(browser) = Chromium::launch() else { return };
    let dirs = FixtureDirs::new();
    let server = serve_on(&dirs, 0);
    let page = browser.page();
    page.navigate(&server.url());
    page.eval(
        "window.keys = []; document.addEventListener('keydown', (event) => keys.push(event.key + '/' + event.code))",
    );
    for key in ["ArrowRight", "ArrowLeft", "f", "Escape", " ", "3"] {
        page.press_key(key);
    }
    assert_eq!(
        page.eval("keys.join(' ')"),
        json!("ArrowRight/ArrowRight ArrowLeft/ArrowLeft f/KeyF Escape/Escape  /Space 3/Digit3")
    );
    page.eval("console.warn('careful', 42); setTimeout(() => { throw new Error('boom'); })");
    page.collect_events(Duration::from_millis(300));
    assert!(page.console().contains(&"warning: \"careful\" 42".to_owned()), "{:?}", page.console());
    assert!(page.exceptions().iter().any(|exception| exception.contains("boom")), "{:?}", page.exceptions());
}

#[test]
fn the_harness_waits_for_a_new_browser_to_become_idle_but_not_for_a_busy_process() {
    let Some(browser) = Chromium::launch() else { return };
    let _page = browser.page();
    // Not a speed check: a hang detector far beyond the second a new browser takes.
    assert!(browser.wait_until_idle(Duration::from_secs(60)).is_some(), "the new browser never became idle");

    // The same measure must tell a busy process from one that sleeps.
    let mut busy = Command::new("sh").args(["-c", "while :; do :; done"]).spawn().unwrap();
    let verdict = processes::wait_until_quiet(busy.id(), Duration::from_millis(200), 0.05, Duration::from_secs(2));
    busy.kill().unwrap();
    busy.wait().unwrap();
    assert_eq!(verdict, None, "a shell spinning in a loop was taken for idle");
    let mut sleeper = Command::new("sleep").arg("60").spawn().unwrap();
    let verdict = processes::wait_until_quiet(sleeper.id(), Duration::from_millis(200), 0.05, Duration::from_secs(30));
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    assert!(verdict.is_some(), "a sleeping process was never taken for idle");
}

//! The live-reload channel: a WebSocket on the server's own port, the client
//! script that listens to it, and the messages sent through it.
//!
//! Messages (JSON text frames, server to browser):
//! - `{"type":"hello","generation":N}` on connect; a page built for another generation reloads;
//! - `{"type":"reload","urls":[...]}`: outputs changed; the page reloads if it is among them
//!   or if anything other than a page changed; `"urls":null` reloads every page;
//! - `{"type":"css","urls":[...]}`: only stylesheets changed; these are the new ones to swap in;
//! - `{"type":"error","message":"..."}`: the build failed; the page shows it in an overlay.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::ServerState;
use super::wire::{Outcome, Request, Response};

/// Where browsers connect for reload messages.
pub const LIVE_SOCKET_PATH: &str = "/__lkljs/live";
/// Where the injected client script is served.
pub const LIVE_CLIENT_PATH: &str = "/__lkljs/live.js";

pub(super) const CLIENT_SCRIPT: &str = include_str!("livereload.js");

/// A silent connection is pinged this often, so one whose browser vanished is noticed and dropped.
const PING_INTERVAL: Duration = Duration::from_secs(15);

/// The latest build's outcome and every connected browser, behind one lock so that
/// a browser connecting during a rebuild gets either the news or the new state, never neither.
pub(super) struct Hub {
    inner: Mutex<HubInner>,
}

struct HubInner {
    build: BuildState,
    /// Each browser's connection thread, as the sending end of its queue.
    clients: Vec<Sender<Outgoing>>,
    /// Set when the server stops: a browser connecting after that is closed at once.
    closed: bool,
}

/// The outcome of the latest build, which decides what a missing page shows and
/// what a newly connected browser is told.
#[derive(Clone, Debug)]
pub(super) struct BuildState {
    /// Bumped on every build that changed output; pages carry it so a browser that
    /// loaded a page just before a rebuild notices and reloads.
    pub(super) generation: u64,
    pub(super) error: Option<String>,
}

#[derive(Clone)]
enum Outgoing {
    Text(Arc<str>),
    Close,
}

impl Hub {
    pub(super) fn new(build: BuildState) -> Self {
        Self { inner: Mutex::new(HubInner { build, clients: Vec::new(), closed: false }) }
    }

    pub(super) fn build_state(&self) -> BuildState {
        self.lock().build.clone()
    }

    /// Updates the build state and sends every connected browser the message
    /// `update` returns, if any, forgetting browsers that have gone.
    pub(super) fn publish(&self, update: impl FnOnce(&mut BuildState) -> Option<serde_json::Value>) {
        let mut inner = self.lock();
        let Some(message) = update(&mut inner.build) else { return };
        let text: Arc<str> = message.to_string().into();
        inner.clients.retain(|client| client.send(Outgoing::Text(Arc::clone(&text))).is_ok());
    }

    /// Registers a browser: its queue starts with the greeting and any current error.
    fn subscribe(&self) -> Receiver<Outgoing> {
        let (sender, queue) = channel();
        let mut inner = self.lock();
        let hello = serde_json::json!({ "type": "hello", "generation": inner.build.generation });
        let _ = sender.send(Outgoing::Text(hello.to_string().into()));
        if let Some(error) = &inner.build.error {
            let _ = sender.send(Outgoing::Text(error_message(error).to_string().into()));
        }
        if inner.closed {
            let _ = sender.send(Outgoing::Close);
        } else {
            inner.clients.push(sender);
        }
        queue
    }

    pub(super) fn close_all(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        for client in inner.clients.drain(..) {
            let _ = client.send(Outgoing::Close);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HubInner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `urls: None` reloads every page; a list reloads the pages among them.
pub(super) fn reload_message(urls: Option<&[String]>) -> serde_json::Value {
    serde_json::json!({ "type": "reload", "urls": urls })
}

pub(super) fn css_message(urls: &[String]) -> serde_json::Value {
    serde_json::json!({ "type": "css", "urls": urls })
}

pub(super) fn error_message(message: &str) -> serde_json::Value {
    serde_json::json!({ "type": "error", "message": message })
}

/// Completes the WebSocket handshake (RFC 6455 §4.2.2); the connection then
/// carries this browser's messages until it goes away or the server stops.
pub(super) fn accept(request: &Request, state: &Arc<ServerState>) -> Outcome {
    let upgrade_requested = request.lists_token("Upgrade", "websocket") && request.lists_token("Connection", "upgrade");
    let version_ok = request.header("Sec-WebSocket-Version") == Some("13");
    let (true, true, Some(key)) = (upgrade_requested, version_ok, request.header("Sec-WebSocket-Key")) else {
        let reply = Response::text(426, "This is the live-reload WebSocket; connect with WebSocket version 13.\n")
            .with_header("Sec-WebSocket-Version", "13")
            .with_header("Upgrade", "websocket");
        return Outcome::Reply(reply);
    };
    if !same_origin(request.header("Origin"), request.header("Host")) {
        // Any web page may open a WebSocket to localhost; build errors (paths,
        // sources) are for the author's own pages only.
        return Outcome::Reply(Response::text(403, "The live-reload channel only serves pages of this site.\n"));
    }
    let accept_key = tungstenite::handshake::derive_accept_key(key.trim().as_bytes());
    let switching =
        Response::empty(101).with_header("Upgrade", "websocket").with_header("Sec-WebSocket-Accept", accept_key);
    let queue = state.hub.subscribe();
    let run = move |stream, already_read| {
        feed(WebSocket::from_partially_read(stream, already_read, Role::Server, None), queue);
    };
    Outcome::Upgrade { switching, run: Box::new(run) }
}

/// Browsers always send `Origin`; a page of this site has the server's own host
/// in it. Clients without `Origin` (tools, tests) are not browsers and are let in.
fn same_origin(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else { return true };
    let origin_host = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    matches!((origin_host, host), (Some(origin_host), Some(host)) if origin_host.eq_ignore_ascii_case(host))
}

/// Writes queued messages to one browser until it goes away or the server stops.
fn feed<S: std::io::Read + std::io::Write>(mut socket: WebSocket<S>, queue: Receiver<Outgoing>) {
    loop {
        let message = match queue.recv_timeout(PING_INTERVAL) {
            Ok(Outgoing::Text(text)) => Message::text(text.as_ref()),
            Ok(Outgoing::Close) | Err(RecvTimeoutError::Disconnected) => {
                let _ = socket.close(None);
                let _ = socket.flush();
                return;
            }
            Err(RecvTimeoutError::Timeout) => Message::Ping(Default::default()),
        };
        if socket.send(message).is_err() {
            return;
        }
    }
}

/// Adds the live-reload client to an HTML document: before `</body>`, else before
/// `</head>`, else at the end. The generation lets the client notice a rebuild that
/// finished between this response and its connecting.
pub(super) fn inject_client(mut html: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_CLIENT_PATH}\" data-generation=\"{generation}\" defer></script>");
    let at = rfind_ascii_case_insensitive(&html, b"</body>")
        .or_else(|| rfind_ascii_case_insensitive(&html, b"</head>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

fn rfind_ascii_case_insensitive(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn injected(html: &str) -> String {
        String::from_utf8(inject_client(html.as_bytes().to_vec(), 7)).unwrap()
    }

    #[test]
    fn only_pages_of_this_site_may_listen() {
        assert!(same_origin(None, Some("127.0.0.1:1111")));
        assert!(same_origin(Some("http://127.0.0.1:1111"), Some("127.0.0.1:1111")));
        assert!(same_origin(Some("http://LOCALHOST:1111"), Some("localhost:1111")));
        assert!(!same_origin(Some("http://evil.example"), Some("127.0.0.1:1111")));
        assert!(!same_origin(Some("http://127.0.0.1:2222"), Some("127.0.0.1:1111")));
        assert!(!same_origin(Some("null"), Some("127.0.0.1:1111")));
        assert!(!same_origin(Some("http://127.0.0.1:1111"), None));
    }

    #[test]
    fn injects_before_the_last_closing_body() {
        let tag = "<script src=\"/__lkljs/live.js\" data-generation=\"7\" defer></script>";
        assert_eq!(
            injected("<html><body><p>&lt;/body></p></BODY></html>"),
            format!("<html><body><p>&lt;/body></p>{tag}</BODY></html>")
        );
        assert_eq!(injected("<head></head><p>x"), format!("<head>{tag}</head><p>x"));
        assert_eq!(injected("<p>x"), format!("<p>x{tag}"));
    }
}

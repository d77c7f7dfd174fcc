//! Responses: the headers every response carries, content types, ETags and
//! conditional requests, and the live-reload script injected into HTML.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::ServerState;
use super::encoding::{Coding, is_compressible, negotiate};
use super::files::{Resolved, resolve_target};
use super::live;

/// Requests handled at once; WebSocket clients get threads of their own.
const WORKERS: usize = 8;

type Reply = Response<Cursor<Vec<u8>>>;

pub(super) fn spawn_workers(server: &Arc<tiny_http::Server>, state: &Arc<ServerState>) -> Vec<JoinHandle<()>> {
    (0..WORKERS)
        .map(|index| {
            let server = Arc::clone(server);
            let state = Arc::clone(state);
            std::thread::Builder::new()
                .name(format!("serve-http-{index}"))
                .spawn(move || work(&server, &state))
                .expect("the OS refused to start a server thread")
        })
        .collect()
}

fn work(server: &tiny_http::Server, state: &Arc<ServerState>) {
    loop {
        match server.recv() {
            Ok(request) => {
                // A bug in one response must not take a worker down with it.
                if catch_unwind(AssertUnwindSafe(|| handle(request, state))).is_err() {
                    eprintln!("serve: internal error while answering a request (see the panic message above)");
                }
            }
            Err(_) if state.stopping.load(Ordering::SeqCst) => return,
            Err(_) => continue,
        }
    }
}

fn handle(request: Request, state: &Arc<ServerState>) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let reply = text_reply(405, "Only GET and HEAD are supported.\n").with_header(header("Allow", "GET, HEAD"));
        return respond(request, reply);
    }
    let target = request.url().to_owned();
    let path_only = target.split(['?', '#']).next().unwrap_or("");
    if path_only == live::LIVE_SOCKET_PATH && method == Method::Get {
        return live::accept(request, state);
    }
    if path_only == live::LIVE_CLIENT_PATH {
        let script = live::CLIENT_SCRIPT.as_bytes();
        let served = Served { resource: live::LIVE_CLIENT_PATH, bytes: script.to_vec(), etag: etag_of(script) };
        let reply = content_reply(&request, state, served, "text/javascript; charset=utf-8", 200);
        return respond(request, reply);
    }
    let reply = match resolve_target(state.root(), &target) {
        Resolved::File(path) => file_reply(&request, &path, 200, state),
        Resolved::Redirect(location) => {
            text_reply(308, &format!("Moved to {location}\n")).with_header(header("Location", &location))
        }
        Resolved::NotFound => not_found_reply(&request, state),
        Resolved::Forbidden => text_reply(403, "Forbidden.\n"),
    };
    respond(request, reply)
}

fn respond(request: Request, reply: Reply) {
    // The client may be gone already; there is nobody left to tell.
    let _ = request.respond(with_common_headers(reply));
}

/// Headers on every response: cross-origin isolation (the kernel demo needs
/// SharedArrayBuffer) and revalidation on every load, so an author never sees a stale page.
pub(super) fn with_common_headers<R: std::io::Read>(response: Response<R>) -> Response<R> {
    response
        .with_header(header("Cross-Origin-Opener-Policy", "same-origin"))
        .with_header(header("Cross-Origin-Embedder-Policy", "require-corp"))
        .with_header(header("Cross-Origin-Resource-Policy", "same-origin"))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn file_reply(request: &Request, path: &Path, status: u16, state: &ServerState) -> Reply {
    let (Ok(metadata), Ok(bytes)) = (std::fs::metadata(path), std::fs::read(path)) else {
        // Removed between resolving and reading, typically by a rebuild in progress.
        return not_found_reply(request, state);
    };
    let content_type = content_type(path);
    let resource = path.to_string_lossy();
    if is_html(path) {
        // What is served differs from the file, so the ETag is of what is served.
        let bytes = live::inject_client(bytes, state.build_state().generation);
        let etag = etag_of(&bytes);
        return content_reply(request, state, Served { resource: &resource, bytes, etag }, content_type, status);
    }
    let etag = state.etags.get_or_compute(path, &metadata, || etag_of(&bytes));
    content_reply(request, state, Served { resource: &resource, bytes, etag }, content_type, status)
}

/// A strong ETag: a hash of the exact bytes served.
fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..16]))
}

/// File hashes by path, valid while the file keeps its size and modification time.
/// Hashing the kernel's wasm on every revalidation would cost more than sending it.
#[derive(Default)]
pub(super) struct EtagCache {
    entries: Mutex<HashMap<PathBuf, (FileStamp, String)>>,
}

/// Size and modification time: what tells a rewritten file from the one hashed.
type FileStamp = (u64, Option<SystemTime>);

impl EtagCache {
    fn get_or_compute(&self, path: &Path, metadata: &Metadata, compute: impl FnOnce() -> String) -> String {
        let stamp: FileStamp = (metadata.len(), metadata.modified().ok());
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match entries.get(path) {
            // Without a modification time a rewrite cannot be told apart: always hash.
            Some((cached, etag)) if *cached == stamp && stamp.1.is_some() => etag.clone(),
            _ => {
                let etag = compute();
                entries.insert(path.to_path_buf(), (stamp, etag.clone()));
                etag
            }
        }
    }
}

/// What a response serves before content coding: the bytes, their ETag, and a
/// stable name for the resource under which compressed forms are cached.
struct Served<'a> {
    resource: &'a str,
    bytes: Vec<u8>,
    etag: String,
}

/// A body with its content type and ETag, compressed as the client accepts, or
/// 304 when the client already has that representation.
fn content_reply(request: &Request, state: &ServerState, served: Served, content_type: &str, status: u16) -> Reply {
    let compressible = is_compressible(content_type);
    let wanted = if compressible { negotiate(request_header(request, "Accept-Encoding")) } else { Coding::Identity };
    let (coding, body) = match state.compressed.get_or_compress(served.resource, wanted, &served.etag, &served.bytes) {
        Some(compressed) => (wanted, compressed.as_ref().clone()),
        None => (Coding::Identity, served.bytes),
    };
    let etag = coding.etag(&served.etag);
    let mut headers = vec![header("ETag", &etag)];
    if compressible {
        // The body depends on Accept-Encoding even when it is sent uncompressed.
        headers.push(header("Vary", "Accept-Encoding"));
    }
    if status == 200 && request_header(request, "If-None-Match").is_some_and(|tags| etag_matches(tags, &etag)) {
        // No body, but the length the 200 would have had (RFC 9110 §8.6).
        let length = Some(body.len());
        return Response::new(StatusCode(304), headers, Cursor::new(Vec::new()), length, None);
    }
    if coding != Coding::Identity {
        headers.push(header("Content-Encoding", coding.token()));
    }
    // Never chunked: every response states its length (tiny_http chunks large ones by default).
    let mut reply = Response::from_data(body)
        .with_chunked_threshold(usize::MAX)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type));
    for header in headers {
        reply.add_header(header);
    }
    reply
}

fn not_found_reply(request: &Request, state: &ServerState) -> Reply {
    let build = state.build_state();
    if let Some(error) = &build.error {
        // Nothing to show and the build is broken: show why, and recover by itself once fixed.
        let bytes = live::inject_client(build_error_page(error).into_bytes(), build.generation);
        let etag = etag_of(&bytes);
        let served = Served { resource: "build error page", bytes, etag };
        return content_reply(request, state, served, "text/html; charset=utf-8", 500);
    }
    match resolve_target(state.root(), "/404.html") {
        Resolved::File(page) => file_reply(request, &page, 404, state),
        _ => text_reply(404, "Not found.\n"),
    }
}

fn build_error_page(error: &str) -> String {
    let escaped = crate::html::escape(error);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\n\
         <body><h1>The site failed to build</h1>\n<pre>{escaped}</pre>\n\
         <p>Fix the error and save; this page reloads by itself.</p></body></html>\n"
    )
}


fn text_reply(status: u16, body: &str) -> Reply {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn request_header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

/// `If-None-Match` uses weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored,
/// lists are matched member by member and `*` matches any current representation.
fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

pub(super) fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values here are plain ASCII")
}

fn is_html(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("html" | "htm"))
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|extension| extension.to_str()).map(str::to_ascii_lowercase)
}

/// The exact Content-Type for a file, by extension. Text types name their charset
/// (everything we emit is UTF-8); `application/wasm` must stand alone for
/// `WebAssembly.instantiateStreaming`.
pub fn content_type(path: &Path) -> &'static str {
    match extension(path).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json" | "map") => "application/json; charset=utf-8",
        Some("webmanifest") => "application/manifest+json; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("svg") => "image/svg+xml; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("pdf") => "application/pdf",
        Some("gz") => "application/gzip",
        Some("br") => "application/x-brotli",
        Some("tar") => "application/x-tar",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_comparison_follows_if_none_match_rules() {
        let etag = "\"abc\"";
        assert!(etag_matches("\"abc\"", etag));
        assert!(etag_matches("W/\"abc\"", etag));
        assert!(etag_matches("\"x\", \"abc\"", etag));
        assert!(etag_matches("*", etag));
        assert!(!etag_matches("\"abcd\"", etag));
        assert!(!etag_matches("abc", etag));
    }

    #[test]
    fn content_types_are_exact() {
        assert_eq!(content_type(Path::new("boot.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("a/INDEX.HTML")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("m.mjs")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}

//! Responses: the headers every response carries, content types, ETags and
//! conditional requests, and the live-reload script injected into HTML.

use std::collections::HashMap;
use std::fs::Metadata;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::ServerState;
use super::encoding::{Coding, is_compressible, negotiate};
use super::files::{Resolved, resolve_target};
use super::live;
use super::wire::{Body, Outcome, Request, Response};

/// Answers a GET or HEAD request (the connection layer refuses everything else).
pub(super) fn handle(request: &Request, state: &Arc<ServerState>) -> Outcome {
    let target = request.target.as_str();
    let path_only = target.split(['?', '#']).next().unwrap_or("");
    if path_only == live::LIVE_SOCKET_PATH && !request.is_head() {
        return live::accept(request, state);
    }
    if path_only == live::LIVE_CLIENT_PATH {
        let script = live::CLIENT_SCRIPT.as_bytes();
        let served = Served {
            resource: live::LIVE_CLIENT_PATH,
            bytes: script.to_vec(),
            etag: etag_of(script),
            brotli_file: None,
        };
        return Outcome::Reply(content_reply(request, state, served, "text/javascript; charset=utf-8", 200));
    }
    let reply = match resolve_target(state.root(), target) {
        Resolved::File(path) => {
            let reply = file_reply(request, &path, 200, state);
            // Content-hashed files (theme assets, the demo's page files) are
            // cached for good, as the deploy rules have hosts do.
            match crate::output::deploy::cache_control_for(path_only) {
                Some(cache_control) if reply.status == 200 || reply.status == 304 || reply.status == 206 => {
                    reply.with_header("Cache-Control", cache_control)
                }
                _ => reply,
            }
        }
        Resolved::Redirect(location) => {
            Response::text(308, &format!("Moved to {location}\n")).with_header("Location", location)
        }
        Resolved::NotFound => not_found_reply(request, state),
        Resolved::Forbidden => Response::text(403, "Forbidden.\n"),
    };
    Outcome::Reply(reply)
}

fn file_reply(request: &Request, path: &Path, status: u16, state: &ServerState) -> Response {
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
        let served = Served { resource: &resource, bytes, etag, brotli_file: None };
        return content_reply(request, state, served, content_type, status);
    }
    let etag = state.etags.get_or_compute(path, &metadata, || etag_of(&bytes));
    let brotli_file = precompressed_sibling(path, &metadata);
    content_reply(request, state, Served { resource: &resource, bytes, etag, brotli_file }, content_type, status)
}

/// The build's Brotli (quality 11) of `path`, `path.br` beside it
/// (src/output/precompress.rs), when it can stand for the file: a regular file,
/// not a link (which could lead outside the output directory), written no
/// earlier than the file itself (a rebuild writes the file first, so an older
/// sibling belongs to a previous version).
fn precompressed_sibling(path: &Path, metadata: &Metadata) -> Option<PathBuf> {
    let mut sibling = path.as_os_str().to_owned();
    sibling.push(crate::output::precompress::BROTLI_SUFFIX);
    let sibling = PathBuf::from(sibling);
    let sibling_metadata = std::fs::symlink_metadata(&sibling).ok()?;
    let written_after = match (sibling_metadata.modified(), metadata.modified()) {
        (Ok(sibling_time), Ok(file_time)) => sibling_time >= file_time,
        _ => false,
    };
    (sibling_metadata.file_type().is_file() && written_after).then_some(sibling)
}

/// The bytes and ETag of a precompressed sibling, or `None` when it has gone
/// since it was found (a rebuild in progress): the body is then compressed here.
fn read_precompressed(sibling: &Path, state: &ServerState) -> Option<(Arc<Vec<u8>>, String)> {
    let metadata = std::fs::symlink_metadata(sibling).ok()?;
    let bytes = std::fs::read(sibling).ok()?;
    // The tag is of the bytes sent: quality 11 differs from what this server
    // compresses on the fly, and a range must never join bytes of the two.
    let etag = state.etags.get_or_compute(sibling, &metadata, || etag_of(&bytes));
    Some((Arc::new(bytes), etag))
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

/// What a response serves before content coding: the bytes, their ETag, a
/// stable name for the resource under which compressed forms are cached, and
/// the build's own Brotli of it, if there is one.
struct Served<'a> {
    resource: &'a str,
    bytes: Vec<u8>,
    etag: String,
    brotli_file: Option<PathBuf>,
}

/// A body with its content type and ETag, compressed as the client accepts, or
/// 304 when the client already has that representation.
fn content_reply(request: &Request, state: &ServerState, served: Served, content_type: &str, status: u16) -> Response {
    let compressible = is_compressible(content_type);
    let wanted = if compressible { negotiate(request.header("Accept-Encoding")) } else { Coding::Identity };
    let precompressed = match (wanted, &served.brotli_file) {
        (Coding::Brotli, Some(sibling)) => read_precompressed(sibling, state),
        _ => None,
    };
    let (coding, body, etag) = if let Some((bytes, etag)) = precompressed {
        (Coding::Brotli, Body::Shared(bytes), etag)
    } else {
        match state.compressed.get_or_compress(served.resource, wanted, &served.etag, &served.bytes) {
            Some(compressed) => (wanted, Body::Shared(compressed), wanted.etag(&served.etag)),
            None => (Coding::Identity, Body::Owned(served.bytes), served.etag),
        }
    };
    let mut reply = Response::new(status, content_type, body).with_header("ETag", etag.clone());
    if coding != Coding::Identity {
        reply = reply.with_header("Content-Encoding", coding.token());
    }
    if compressible {
        // The body depends on Accept-Encoding even when it is sent uncompressed.
        reply = reply.with_header("Vary", "Accept-Encoding");
    }
    if status != 200 {
        return reply;
    }
    if request.header("If-None-Match").is_some_and(|tags| etag_matches(tags, &etag)) {
        // No body, but the length the 200 would have had (RFC 9110 §8.6).
        return reply.into_not_modified();
    }
    let reply = reply.with_header("Accept-Ranges", "bytes");
    // Ranges are defined for GET only; an If-Range that does not name this very
    // representation asks for all of it (we send no Last-Modified, so dates never match).
    let range = request.header("Range").filter(|_| !request.is_head());
    let Some(range) = range.filter(|_| request.header("If-Range").is_none_or(|tag| tag.trim() == etag)) else {
        return reply;
    };
    let length = reply.content_length();
    match requested_range(range, length) {
        RangeAnswer::Whole => reply,
        RangeAnswer::Part(part) => reply.into_partial(part),
        RangeAnswer::Unsatisfiable => {
            Response::text(416, &format!("The range {range} lies outside the {length} bytes.\n"))
                .with_header("Content-Range", format!("bytes */{length}"))
        }
    }
}

/// How to answer a `Range` header (RFC 9110 §14.2).
#[derive(Debug, PartialEq, Eq)]
enum RangeAnswer {
    /// The whole representation: no usable range (unknown unit, malformed, or several ranges,
    /// which browsers do not ask for and which would need a multipart body).
    Whole,
    Part(Range<usize>),
    /// 416: the range starts past the end.
    Unsatisfiable,
}

fn requested_range(header: &str, length: usize) -> RangeAnswer {
    let Some((unit, spec)) = header.split_once('=') else { return RangeAnswer::Whole };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else { return RangeAnswer::Whole };
    let (first, last) = (first.trim(), last.trim());
    let length = length as u64;
    let (start, end) = if first.is_empty() {
        // `-N`: the last N bytes.
        let Ok(suffix) = last.parse::<u64>() else { return RangeAnswer::Whole };
        if suffix == 0 || length == 0 {
            return RangeAnswer::Unsatisfiable;
        }
        (length - suffix.min(length), length)
    } else {
        let Ok(start) = first.parse::<u64>() else { return RangeAnswer::Whole };
        let end = match last {
            "" => length,
            last => match last.parse::<u64>() {
                Ok(last) if last >= start => last.saturating_add(1).min(length),
                _ => return RangeAnswer::Whole,
            },
        };
        if start >= length {
            return RangeAnswer::Unsatisfiable;
        }
        (start, end)
    };
    // Both bounds are at most `length`, which came from a usize.
    RangeAnswer::Part(start as usize..end as usize)
}

fn not_found_reply(request: &Request, state: &ServerState) -> Response {
    let build = state.build_state();
    if let Some(error) = &build.error {
        // Nothing to show and the build is broken: show why, and recover by itself once fixed.
        let bytes = live::inject_client(build_error_page(error).into_bytes(), build.generation);
        let etag = etag_of(&bytes);
        let served = Served { resource: "build error page", bytes, etag, brotli_file: None };
        return content_reply(request, state, served, "text/html; charset=utf-8", 500);
    }
    match resolve_target(state.root(), "/404.html") {
        Resolved::File(page) => file_reply(request, &page, 404, state),
        _ => Response::text(404, "Not found.\n"),
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

/// `If-None-Match` uses weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored,
/// lists are matched member by member and `*` matches any current representation.
fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
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
        // The demo's userland archive (uncompressed, so that the kernel needs
        // no decompressor): text-like enough to shrink to a third with Brotli.
        Some("cpio") => "application/x-cpio",
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
    fn single_byte_ranges_are_understood() {
        use RangeAnswer::{Part, Unsatisfiable, Whole};
        assert_eq!(requested_range("bytes=0-99", 1000), Part(0..100));
        assert_eq!(requested_range("Bytes = 990-", 1000), Part(990..1000));
        assert_eq!(requested_range("bytes=-5", 1000), Part(995..1000));
        assert_eq!(requested_range("bytes=-5000", 1000), Part(0..1000));
        assert_eq!(requested_range("bytes=500-5000", 1000), Part(500..1000));
        assert_eq!(requested_range("bytes=999-999", 1000), Part(999..1000));
        assert_eq!(requested_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(requested_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(requested_range("bytes=0-", 0), Unsatisfiable);
        for ignored in ["bytes=0-1,5-6", "bytes=5-3", "bytes=x-", "items=0-1", "bytes 0-1", "bytes=-"] {
            assert_eq!(requested_range(ignored, 1000), Whole, "{ignored}");
        }
    }

    #[test]
    fn content_types_are_exact() {
        assert_eq!(content_type(Path::new("boot.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("a/INDEX.HTML")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("m.mjs")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("userland.0123abcd.cpio")), "application/x-cpio");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}

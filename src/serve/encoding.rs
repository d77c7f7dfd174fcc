//! Content coding: brotli or gzip when the browser accepts it, as static hosts
//! (Netlify, Cloudflare Pages, GitHub Pages) send them, so that what the preview
//! transfers is what readers will download.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A content coding the server can send, in the server's order of preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// Brotli quality for compression on request: in the range CDNs use when they
/// compress as they serve. Quality 11 saves another 11% on the kernel's wasm
/// but takes 5 s, which a reader of the preview would wait for; the build
/// writes it once beside the content-hashed files instead, and those are sent
/// as they are (src/output/precompress.rs, `precompressed_sibling` in http.rs).
const BROTLI_QUALITY: u32 = 5;

impl Coding {
    /// The token in `Content-Encoding` / `Accept-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        }
    }

    /// Compresses `bytes` (identity returns them unchanged).
    fn encode(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Coding::Brotli => crate::output::precompress::brotli_at(bytes, BROTLI_QUALITY),
            Coding::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::default());
                encoder.write_all(bytes).expect("writing to memory cannot fail");
                encoder.finish().expect("writing to memory cannot fail")
            }
            Coding::Identity => bytes.to_vec(),
        }
    }

    /// The ETag of this coding's representation, derived from the identity ETag:
    /// each coding is a different byte sequence, so it needs a tag of its own
    /// (RFC 9110 §8.8.3), or a cache could answer a gzip request with brotli bytes.
    pub fn etag(self, identity_etag: &str) -> String {
        match self {
            Coding::Identity => identity_etag.to_owned(),
            coding => {
                let inner = identity_etag.trim_end_matches('"');
                format!("{inner}-{}\"", coding.token())
            }
        }
    }
}

/// Chooses the coding for a request's `Accept-Encoding` (RFC 9110 §12.5.3): the
/// accepted compression with the higher quality value wins, ties go to brotli;
/// `q=0` refuses a coding and `*` stands for every coding not named. Without the
/// header, identity: a client that says nothing may not understand compression.
pub fn negotiate(accept_encoding: Option<&str>) -> Coding {
    let Some(header) = accept_encoding else { return Coding::Identity };
    let mut named: Vec<(String, f32)> = Vec::new();
    for member in header.split(',') {
        let mut parts = member.split(';');
        let token = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if token.is_empty() {
            continue;
        }
        let quality = parts
            .filter_map(|parameter| parameter.split_once('='))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, value)| value.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0));
        named.push((token, quality));
    }
    let quality_of = |tokens: &[&str]| {
        named
            .iter()
            .find(|(token, _)| tokens.contains(&token.as_str()))
            .or_else(|| named.iter().find(|(token, _)| token == "*"))
            .map_or(0.0, |(_, quality)| *quality)
    };
    // Identity is always acceptable in practice (a 406 helps no reader), and
    // any accepted compression is preferred to it, whatever their q-values.
    let brotli = quality_of(&["br"]);
    let gzip = quality_of(&["gzip", "x-gzip"]);
    if brotli > 0.0 && brotli >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Whether a content type is worth compressing: text, and binary formats that
/// are not compressed already (the kernel's wasm shrinks to about a third, the
/// demo's userland archive of wasm programs likewise).
pub fn is_compressible(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/wasm"
                | "application/x-cpio"
                | "application/json"
                | "application/manifest+json"
                | "application/xml"
                | "application/javascript"
                | "image/svg+xml"
                | "image/x-icon"
                | "font/ttf"
        )
}

/// Compressed bodies, one per served resource and coding, kept while the
/// resource's identity ETag stays the same: the kernel's wasm is compressed once
/// per build, not once per request.
#[derive(Default)]
pub(super) struct CompressedCache {
    entries: Mutex<HashMap<(String, Coding), CachedBody>>,
}

#[derive(Clone)]
struct CachedBody {
    identity_etag: String,
    /// `None` when the coding did not make the body smaller: identity is sent instead.
    compressed: Option<Arc<Vec<u8>>>,
}

impl CompressedCache {
    /// The body of `resource` (a stable name such as its path) in `coding`, or
    /// `None` when that coding would not make it smaller.
    pub(super) fn get_or_compress(
        &self,
        resource: &str,
        coding: Coding,
        identity_etag: &str,
        bytes: &[u8],
    ) -> Option<Arc<Vec<u8>>> {
        if coding == Coding::Identity {
            return None;
        }
        let key = (resource.to_owned(), coding);
        if let Some(cached) = self.lock().get(&key)
            && cached.identity_etag == identity_etag
        {
            return cached.compressed.clone();
        }
        // Compressed without the lock held, so a large file does not stall other
        // requests; two first requests at once may both compress it, harmlessly.
        let encoded = coding.encode(bytes);
        let compressed = (encoded.len() < bytes.len()).then(|| Arc::new(encoded));
        let entry = CachedBody { identity_etag: identity_etag.to_owned(), compressed: compressed.clone() };
        self.lock().insert(key, entry);
        compressed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Coding), CachedBody>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn negotiation_prefers_brotli_then_gzip_and_honours_quality_values() {
        assert_eq!(negotiate(None), Coding::Identity);
        assert_eq!(negotiate(Some("")), Coding::Identity);
        assert_eq!(negotiate(Some("gzip, deflate, br, zstd")), Coding::Brotli);
        assert_eq!(negotiate(Some("gzip, deflate")), Coding::Gzip);
        assert_eq!(negotiate(Some("x-gzip")), Coding::Gzip);
        assert_eq!(negotiate(Some("GZIP;Q=1")), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0.5, gzip;q=0.8")), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, gzip")), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, gzip;q=0")), Coding::Identity);
        assert_eq!(negotiate(Some("*")), Coding::Brotli);
        assert_eq!(negotiate(Some("gzip;q=0.5, *;q=0.1")), Coding::Gzip);
        assert_eq!(negotiate(Some("deflate, zstd")), Coding::Identity);
        assert_eq!(negotiate(Some("identity")), Coding::Identity);
        assert_eq!(negotiate(Some("br;q=garbage, gzip")), Coding::Gzip);
    }

    #[test]
    fn each_coding_has_its_own_etag() {
        let identity = "\"0123abcd\"";
        assert_eq!(Coding::Identity.etag(identity), identity);
        assert_eq!(Coding::Brotli.etag(identity), "\"0123abcd-br\"");
        assert_eq!(Coding::Gzip.etag(identity), "\"0123abcd-gzip\"");
    }

    #[test]
    fn compressible_types_include_wasm_but_not_images() {
        for yes in [
            "text/html; charset=utf-8",
            "text/javascript; charset=utf-8",
            "application/wasm",
            "application/x-cpio",
            "image/svg+xml; charset=utf-8",
            "application/json; charset=utf-8",
        ] {
            assert!(is_compressible(yes), "{yes}");
        }
        for no in ["image/png", "image/jpeg", "font/woff2", "application/gzip", "application/octet-stream"] {
            assert!(!is_compressible(no), "{no}");
        }
    }

    #[test]
    fn compressed_bodies_decode_to_the_original_and_are_cached_per_version() {
        let cache = CompressedCache::default();
        let original = "hello, kernel ".repeat(500).into_bytes();
        let brotli = cache.get_or_compress("/a.txt", Coding::Brotli, "\"v1\"", &original).unwrap();
        let mut decoded = Vec::new();
        brotli::Decompressor::new(brotli.as_slice(), 4096).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, original);
        let gzip = cache.get_or_compress("/a.txt", Coding::Gzip, "\"v1\"", &original).unwrap();
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(gzip.as_slice()).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, original);
        // Same version: the very same buffer, not a second compression.
        let again = cache.get_or_compress("/a.txt", Coding::Brotli, "\"v1\"", &original).unwrap();
        assert!(Arc::ptr_eq(&brotli, &again));
        // A new version is compressed afresh.
        let changed = "other text ".repeat(500).into_bytes();
        let fresh = cache.get_or_compress("/a.txt", Coding::Brotli, "\"v2\"", &changed).unwrap();
        assert!(!Arc::ptr_eq(&brotli, &fresh));
    }

    #[test]
    fn a_body_that_would_grow_is_left_alone() {
        let cache = CompressedCache::default();
        assert!(cache.get_or_compress("/tiny.wasm", Coding::Brotli, "\"t\"", b"\0asm\x01\0\0\0").is_none());
        assert!(cache.get_or_compress("/tiny.wasm", Coding::Gzip, "\"t\"", b"\0asm\x01\0\0\0").is_none());
    }
}

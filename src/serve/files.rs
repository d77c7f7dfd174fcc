//! From a raw HTTP request target to a file inside the output root, refusing
//! anything that could reach outside it.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// Longest request target accepted; real site paths are far shorter.
const MAX_TARGET_LENGTH: usize = 4096;
/// Most path segments accepted, for the same reason.
const MAX_SEGMENTS: usize = 64;

/// Where a request target leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file inside the root (canonical path).
    File(PathBuf),
    /// A directory asked for without its trailing slash: the URL to redirect to.
    Redirect(String),
    /// Nothing is there.
    NotFound,
    /// The target is malformed or tries to leave the root.
    Forbidden,
}

/// Resolves `target` (as it appeared on the request line) against the canonical `root`.
pub fn resolve_target(root: &Path, target: &str) -> Resolved {
    if target.len() > MAX_TARGET_LENGTH || !target.starts_with('/') {
        // Absolute-form targets (`http://host/...`) and `*` are not for a file server.
        return Resolved::Forbidden;
    }
    let (raw_path, query) = match target.find(['?', '#']) {
        Some(at) => (&target[..at], &target[at..]),
        None => (target, ""),
    };
    let Some(segments) = decode_segments(raw_path) else {
        return Resolved::Forbidden;
    };
    let mut candidate = root.to_path_buf();
    candidate.extend(&segments);
    let Some(found) = inside_root(root, &candidate) else {
        return Resolved::NotFound;
    };
    let Ok(metadata) = found.metadata() else {
        return Resolved::NotFound;
    };
    if metadata.is_file() {
        return Resolved::File(found);
    }
    if !metadata.is_dir() {
        return Resolved::NotFound;
    }
    if !raw_path.ends_with('/') {
        let query = if query.starts_with('?') { query.split('#').next().unwrap_or("") } else { "" };
        return Resolved::Redirect(format!("{raw_path}/{query}"));
    }
    match inside_root(root, &found.join("index.html")) {
        Some(index) if index.is_file() => Resolved::File(index),
        _ => Resolved::NotFound,
    }
}

/// Splits a raw path into decoded segments, or `None` when any part of it is unsafe:
/// encoded slashes, backslashes, NUL bytes, dot segments, invalid UTF-8 or too many parts.
fn decode_segments(raw_path: &str) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    for raw_segment in raw_path.split('/').filter(|segment| !segment.is_empty()) {
        let decoded = percent_decode_str(raw_segment).decode_utf8().ok()?;
        let unsafe_char = |c: char| c == '/' || c == '\\' || c == '\0' || c.is_control();
        if decoded == "." || decoded == ".." || decoded.contains(unsafe_char) {
            return None;
        }
        segments.push(decoded.into_owned());
        if segments.len() > MAX_SEGMENTS {
            return None;
        }
    }
    Some(segments)
}

/// The canonical form of `path` if it exists and lies inside `root` (symlinks are
/// followed, so a link pointing outside the root is refused).
fn inside_root(root: &Path, path: &Path) -> Option<PathBuf> {
    let canonical = path.canonicalize().ok()?;
    canonical.starts_with(root).then_some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        std::fs::create_dir_all(root.join("guide")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("guide/index.html"), "guide").unwrap();
        std::fs::write(root.join("guide/a b.txt"), "spaced").unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_and_directory_indexes() {
        let (_dir, root) = site();
        assert_eq!(resolve_target(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve_target(&root, "/guide/"), Resolved::File(root.join("guide/index.html")));
        assert_eq!(resolve_target(&root, "/guide/?x=1"), Resolved::File(root.join("guide/index.html")));
        assert_eq!(resolve_target(&root, "/guide/a%20b.txt"), Resolved::File(root.join("guide/a b.txt")));
        assert_eq!(resolve_target(&root, "//guide//index.html"), Resolved::File(root.join("guide/index.html")));
    }

    #[test]
    fn redirects_directories_without_slash_keeping_the_query() {
        let (_dir, root) = site();
        assert_eq!(resolve_target(&root, "/guide"), Resolved::Redirect("/guide/".into()));
        assert_eq!(resolve_target(&root, "/guide?a=1#top"), Resolved::Redirect("/guide/?a=1".into()));
    }

    #[test]
    fn missing_things_are_not_found() {
        let (_dir, root) = site();
        assert_eq!(resolve_target(&root, "/nope.html"), Resolved::NotFound);
        assert_eq!(resolve_target(&root, "/empty/"), Resolved::NotFound);
        assert_eq!(resolve_target(&root, "/%ff.html"), Resolved::Forbidden);
    }

    #[test]
    fn refuses_every_escape_attempt() {
        let (_dir, root) = site();
        for target in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2e/secret.txt",
            "/guide/%2e%2e%2f%2e%2e%2fsecret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/index.html%00.txt",
            "/./index.html",
            "http://example.com/index.html",
            "*",
            "",
        ] {
            assert_eq!(resolve_target(&root, target), Resolved::Forbidden, "{target}");
        }
        let long = format!("/{}", "a/".repeat(3000));
        assert_eq!(resolve_target(&root, &long), Resolved::Forbidden);
        let deep = "/a".repeat(100);
        assert_eq!(resolve_target(&root, &deep), Resolved::Forbidden);
    }

    #[test]
    fn refuses_symlinks_leading_outside() {
        let (dir, root) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink(root.join("index.html"), root.join("alias.html")).unwrap();
        assert_eq!(resolve_target(&root, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve_target(&root, "/up/secret.txt"), Resolved::NotFound);
        assert_eq!(resolve_target(&root, "/alias.html"), Resolved::File(root.join("index.html")));
    }
}

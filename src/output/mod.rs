//! The output tree: minified pages, content-hashed theme assets, feeds and
//! deploy files, and writing it all safely to disk.

pub mod assets;
pub mod css;
pub mod deploy;
pub mod feeds;
pub mod publish;
pub mod search;
pub mod vendor;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One file of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputFile {
    Bytes(Vec<u8>),
    /// Copied from this file (content assets, the demo's wasm): not loaded into memory.
    Copy(PathBuf),
}

/// The whole output, keyed by `/`-separated path relative to the output directory.
pub type OutputTree = BTreeMap<String, OutputFile>;

/// Minifies a page. `<!DOCTYPE html>` is kept as the spec writes it, and
/// scripts are left as they are: minify-html's JavaScript minifier has been
/// seen to mangle string literals.
pub fn minify_html(html: &str) -> Vec<u8> {
    let mut config = minify_html::Cfg::new();
    config.minify_js = false;
    config.minify_css = false;
    config.minify_doctype = false;
    config.keep_closing_tags = true;
    config.keep_html_and_head_opening_tags = true;
    let minified = minify_html::minify(html.as_bytes(), &config);
    // minify-html lower-cases the doctype; keep the spelling the spec uses.
    match minified.strip_prefix(b"<!doctype html>".as_slice()) {
        Some(rest) => [b"<!DOCTYPE html>".as_slice(), rest].concat(),
        None => minified,
    }
}

/// The output path that serves a URL path (`guide/` → `guide/index.html`).
pub fn file_for_url_path(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minification_keeps_the_doctype_scripts_and_preformatted_text() {
        let html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title> T </title>\n  <script>const s = \"a  b\"; /* keep */ console.log(s);</script>\n</head>\n<body>\n  <p>  hello   world </p>\n  <pre><code>line 1\n    indented</code></pre>\n</body>\n</html>\n";
        let minified = String::from_utf8(minify_html(html)).unwrap();
        assert!(minified.starts_with("<!DOCTYPE html>"), "{minified}");
        assert!(minified.contains("const s = \"a  b\"; /* keep */ console.log(s);"), "{minified}");
        assert!(minified.contains("<pre><code>line 1\n    indented</code></pre>"), "{minified}");
        assert!(minified.len() < html.len());
    }

    #[test]
    fn url_paths_map_to_index_files() {
        assert_eq!(file_for_url_path(""), "index.html");
        assert_eq!(file_for_url_path("guide/"), "guide/index.html");
        assert_eq!(file_for_url_path("atom.xml"), "atom.xml");
    }
}

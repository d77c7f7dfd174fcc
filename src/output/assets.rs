//! Theme assets under content-hashed names: `theme/css/site.css` is published
//! as `/theme/site.<8 hex of sha256>.css`, so it can be cached forever.
//! Templates refer to it as `assets["site.css"]`.
//!
//! Exceptions:
//! - the cross-origin-isolation service worker must sit at the site root
//!   under a fixed name, because its URL decides its scope;
//! - a script named `*.inline.js` is not published as a file: templates put
//!   its text into the page (`inline_scripts["demo-start.inline.js"]`, inside
//!   a `<script>` element), for code that must run before anything else
//!   could be fetched. It must not contain `</script` or `<!--`, which would
//!   end or bend the element around it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Emitter, OutputContext, OutputFile, OutputStep, OutputTree, SharedBytes};
use crate::diagnostic::Diagnostic;

/// Published unhashed at the site root (see the module comment).
pub const SERVICE_WORKER: &str = "coi-serviceworker.js";
/// The name ending of scripts that templates inline (see the module comment).
pub const INLINE_SCRIPT_SUFFIX: &str = ".inline.js";
/// The theme's directories that are not published as they are.
const UNPUBLISHED_DIRS: [&str; 3] = ["templates", "vendor", "lint"];
/// The directory of hashed assets in the output.
pub const ASSET_DIR: &str = "theme";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemeAssets {
    /// Logical name (`site.css`) → URL (`/theme/site.1a2b3c4d.css`).
    pub urls: BTreeMap<String, String>,
    /// Logical name (`demo-start.inline.js`) → the script's text, for
    /// templates to inline (see the module comment).
    pub inline_scripts: BTreeMap<String, String>,
    pub files: OutputTree,
}

/// Why a theme file cannot be published, where in it.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error(transparent)]
    Css(#[from] super::css::CssError),
    #[error(
        "an inline script cannot contain `{text}`, which would end or bend the <script> element around it; \
         write it another way (\"<\\/script\", \"<\\!--\"), or rename the file without `.inline`"
    )]
    InlineScript { text: &'static str, line: usize, column: usize },
    #[error("an inline script must be UTF-8 text")]
    NotText,
}

impl AssetError {
    /// The 1-based line and column the error is at.
    pub fn location(&self) -> (usize, usize) {
        match self {
            AssetError::Css(error) => (error.line, error.column),
            AssetError::InlineScript { line, column, .. } => (*line, *column),
            AssetError::NotText => (1, 1),
        }
    }
}

/// The text of a script for inlining, or where it has a sequence that
/// cannot appear inside a `<script>` element (case-insensitively).
fn inline_script_text(bytes: Vec<u8>) -> Result<String, AssetError> {
    let text = String::from_utf8(bytes).map_err(|_| AssetError::NotText)?;
    let lower = text.to_ascii_lowercase();
    for forbidden in ["</script", "<!--"] {
        if let Some(offset) = lower.find(forbidden) {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |line| line.chars().count()) + 1;
            return Err(AssetError::InlineScript { text: forbidden, line, column });
        }
    }
    Ok(text)
}

/// The theme's files (hashed, see the module comment) and generated stylesheets.
pub struct ThemeFiles;

impl OutputStep for ThemeFiles {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        for (path, file) in &context.theme.files {
            out.add(path.clone(), file.clone(), format!("the theme ({path})"));
        }
    }
}

/// The demo step's artefacts and manifest, under `demo/` with their names unchanged.
pub struct DemoFiles;

impl OutputStep for DemoFiles {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        for (path, file) in context.demo_files {
            out.add(path.clone(), file.clone(), "the demo step");
        }
    }
}

/// `name.ext` → `name.<8 hex>.ext`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let short = hex::encode(&digest[..4]);
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{short}.{extension}"),
        None => format!("{name}.{short}"),
    }
}

/// Whether an output path is a hashed stylesheet (`theme/x.<8 hex>.css`).
pub fn is_hashed_stylesheet(path: &str) -> bool {
    let Some(name) = path.strip_prefix("theme/").and_then(|name| name.strip_suffix(".css")) else {
        return false;
    };
    name.rsplit_once('.').is_some_and(|(_, hash)| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Collects every file under `theme_dir` except `templates/`, plus generated
/// stylesheets (`extra`, e.g. the highlighting CSS).
/// `prepared` keeps each asset's published form from one collection to the next.
pub fn collect(
    theme_dir: &Path,
    shown_as: &Path,
    base_path: &str,
    extra: &[(String, Vec<u8>)],
    prepared: &mut PreparedAssets,
) -> Result<ThemeAssets, Vec<Diagnostic>> {
    let mut assets = ThemeAssets::default();
    let mut diagnostics = Vec::new();
    let mut sources: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
    let walker = walkdir::WalkDir::new(theme_dir).sort_by_file_name().into_iter();
    // Templates are rendered, not published; vendor/ holds the npm pins whose
    // installed files come in through `extra` (see `super::vendor`); lint/
    // pins and configures the JavaScript linter that .ci/run runs.
    let published = |entry: &walkdir::DirEntry| {
        entry.depth() != 1 || !UNPUBLISHED_DIRS.iter().any(|name| entry.file_name() == *name)
    };
    for entry in walker.filter_entry(published) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(Diagnostic::new(shown_as, format!("cannot read the theme: {error}")));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = entry.path().strip_prefix(theme_dir).expect("below the walked root");
        if let Some(other) = sources.insert(name.clone(), relative.to_path_buf()) {
            diagnostics.push(Diagnostic::new(
                shown_as.join(relative),
                format!(
                    "asset name `{name}` is also used by {}; templates could not tell them apart, so rename one",
                    shown_as.join(other).display()
                ),
            ));
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => match add(&mut assets, prepared, base_path, &name, bytes) {
                Ok(()) => {}
                Err(error) => {
                    let (line, column) = error.location();
                    diagnostics
                        .push(Diagnostic::new(shown_as.join(relative), error.to_string()).at(line, Some(column)));
                }
            },
            Err(error) => diagnostics.push(Diagnostic::new(shown_as.join(relative), format!("cannot read: {error}"))),
        }
    }
    for (name, bytes) in extra {
        if sources.contains_key(name) {
            diagnostics.push(Diagnostic::new(
                shown_as,
                format!("`{name}` is generated by the site builder; remove the theme file of that name"),
            ));
        } else if let Err(error) = add(&mut assets, prepared, base_path, name, bytes.clone()) {
            // A generated or vendored stylesheet that does not parse is our bug, not the author's.
            diagnostics.push(Diagnostic::new(shown_as, format!("generated `{name}`: {error}")));
        }
    }
    if diagnostics.is_empty() { Ok(assets) } else { Err(diagnostics) }
}

/// Adds one asset, as [`PreparedAssets::prepare`] publishes it, or as a
/// script to inline.
fn add(
    assets: &mut ThemeAssets,
    prepared: &mut PreparedAssets,
    base_path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), AssetError> {
    if name.ends_with(INLINE_SCRIPT_SUFFIX) {
        assets.inline_scripts.insert(name.to_string(), inline_script_text(bytes)?);
        return Ok(());
    }
    let asset = prepared.prepare(name, bytes)?;
    assets.urls.insert(name.to_string(), format!("{base_path}{}", asset.path));
    assets.files.insert(asset.path.clone(), OutputFile::Shared(Arc::clone(&asset.published)));
    Ok(())
}

/// Each asset's source and published form, by name: `serve` collects the
/// theme again on every stylesheet edit, and only the edited file has
/// changed. Minifying every stylesheet took 14 of the 56 ms before the swap
/// message on the build_speed corpus, and hashing the vendored scripts (xterm.js
/// is 300 kB) most of what was left of collecting; comparing the bytes with
/// the last source is a small part of either.
#[derive(Debug, Default)]
pub struct PreparedAssets(BTreeMap<String, PreparedAsset>);

#[derive(Debug)]
struct PreparedAsset {
    source: Vec<u8>,
    /// The output path, with the content hash in the name.
    path: String,
    /// The published bytes (stylesheets minified), shared with every output tree.
    published: SharedBytes,
}

impl PreparedAssets {
    /// The published form of an asset: stylesheets minified first (so the
    /// hash names the published bytes), then named by their hash; the last
    /// result when `source` is what it was.
    fn prepare(&mut self, name: &str, source: Vec<u8>) -> Result<&PreparedAsset, super::css::CssError> {
        let unchanged = self.0.get(name).is_some_and(|last| last.source == source);
        if !unchanged {
            let published = if name.ends_with(".css") {
                super::css::minify(name, &String::from_utf8_lossy(&source))?.into_bytes()
            } else {
                source.clone()
            };
            let path = if name == SERVICE_WORKER {
                name.to_string()
            } else {
                format!("{ASSET_DIR}/{}", hashed_name(name, &published))
            };
            self.0.insert(name.to_string(), PreparedAsset { source, path, published: Arc::new(published) });
        }
        Ok(&self.0[name])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_have_eight_hex_digits_of_the_content_hash() {
        // sha256("body{}") starts with these bytes; any other content gives another name.
        let name = hashed_name("site.css", b"body{}");
        assert!(is_hashed_stylesheet(&format!("theme/{name}")), "{name}");
        assert_eq!(name, format!("site.{}.css", &hex::encode(Sha256::digest(b"body{}"))[..8]));
        assert_ne!(name, hashed_name("site.css", b"body{ }"));
        assert!(!is_hashed_stylesheet("theme/site.css"));
        assert!(!is_hashed_stylesheet("theme/site.123.css"));
    }

    #[test]
    fn prepared_assets_are_reused_while_their_source_is_the_same() {
        let mut cache = PreparedAssets::default();
        let mut published = |name: &str, source: &str| {
            cache
                .prepare(name, source.as_bytes().to_vec())
                .map(|asset| (asset.path.clone(), Arc::clone(&asset.published)))
        };
        let (path, first) = published("a.css", "a { color: red; }").unwrap();
        assert_eq!(
            (path.as_str(), first.as_slice()),
            (hashed_path("a.css", b"a{color:red}").as_str(), &b"a{color:red}"[..])
        );
        let (_, again) = published("a.css", "a { color: red; }").unwrap();
        assert!(Arc::ptr_eq(&first, &again), "the same source reuses the published bytes");
        assert_eq!(*published("a.css", "a { color: blue; }").unwrap().1, b"a{color:#00f}");
        assert_eq!(*published("b.css", "a { color: red; }").unwrap().1, b"a{color:red}");
        assert!(published("a.css", ".b..c { color: red; }").is_err(), "an error is not hidden by the last result");
        assert_eq!(*published("x.js", "let a  =  1;").unwrap().1, b"let a  =  1;", "scripts are published as they are");
    }

    fn hashed_path(name: &str, bytes: &[u8]) -> String {
        format!("{ASSET_DIR}/{}", hashed_name(name, bytes))
    }

    #[test]
    fn collects_theme_files_except_templates_and_keeps_the_service_worker_at_the_root() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("css/site.css", "a{}"),
            ("js/coi-serviceworker.js", "sw"),
            ("templates/page.html", "x"),
            ("favicon.svg", "<svg/>"),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let generated = [("highlight.css".to_string(), b"pre{}".to_vec())];
        let assets =
            collect(dir.path(), Path::new("theme"), "/repo/", &generated, &mut PreparedAssets::default()).unwrap();
        let names: Vec<_> = assets.urls.keys().map(String::as_str).collect();
        assert_eq!(names, ["coi-serviceworker.js", "favicon.svg", "highlight.css", "site.css"]);
        assert_eq!(assets.urls["coi-serviceworker.js"], "/repo/coi-serviceworker.js");
        assert!(assets.urls["site.css"].starts_with("/repo/theme/site."));
        assert!(assets.files.contains_key("coi-serviceworker.js"));
        assert_eq!(assets.files.len(), 4);
    }

    /// Writes `files` (path under the theme → text) into a new theme directory.
    fn theme_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn an_inline_script_is_given_to_templates_as_text_and_not_published() {
        let dir = theme_with(&[("js/start.inline.js", "go();\n"), ("js/site.js", "site();")]);
        let assets = collect(dir.path(), Path::new("theme"), "/", &[], &mut PreparedAssets::default()).unwrap();
        assert_eq!(assets.inline_scripts.get("start.inline.js").map(String::as_str), Some("go();\n"));
        assert_eq!(assets.urls.keys().map(String::as_str).collect::<Vec<_>>(), ["site.js"]);
        assert!(assets.files.keys().all(|path| !path.contains("start")), "{:?}", assets.files.keys());
    }

    #[test]
    fn an_inline_script_that_would_end_its_element_is_refused_where_it_does() {
        for (text, forbidden, line, column) in
            [("a();\nconst s = \"</SCRIPT>\";\n", "</script", 2, 12), ("<!-- b\n", "<!--", 1, 1)]
        {
            let dir = theme_with(&[("js/start.inline.js", text)]);
            let errors = collect(dir.path(), Path::new("theme"), "/", &[], &mut PreparedAssets::default()).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            let shown = errors[0].to_string();
            assert!(shown.contains(&format!("theme/js/start.inline.js:{line}:{column}")), "{shown}");
            assert!(shown.contains(&format!("cannot contain `{forbidden}`")), "{shown}");
        }
    }
}

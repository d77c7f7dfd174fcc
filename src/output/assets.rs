//! Theme assets under content-hashed names: `theme/css/site.css` is published
//! as `/theme/site.<8 hex of sha256>.css`, so it can be cached forever.
//! Templates refer to it as `assets["site.css"]`.
//!
//! Exception: the cross-origin-isolation service worker must sit at the site
//! root under a fixed name, because its URL decides its scope.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Emitter, OutputContext, OutputFile, OutputStep, OutputTree, SharedBytes};
use crate::diagnostic::Diagnostic;

/// Published unhashed at the site root (see the module comment).
pub const SERVICE_WORKER: &str = "coi-serviceworker.js";
/// The theme's directories that are not published as they are.
const UNPUBLISHED_DIRS: [&str; 3] = ["templates", "vendor", "lint"];
/// The directory of hashed assets in the output.
pub const ASSET_DIR: &str = "theme";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemeAssets {
    /// Logical name (`site.css`) → URL (`/theme/site.1a2b3c4d.css`).
    pub urls: BTreeMap<String, String>,
    pub files: OutputTree,
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
                Err(error) => diagnostics.push(
                    Diagnostic::new(shown_as.join(relative), error.to_string()).at(error.line, Some(error.column)),
                ),
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

/// Adds one asset, as [`PreparedAssets::prepare`] publishes it.
fn add(
    assets: &mut ThemeAssets,
    prepared: &mut PreparedAssets,
    base_path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), super::css::CssError> {
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
}

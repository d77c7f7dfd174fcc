//! The output tree: minified pages, content-hashed theme assets, feeds and
//! deploy files, and writing it all safely to disk.
//!
//! Every kind of output is an [`OutputStep`], and [`OUTPUT_STEPS`] lists them
//! all: a new output (a search index, another feed, a deploy file) is one
//! type implementing the trait and one entry in that list. A step reads the
//! loaded and rendered site from the [`OutputContext`] and adds files to the
//! [`Emitter`], which reports two steps writing the same path.

pub mod assets;
pub mod css;
pub mod deploy;
pub mod feeds;
pub mod pages;
pub mod precompress;
pub mod publish;
pub mod search;
pub mod vendor;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;

use crate::config::SiteConfig;
use crate::content::Site;
use crate::diagnostic::Diagnostic;
use crate::render::{Common, Templates};

/// One file of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputFile {
    Bytes(Vec<u8>),
    /// Bytes the builder keeps between builds (pages, the search index, the
    /// theme's files): shared rather than copied into every tree, and compared
    /// by address first.
    Shared(SharedBytes),
    /// Copied from this file (content assets, the demo's wasm): not loaded into memory.
    Copy(PathBuf),
}

/// Bytes shared between output trees. A `Vec` behind the `Arc` rather than
/// an `Arc<[u8]>`: wrapping a `Vec` moves it, where building an `Arc<[u8]>`
/// copied every page and the search index into fresh memory, whose first
/// touch (page faults zeroing it) was a tenth of a full build's CPU time.
pub type SharedBytes = Arc<Vec<u8>>;

/// The whole output, keyed by `/`-separated path relative to the output directory.
pub type OutputTree = BTreeMap<String, OutputFile>;

/// Every output of a build, in the order they are added: when two steps
/// write the same path, the later one's error names the earlier one.
pub const OUTPUT_STEPS: &[&dyn OutputStep] = &[
    &pages::PageFiles,
    &pages::ContentAssets,
    &assets::ThemeFiles,
    &assets::DemoFiles,
    &pages::NotFoundPage,
    &search::SearchIndexFile,
    &feeds::AtomFeed,
    &feeds::Sitemap,
    &deploy::RobotsTxt,
    &deploy::HeadersFile,
];

/// The origin named for files that the builder makes up rather than copies.
pub const GENERATED: &str = "the site builder";

/// One kind of output: pages, copied assets, a feed, a deploy file.
pub trait OutputStep: Sync {
    /// Adds this step's files to `out`, or the problems that prevent them.
    fn emit(&self, context: &OutputContext, out: &mut Emitter);
}

/// What an output step reads: the loaded site and its rendered pages.
pub struct OutputContext<'a> {
    /// The site root, holding `content/` and `theme/`.
    pub root: &'a Path,
    pub site: &'a Site,
    pub config: &'a SiteConfig,
    pub common: &'a Common<'a>,
    pub templates: &'a Templates,
    pub theme: &'a assets::ThemeAssets,
    /// The demo step's files, under `demo/`.
    pub demo_files: &'a OutputTree,
    /// Each page of `site.pages`, minified, or `None` when it failed to render.
    pub page_files: Vec<Option<&'a SharedBytes>>,
    /// Each page's Markdown as HTML (what feeds quote), or `None` when it failed.
    pub page_contents: Vec<Option<&'a str>>,
    /// The search index over every page, built by the builder, which keeps its per-page documents between builds.
    pub search_index: &'a SharedBytes,
    /// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for "now".
    pub source_date_epoch: Option<OffsetDateTime>,
}

/// Collects the output tree from the steps.
#[derive(Default)]
pub struct Emitter {
    tree: OutputTree,
    /// Who wrote each path, for the error when another step writes it too.
    origins: BTreeMap<String, String>,
    problems: Vec<Diagnostic>,
}

impl Emitter {
    /// Adds the file `path`; `origin` names its source for the author (a file, a step).
    pub fn add(&mut self, path: impl Into<String>, file: OutputFile, origin: impl Into<String>) {
        let (path, origin) = (path.into(), origin.into());
        if let Some(previous) = self.origins.insert(path.clone(), origin.clone()) {
            self.problems.push(Diagnostic::new(
                origin,
                format!("writes /{path}, which {previous} writes too; rename one of them"),
            ));
        }
        self.tree.insert(path, file);
    }

    pub fn problem(&mut self, problem: Diagnostic) {
        self.problems.push(problem);
    }
}

/// Runs every step of [`OUTPUT_STEPS`]: the output tree, and every problem found.
pub fn emit_all(context: &OutputContext) -> (OutputTree, Vec<Diagnostic>) {
    let mut out = Emitter::default();
    for step in OUTPUT_STEPS {
        step.emit(context, &mut out);
    }
    (out.tree, out.problems)
}

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
    let mut minified =
        crate::timing::measure(crate::timing::Phase::Minification, || minify_html::minify(html.as_bytes(), &config));
    // minify-html lower-cases the doctype; keep the spelling the spec uses
    // (in place: the two spellings have the same length).
    const DOCTYPE: &[u8] = b"<!DOCTYPE html>";
    if let Some(doctype) = minified.get_mut(..DOCTYPE.len())
        && doctype == b"<!doctype html>"
    {
        doctype.copy_from_slice(DOCTYPE);
    }
    minified
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
}

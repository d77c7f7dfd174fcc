//! One build of the site, from `content/` and `theme/` to the output directory,
//! and the incremental builder that `serve` keeps alive.
//!
//! A build runs four stages, each in its own place:
//! 1. load ([`load`](self::load)): configuration, templates, theme assets,
//!    content and the demo step, read into the [`SiteBuilder`];
//! 2. render ([`render`](self::render)): every page's Markdown, then its
//!    template (page rendering itself is in [`crate::render`]);
//! 3. output: every step of [`crate::output::OUTPUT_STEPS`] adds its files;
//! 4. link check: every internal link and anchor against that output
//!    ([`crate::content::links::check_output_link`]).
//!
//! Then the output is published ([`crate::output::publish`]) unless it is a dry run.
//!
//! Every stage collects all of its problems before the build gives up, so one
//! run reports every broken link, bad front matter and template error.
//!
//! Incremental rule (serve): the parsed site stays in memory and each page's
//! Markdown and final HTML are cached under a fingerprint of everything they
//! depend on, so a rebuild produces exactly what a fresh build would:
//! - a page's Markdown is re-rendered when its body changes, or when the set of
//!   pages, their URLs or the content assets change (links resolve against them),
//!   or when the demo facts change;
//! - a page's HTML is re-rendered when its Markdown output changes, or when any
//!   page's navigation facts change (title, description, date, weight, URL,
//!   order: every page shows the sidebar, sections list their children and
//!   neighbours show in previous/next links), or the templates, theme assets or
//!   configuration change;
//! - so a body edit re-renders that page only; a title or weight edit
//!   re-renders every page; a template edit re-renders everything; a stylesheet
//!   edit rebuilds that stylesheet and every page (their `<link>` names the new
//!   hash), and is reported as `only_css`;
//! - link checking, the feed, the sitemap and deploy files are recomputed on
//!   every full composition (in serve, the second half of a rebuild; the quick
//!   half checks only the edited pages' links), and only files whose bytes
//!   changed are written.

mod load;
mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;

use crate::config::SiteConfig;
use crate::content::links::{OutputIndex, check_output_link};
use crate::content::{self, PageKind, Site, SourceFile, file_for_url_path};
use crate::demo::{self, DemoState};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::assets::{self, PreparedAssets, ThemeAssets};
use crate::output::precompress::BrotliCache;
use crate::output::publish::{self, PublishError};
use crate::output::{OutputContext, OutputFile, OutputTree, search};
use crate::render::page::PageBody;
use crate::render::{Common, Templates};
use crate::timing::{self, Phase};

/// Part of [`BuildOptions`]; defined by the demo step, which it drives.
pub use crate::demo::DemoMode;

use render::{Bodies, RenderCache, RenderInputs};

#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub demo: DemoMode,
    /// Build everything in memory but write nothing (used by `check`).
    pub dry_run: bool,
}

impl BuildOptions {
    pub fn new(root: PathBuf, output: PathBuf) -> Self {
        Self { root, output, base_url: None, demo: DemoMode::Build, dry_run: false }
    }
    pub fn base_url(mut self, base_url: Option<String>) -> Self {
        self.base_url = base_url;
        self
    }
    pub fn demo(mut self, demo: DemoMode) -> Self {
        self.demo = demo;
        self
    }
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the site has errors; nothing was written.\n{0}")]
    Invalid(Diagnostics),
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// Not a `source`: the message already includes the demo error's, and
    /// reports that print the chain would say it twice.
    #[error("the demo step failed: {0}")]
    Demo(demo::DemoError),
}

impl From<demo::DemoError> for BuildError {
    fn from(error: demo::DemoError) -> Self {
        Self::Demo(error)
    }
}

impl From<Vec<Diagnostic>> for BuildError {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Self::Invalid(Diagnostics::sorted(diagnostics))
    }
}

/// Figures about a successful build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub links_checked: usize,
    /// Why the demo page shows a placeholder, if it does.
    pub demo_placeholder: Option<String>,
    /// The size of the published search index.
    pub search_index_bytes: usize,
}

/// Builds the site into `options.output` (or only checks it, for a dry run).
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut builder = SiteBuilder::new(options.clone())?;
    timing::measure(Phase::Load, || builder.load())?;
    let (tree, report) = builder.compose()?;
    if !options.dry_run {
        timing::measure(Phase::Writes, || publish::publish(&tree, &builder.output))?;
    }
    Ok(report)
}

/// The incremental builder kept alive by `serve`.
pub struct SiteBuilder {
    options: BuildOptions,
    root: PathBuf,
    output: PathBuf,
    // What the load stage read.
    config: Option<SiteConfig>,
    templates: Option<Templates>,
    theme: ThemeAssets,
    /// The theme's assets as last published, kept for the next collection.
    prepared_assets: PreparedAssets,
    demo: DemoState,
    sources: BTreeMap<PathBuf, SourceFile>,
    content_assets: BTreeSet<PathBuf>,
    /// `content/benchmarks.json`, the benchmarks' recorded figures, if the site has it.
    benchmarks: Option<serde_json::Value>,
    source_errors: BTreeMap<PathBuf, Diagnostic>,
    // What the render stage keeps between builds.
    rendered: RenderCache,
    /// The search index's per-page documents and last index, kept between builds.
    search_index: search::IndexCache,
    /// Brotli at quality 11 of the content-hashed files, kept between builds.
    brotli: BrotliCache,
    /// What the last sync wrote (serve only).
    synced: Option<OutputTree>,
    /// The second half of the last serve rebuild, when it is still to do.
    deferred: Option<Deferred>,
}

/// What the quick half of a serve rebuild left out: the pages other than the
/// edited ones, which keep their previous output until then (on a title edit,
/// every page's sidebar), the search index, the other output steps (404 page,
/// feeds, deploy files), the check of the other pages' links, and the removal
/// of stale files.
/// The browser is told about the quick half first, so the edited page reloads
/// (or the stylesheet swaps) without waiting for the rest; when the second half
/// is done the output is byte for byte what a full build makes.
struct Deferred {
    /// The quick half had the browsers swap stylesheets (see [`crate::serve::BuildSummary::after_css_swap`]).
    css_swapped: bool,
}

const CONTENT: &str = content::CONTENT_DIR;
const THEME: &str = "theme";
const TEMPLATES: &str = "templates";
const SITE_CONFIG: &str = "site.toml";

impl SiteBuilder {
    pub fn new(options: BuildOptions) -> Result<Self, BuildError> {
        let output = if options.dry_run {
            options.output.clone()
        } else {
            publish::validate_output_dir(&options.root, &options.output)?
        };
        Ok(Self {
            root: options.root.clone(),
            output,
            options,
            config: None,
            templates: None,
            theme: ThemeAssets::default(),
            prepared_assets: PreparedAssets::default(),
            demo: DemoState::default(),
            sources: BTreeMap::new(),
            content_assets: BTreeSet::new(),
            benchmarks: None,
            source_errors: BTreeMap::new(),
            rendered: RenderCache::default(),
            search_index: search::IndexCache::default(),
            brotli: BrotliCache::default(),
            synced: None,
            deferred: None,
        })
    }

    /// Replaces the demo step's outcome (tests use it to publish fake artefacts).
    pub fn set_demo(&mut self, demo: DemoState) {
        self.demo = demo;
    }

    /// Renders the whole output in memory (the render, output and link check
    /// stages), reusing cached pages whose inputs did not change.
    pub fn compose(&mut self) -> Result<(OutputTree, BuildReport), BuildError> {
        self.compose_scoped(None)
    }

    /// [`SiteBuilder::compose`], or with a `focus` the quick half of a serve
    /// rebuild: only those pages are rendered again, the others and the search
    /// index are taken as they were (see the incremental rule above), and once
    /// a first sync has written the whole output, the tree holds only the
    /// focused pages and the theme's files (see [`Deferred`]).
    fn compose_scoped(&mut self, focus: Option<&BTreeSet<PathBuf>>) -> Result<(OutputTree, BuildReport), BuildError> {
        let mut diagnostics: Vec<Diagnostic> = self.source_errors.values().cloned().collect();
        let (Some(config), Some(templates)) = (self.config.as_ref(), self.templates.as_ref()) else {
            return Err(diagnostics.into());
        };
        let files: Vec<SourceFile> = self.sources.values().cloned().collect();
        let site = match timing::measure(Phase::Load, || {
            content::assemble(files, self.content_assets.clone(), Path::new(CONTENT))
        }) {
            Ok(site) => site,
            Err(errors) => {
                diagnostics.extend(errors);
                return Err(diagnostics.into());
            }
        };
        let source_date_epoch = source_date_epoch().unwrap_or_else(|diagnostic| {
            diagnostics.push(diagnostic);
            None
        });
        let base_path = config.base_path().to_string();
        let demo_files = self.demo.page_file_urls(&base_path);
        let common = Common {
            config,
            base_path: &base_path,
            assets: &self.theme.urls,
            inline_scripts: &self.theme.inline_scripts,
            demo_files: &demo_files,
        };

        let benchmarks = self.benchmarks.as_ref();
        let inputs = RenderInputs { site: &site, config, templates, common: &common, demo: &self.demo, benchmarks };
        let search_index = &mut self.search_index;
        let (failed_bodies, search_index) =
            self.rendered.render(&inputs, focus, &mut diagnostics, |bodies| match (focus, search_index.last()) {
                (Some(_), Some(last)) => Arc::clone(last),
                _ => {
                    timing::measure(Phase::SearchIndex, || search_index.build(&search_pages(&site, bodies, &base_path)))
                }
            });
        let rendered = &self.rendered;
        let (tree, links_checked) = match (focus, self.synced.as_ref()) {
            // The quick half: the focused pages and the theme's files, their
            // links checked against the output as the last sync left it.
            (Some(focus), Some(synced)) => {
                let tree = focused_tree(&site, rendered, focus, &self.theme);
                let exists = |path: &str| tree.contains_key(path) || synced.contains_key(path);
                let links_checked = timing::measure(Phase::LinkCheck, || {
                    check_links(&site, rendered, &failed_bodies, &exists, Some(focus), &mut diagnostics)
                });
                (tree, links_checked)
            }
            _ => {
                let context = OutputContext {
                    root: &self.root,
                    site: &site,
                    config,
                    common: &common,
                    templates,
                    theme: &self.theme,
                    demo_files: &self.demo.files,
                    page_files: site
                        .pages
                        .iter()
                        .map(|page| rendered.page(&page.source).map(|page| &page.html))
                        .collect(),
                    page_contents: site
                        .pages
                        .iter()
                        .map(|page| rendered.body(&page.source).map(|body| body.main.html.as_str()))
                        .collect(),
                    search_index: &search_index,
                    source_date_epoch,
                };
                let (mut tree, problems) = timing::measure(Phase::OtherOutput, || crate::output::emit_all(&context));
                diagnostics.extend(problems);
                // Not in the quick half of a rebuild, whose files keep until this half comes.
                timing::measure(Phase::Precompression, || self.brotli.add_siblings(&mut tree, &self.root));
                let exists = |path: &str| tree.contains_key(path);
                let links_checked = timing::measure(Phase::LinkCheck, || {
                    check_links(&site, rendered, &failed_bodies, &exists, None, &mut diagnostics)
                });
                (tree, links_checked)
            }
        };
        if !diagnostics.is_empty() {
            return Err(diagnostics.into());
        }
        let report = BuildReport {
            pages: site.pages.len(),
            files: tree.len(),
            links_checked,
            demo_placeholder: self.demo.placeholder.clone(),
            search_index_bytes: search_index.len(),
        };
        Ok((tree, report))
    }

    /// Brings the output directory in line with a fresh composition, or with
    /// a `focus`, writes what the quick half of a rebuild changed (see [`Deferred`]).
    fn compose_and_sync(
        &mut self,
        only_css_inputs: bool,
        focus: Option<&BTreeSet<PathBuf>>,
    ) -> Result<crate::serve::BuildSummary, BuildError> {
        let (tree, _) = self.compose_scoped(focus)?;
        let remove_stale = focus.is_none();
        let changed =
            timing::measure(Phase::Writes, || publish::sync(&tree, &self.output, self.synced.as_ref(), remove_stale))?;
        match (&mut self.synced, remove_stale) {
            // A partial tree (the quick half) updates what the last sync wrote.
            (Some(synced), false) => synced.extend(tree),
            (synced, _) => *synced = Some(tree),
        }
        let only_css = only_css_inputs && changed.iter().any(|path| assets::is_hashed_stylesheet(path));
        let changed_urls = changed.iter().map(|path| url_of_output(path)).collect();
        Ok(crate::serve::BuildSummary { changed_urls, only_css, after_css_swap: false })
    }

    /// The first, quick half of a serve rebuild: the edited pages (or, for a
    /// stylesheet edit, only the stylesheet) are written, so the browser can be
    /// told at once; the rest is left to [`Deferred`].
    fn rebuild_quickly(&mut self, changed: &[PathBuf]) -> Result<crate::serve::BuildSummary, BuildError> {
        let applied = timing::measure(Phase::Load, || self.apply_changes(changed))?;
        let summary = self.compose_and_sync(applied.only_css, Some(&applied.edited_pages))?;
        self.deferred = Some(Deferred { css_swapped: summary.only_css });
        Ok(summary)
    }

    /// The second half of a serve rebuild: everything else, as a full build makes it.
    fn finish_deferred(&mut self, deferred: Deferred) -> Result<crate::serve::BuildSummary, BuildError> {
        let mut summary = self.compose_and_sync(false, None)?;
        summary.after_css_swap = deferred.css_swapped;
        Ok(summary)
    }
}

/// The link check stage: every link of every page (or only of the pages in
/// `only`), including those whose Markdown failed, against the output (the
/// paths for which `exists` holds). Returns how many links were checked.
fn check_links(
    site: &Site,
    rendered: &RenderCache,
    failed_bodies: &HashMap<PathBuf, PageBody>,
    exists: &dyn Fn(&str) -> bool,
    only: Option<&BTreeSet<PathBuf>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> usize {
    if only.is_some_and(BTreeSet::is_empty) {
        // A stylesheet edit's quick half: no page to check, so no map of every page's anchors.
        return 0;
    }
    let mut ids = HashMap::new();
    // Paths of pages that failed: they exist, but their anchors are unknown.
    let mut failed_paths = BTreeSet::new();
    for page in &site.pages {
        let path = file_for_url_path(&page.path);
        match rendered.page(&page.source) {
            Some(output) => {
                ids.insert(path, &output.ids);
            }
            None => {
                // A page that failed: its Markdown anchors are the best knowledge of its ids.
                if let Some(body) = failed_bodies.get(&page.source) {
                    ids.insert(path.clone(), &body.main.anchors);
                }
                failed_paths.insert(path);
            }
        }
    }
    let exists = |path: &str| exists(path) || failed_paths.contains(path);
    let output = OutputIndex { exists: &exists, ids };
    let mut links_checked = 0;
    for (index, page) in site.pages.iter().enumerate() {
        if only.is_some_and(|only| !only.contains(&page.source)) {
            continue;
        }
        let Some(body) = rendered.body(&page.source).or_else(|| failed_bodies.get(&page.source)) else {
            continue;
        };
        for link in &body.main.pending_links {
            links_checked += 1;
            if let Err(message) =
                check_output_link(site, index, &link.destination, &link.reference, link.is_image, &output)
            {
                let shown = Path::new(CONTENT).join(&page.source);
                diagnostics.push(Diagnostic::new(shown, message).at(link.line, Some(link.column)));
            }
        }
    }
    links_checked
}

/// What the quick half of a serve rebuild writes: the focused pages that
/// rendered, and the theme's files (a stylesheet edit gives one a new name).
fn focused_tree(site: &Site, rendered: &RenderCache, focus: &BTreeSet<PathBuf>, theme: &ThemeAssets) -> OutputTree {
    let pages = site.pages.iter().filter(|page| focus.contains(&page.source)).filter_map(|page| {
        let output = rendered.page(&page.source)?;
        Some((file_for_url_path(&page.path), OutputFile::Shared(Arc::clone(&output.html))))
    });
    pages.chain(theme.files.iter().map(|(path, file)| (path.clone(), file.clone()))).collect()
}

impl crate::serve::Rebuild for SiteBuilder {
    fn build_all(&mut self) -> Result<crate::serve::BuildSummary, crate::serve::BuildFailure> {
        self.deferred = None;
        timing::measure(Phase::Load, || self.load()).and_then(|()| self.compose_and_sync(false, None)).map_err(failure)
    }
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<crate::serve::BuildSummary, crate::serve::BuildFailure> {
        self.deferred = None;
        if self.config.is_none() || self.templates.is_none() {
            // The last full load failed: start over rather than patch a partial state.
            return self.load_inputs().and_then(|()| self.compose_and_sync(false, None)).map_err(failure);
        }
        self.rebuild_quickly(changed).map_err(|error| {
            // The pages left for later stay as they were; the next rebuild redoes them.
            self.deferred = None;
            failure(error)
        })
    }
    fn finish(&mut self) -> Option<Result<crate::serve::BuildSummary, crate::serve::BuildFailure>> {
        let deferred = self.deferred.take()?;
        Some(self.finish_deferred(deferred).map_err(failure))
    }
    fn watch_paths(&self) -> Vec<PathBuf> {
        vec![self.root.join(CONTENT), self.root.join(THEME)]
    }
    fn output_dir(&self) -> PathBuf {
        self.output.clone()
    }
}

fn failure(error: BuildError) -> crate::serve::BuildFailure {
    crate::serve::BuildFailure { message: error.to_string() }
}

/// `guide/index.html` → `/guide/`; other files keep their path.
fn url_of_output(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(directory) if directory.is_empty() || directory.ends_with('/') => {
            format!("/{directory}")
        }
        _ => format!("/{path}"),
    }
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for "now".
fn source_date_epoch() -> Result<Option<OffsetDateTime>, Diagnostic> {
    let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let value = value.to_string_lossy();
    value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
        .map(Some)
        .ok_or_else(|| {
            Diagnostic::new(
                "SOURCE_DATE_EPOCH",
                format!("`{value}` is not a number of seconds since 1970; set it to e.g. `$(git log -1 --format=%ct)`"),
            )
        })
}

/// Every rendered page, as the search index sees it.
fn search_pages<'a>(site: &'a Site, bodies: &'a Bodies, base_path: &str) -> Vec<search::SearchPage<'a>> {
    site.pages
        .iter()
        .filter_map(|page| {
            let body = bodies.get(&page.source)?;
            let content = if page.kind == PageKind::Deck {
                search::SearchContent::Slides(body.slides.iter().map(|slide| slide.html.as_str()).collect())
            } else {
                search::SearchContent::Sections(&body.main.html)
            };
            Some(search::SearchPage { url: format!("{base_path}{}", page.path), title: &page.front.title, content })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_map_to_urls() {
        assert_eq!(url_of_output("index.html"), "/");
        assert_eq!(url_of_output("guide/index.html"), "/guide/");
        assert_eq!(url_of_output("theme/site.0011aabb.css"), "/theme/site.0011aabb.css");
        assert_eq!(url_of_output("notindex.html"), "/notindex.html");
    }
}

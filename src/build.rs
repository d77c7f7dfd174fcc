//! One build of the site, from `content/` and `theme/` to the output directory,
//! and the incremental builder that `serve` keeps alive.
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
//! - link checking, the feed, the sitemap and deploy files are recomputed every
//!   time (they are cheap), and only files whose bytes changed are written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::config::SiteConfig;
use crate::content::links::Reference;
use crate::content::{self, Diagnostic, Diagnostics, PageKind, Site, SourceFile};
use crate::demo::{self, DemoOutcome};
use crate::markdown::shortcodes::Facts;
use crate::markdown::{self, MarkdownContext, RenderedMarkdown};
use crate::output::assets::{self, ThemeAssets};
use crate::output::publish::{self, PublishError};
use crate::output::{OutputFile, OutputTree, deploy, feeds, file_for_url_path, minify_html, search, vendor};
use crate::render::{self, ChildView, Common, DeckView, NavEntry, PageLink, PageView, SlideView, Templates};

/// What to do about the kernel demo during a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoMode {
    /// Run the kernel build step (cached by a hash of its inputs).
    Build,
    /// Reuse the last demo build, or render an honest placeholder when there is none.
    ReuseLast,
}

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
    #[error("the demo step failed: {0}")]
    Demo(#[from] demo::DemoError),
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
    builder.load()?;
    let (tree, report) = builder.compose()?;
    if !options.dry_run {
        publish::publish(&tree, &builder.output)?;
    }
    Ok(report)
}

/// The demo as the site sees it.
#[derive(Clone, Debug, Default)]
pub struct DemoState {
    pub files: OutputTree,
    pub manifest: Option<serde_json::Value>,
    pub placeholder: Option<String>,
}

impl DemoState {
    /// Publishes the artefacts under `demo/` with their names unchanged, plus the manifest.
    pub fn from_outcome(outcome: DemoOutcome) -> Self {
        match outcome {
            DemoOutcome::Placeholder { reason } => Self { placeholder: Some(reason), ..Self::default() },
            DemoOutcome::Ready(artifacts) => {
                let manifest = serde_json::to_value(&artifacts.manifest).unwrap_or(serde_json::Value::Null);
                let mut files: OutputTree = artifacts
                    .files
                    .iter()
                    .map(|name| (format!("demo/{name}"), OutputFile::Copy(artifacts.dir.join(name))))
                    .collect();
                let mut json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
                json.push('\n');
                files.insert("demo/manifest.json".to_string(), OutputFile::Bytes(json.into_bytes()));
                Self { files, manifest: Some(manifest), placeholder: None }
            }
        }
    }
}

/// A page's Markdown, rendered.
#[derive(Clone, Debug, Default)]
struct PageBody {
    main: RenderedMarkdown,
    slides: Vec<SlideView>,
}

impl PageBody {
    fn pending_links(&self) -> impl Iterator<Item = &markdown::PendingLink> {
        self.main.pending_links.iter()
    }
}

/// A page's final HTML and the anchors it defines.
#[derive(Clone, Debug)]
struct PageOutput {
    html: Vec<u8>,
    ids: BTreeSet<String>,
}

/// The incremental builder kept alive by `serve`.
pub struct SiteBuilder {
    options: BuildOptions,
    root: PathBuf,
    output: PathBuf,
    config: Option<SiteConfig>,
    templates: Option<Templates>,
    theme: ThemeAssets,
    demo: DemoState,
    sources: BTreeMap<PathBuf, SourceFile>,
    content_assets: BTreeSet<PathBuf>,
    source_errors: BTreeMap<PathBuf, Diagnostic>,
    bodies: HashMap<PathBuf, (u64, PageBody)>,
    pages: HashMap<PathBuf, (u64, PageOutput)>,
    /// What the last sync wrote (serve only).
    synced: Option<OutputTree>,
    search_index: search::IndexCache,
}

const CONTENT: &str = "content";
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
            demo: DemoState::default(),
            sources: BTreeMap::new(),
            content_assets: BTreeSet::new(),
            source_errors: BTreeMap::new(),
            bodies: HashMap::new(),
            pages: HashMap::new(),
            synced: None,
            search_index: search::IndexCache::default(),
        })
    }

    /// Replaces the demo step's outcome (tests use it to publish fake artefacts).
    pub fn set_demo(&mut self, demo: DemoState) {
        self.demo = demo;
    }

    /// Reads everything and runs the demo step.
    pub fn load(&mut self) -> Result<(), BuildError> {
        let outcome = demo::prepare(&demo::DemoRequest::new(self.root.clone(), self.options.demo))?;
        self.demo = DemoState::from_outcome(outcome);
        self.load_inputs()
    }

    /// Reads configuration, templates, theme and content (not the demo: see [`SiteBuilder::set_demo`]).
    pub fn load_inputs(&mut self) -> Result<(), BuildError> {
        let mut diagnostics = Vec::new();
        self.reload_config().unwrap_or_else(|diagnostic| diagnostics.push(diagnostic));
        self.reload_templates().unwrap_or_else(|errors| diagnostics.extend(errors));
        self.reload_theme_assets().unwrap_or_else(|errors| diagnostics.extend(errors));
        self.rescan_content();
        if diagnostics.is_empty() { Ok(()) } else { Err(diagnostics.into()) }
    }

    fn reload_config(&mut self) -> Result<(), Diagnostic> {
        let relative = Path::new(CONTENT).join(SITE_CONFIG);
        let config = crate::config::load(&self.root.join(&relative), &relative, self.options.base_url.as_deref())?;
        self.config = Some(config);
        Ok(())
    }

    fn reload_templates(&mut self) -> Result<(), Vec<Diagnostic>> {
        let relative = Path::new(THEME).join(TEMPLATES);
        self.templates = None;
        self.templates = Some(Templates::load(&self.root.join(&relative), &relative)?);
        Ok(())
    }

    fn reload_theme_assets(&mut self) -> Result<(), Vec<Diagnostic>> {
        let base_path = self.config.as_ref().map_or("/", SiteConfig::base_path).to_string();
        let mut generated = vec![("highlight.css".to_string(), crate::highlight::stylesheet().into_bytes())];
        // The vendored browser code: the demo's terminal and the search engine.
        {
            let vendored = vendor::prepare(
                &self.root.join(THEME).join(vendor::VENDOR_DIR),
                &self.root.join("target").join("vendor"),
            )
            .map_err(|error| {
                let file = content::diagnostic::display_path(&self.root, error.file());
                vec![Diagnostic::new(file, error.to_string())]
            })?;
            generated.extend(vendored);
        }
        self.theme = assets::collect(&self.root.join(THEME), Path::new(THEME), &base_path, &generated)?;
        Ok(())
    }

    fn rescan_content(&mut self) {
        let scan = content::scan(&self.root.join(CONTENT), Path::new(CONTENT));
        self.sources = scan.files.into_iter().map(|file| (file.source.clone(), file)).collect();
        self.content_assets = scan.assets;
        self.source_errors = scan
            .problems
            .into_iter()
            .map(|problem| {
                (
                    problem.file.strip_prefix(CONTENT).map(Path::to_path_buf).unwrap_or_else(|_| problem.file.clone()),
                    problem,
                )
            })
            .collect();
    }

    /// Renders the whole output in memory, reusing cached pages whose inputs did not change.
    pub fn compose(&mut self) -> Result<(OutputTree, BuildReport), BuildError> {
        let mut diagnostics: Vec<Diagnostic> = self.source_errors.values().cloned().collect();
        let (Some(config), Some(templates)) = (self.config.as_ref(), self.templates.as_ref()) else {
            return Err(diagnostics.into());
        };
        let files: Vec<SourceFile> = self.sources.values().cloned().collect();
        let site = match content::assemble(files, self.content_assets.clone(), Path::new(CONTENT)) {
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
        let facts = Facts::new(self.demo.manifest.clone());

        // Markdown, for the pages whose inputs changed.
        let markdown_epoch =
            fingerprint(&(link_fingerprint(&site), &base_path, self.demo.manifest.as_ref().map(|m| m.to_string())));
        let markdown_keys: Vec<u64> = site
            .pages
            .iter()
            .map(|page| fingerprint(&(markdown_epoch, &page.body, page.body_first_line, page.kind == PageKind::Deck)))
            .collect();
        let stale: Vec<usize> = (0..site.pages.len())
            .filter(|&index| {
                self.bodies.get(&site.pages[index].source).is_none_or(|(key, _)| *key != markdown_keys[index])
            })
            .collect();
        let rendered: Vec<(usize, (PageBody, Vec<Diagnostic>))> =
            stale.par_iter().map(|&index| (index, render_body(&site, index, &base_path, &facts))).collect();
        // Pages with problems are kept aside (uncached): their links are still checked.
        let mut failed_bodies: HashMap<PathBuf, PageBody> = HashMap::new();
        for (index, (body, problems)) in rendered {
            let source = site.pages[index].source.clone();
            if problems.is_empty() {
                self.bodies.insert(source, (markdown_keys[index], body));
            } else {
                self.bodies.remove(&source);
                failed_bodies.insert(source, body);
                diagnostics.extend(problems);
            }
        }
        // Pages that failed are left out from here on, so that the other pages'
        // template and link errors are reported in the same run.

        // Templates, for the pages whose Markdown or navigation changed.
        let common = Common { config, base_path: &base_path, assets: &self.theme.urls };
        let demo_view = DemoView {
            available: self.demo.manifest.is_some(),
            manifest: self.demo.manifest.as_ref(),
            placeholder: self.demo.placeholder.as_deref(),
        };
        let page_epoch = fingerprint(&(
            nav_fingerprint(&site),
            templates_fingerprint(templates),
            &self.theme.urls,
            toml::to_string(config).unwrap_or_default(),
            self.demo.manifest.as_ref().map(|m| m.to_string()),
            &self.demo.placeholder,
        ));
        let page_keys: Vec<u64> = markdown_keys.iter().map(|key| fingerprint(&(page_epoch, key))).collect();
        let bodies = &self.bodies;
        let stale: Vec<usize> = (0..site.pages.len())
            .filter(|&index| bodies.contains_key(&site.pages[index].source))
            .filter(|&index| self.pages.get(&site.pages[index].source).is_none_or(|(key, _)| *key != page_keys[index]))
            .collect();
        let rendered: Vec<(usize, Result<PageOutput, Diagnostic>)> = stale
            .par_iter()
            .map(|&index| {
                let body = &bodies[&site.pages[index].source].1;
                (index, render_page(&site, index, body, &common, &demo_view, templates))
            })
            .collect();
        for (index, result) in rendered {
            match result {
                Ok(page) => {
                    self.pages.insert(site.pages[index].source.clone(), (page_keys[index], page));
                }
                Err(error) => {
                    self.pages.remove(&site.pages[index].source);
                    diagnostics.push(error);
                }
            }
        }
        let live: BTreeSet<&PathBuf> = site.pages.iter().map(|page| &page.source).collect();
        self.bodies.retain(|source, _| live.contains(source));
        self.pages.retain(|source, _| live.contains(source));

        // Everything else, then the links between it all.
        let mut tree = OutputTree::new();
        let mut origins: BTreeMap<String, String> = BTreeMap::new();
        let mut add = |tree: &mut OutputTree,
                       path: String,
                       file: OutputFile,
                       origin: String,
                       diagnostics: &mut Vec<Diagnostic>| {
            if let Some(previous) = origins.insert(path.clone(), origin.clone()) {
                diagnostics.push(Diagnostic::new(
                    origin,
                    format!("writes /{path}, which {previous} writes too; rename one of them"),
                ));
            }
            tree.insert(path, file);
        };
        let mut ids_by_path: HashMap<String, &BTreeSet<String>> = HashMap::new();
        // Paths of pages that failed: they exist, but their anchors are unknown.
        let mut failed_paths = BTreeSet::new();
        for page in &site.pages {
            let path = file_for_url_path(&page.path);
            let Some((_, output)) = self.pages.get(&page.source).filter(|_| self.bodies.contains_key(&page.source))
            else {
                // A page that failed: its Markdown anchors are the best knowledge of its ids.
                if let Some(body) = failed_bodies.get(&page.source) {
                    ids_by_path.insert(path.clone(), &body.main.anchors);
                }
                failed_paths.insert(path);
                continue;
            };
            ids_by_path.insert(path.clone(), &output.ids);
            add(
                &mut tree,
                path,
                OutputFile::Bytes(output.html.clone()),
                format!("{CONTENT}/{}", page.source.display()),
                &mut diagnostics,
            );
        }
        for asset in &site.assets {
            let path = asset.to_string_lossy().replace('\\', "/");
            add(
                &mut tree,
                path,
                OutputFile::Copy(self.root.join(CONTENT).join(asset)),
                format!("{CONTENT}/{}", asset.display()),
                &mut diagnostics,
            );
        }
        for (path, file) in self.theme.files.iter().chain(&self.demo.files) {
            let origin =
                if path.starts_with("demo/") { "the demo step".to_string() } else { format!("the theme ({path})") };
            add(&mut tree, path.clone(), file.clone(), origin, &mut diagnostics);
        }
        match render_not_found(&site, &common, templates) {
            Ok(html) => add(
                &mut tree,
                "404.html".into(),
                OutputFile::Bytes(html),
                "theme/templates/404.html".into(),
                &mut diagnostics,
            ),
            Err(error) => diagnostics.push(error),
        }
        let entries = feed_entries(&site, config, &self.bodies);
        let fallback_date = source_date_epoch.unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let feed_info = feeds::FeedInfo {
            title: &config.title,
            description: &config.description,
            author: &config.author,
            language: &config.language,
            base_url: &config.base_url,
            feed_url: config.permalink("atom.xml"),
            fallback_date,
        };
        let search_index = self.search_index.build(&search_pages(&site, &self.bodies, &base_path));
        let search_index_bytes = search_index.len();
        add(
            &mut tree,
            search::INDEX_FILE.to_string(),
            OutputFile::Bytes(search_index),
            "the site builder".into(),
            &mut diagnostics,
        );
        let generated = [
            ("atom.xml", feeds::atom(&feed_info, &entries)),
            ("sitemap.xml", feeds::sitemap(&entries)),
            ("robots.txt", deploy::robots_txt(&config.permalink("sitemap.xml"))),
            ("_headers", deploy::headers_file()),
        ];
        for (path, text) in generated {
            add(
                &mut tree,
                path.to_string(),
                OutputFile::Bytes(text.into_bytes()),
                "the site builder".into(),
                &mut diagnostics,
            );
        }

        let mut links_checked = 0;
        let exists = |path: &str| tree.contains_key(path) || failed_paths.contains(path);
        for (index, page) in site.pages.iter().enumerate() {
            let Some(body) =
                self.bodies.get(&page.source).map(|(_, body)| body).or_else(|| failed_bodies.get(&page.source))
            else {
                continue;
            };
            for link in body.pending_links() {
                links_checked += 1;
                if let Err(message) = check_link(&site, index, link, &exists, &ids_by_path) {
                    let shown = Path::new(CONTENT).join(&page.source);
                    diagnostics.push(Diagnostic::new(shown, message).at(link.line, Some(link.column)));
                }
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics.into());
        }
        let report = BuildReport {
            pages: site.pages.len(),
            files: tree.len(),
            links_checked,
            demo_placeholder: self.demo.placeholder.clone(),
            search_index_bytes,
        };
        Ok((tree, report))
    }

    /// Brings the output directory in line with a fresh composition.
    fn compose_and_sync(&mut self, only_css_inputs: bool) -> Result<crate::serve::BuildSummary, BuildError> {
        let (tree, _) = self.compose()?;
        let changed = publish::sync(&tree, &self.output, self.synced.as_ref())?;
        self.synced = Some(tree);
        let only_css = only_css_inputs && changed.iter().any(|path| assets::is_hashed_stylesheet(path));
        let changed_urls = changed.iter().map(|path| url_of_output(path)).collect();
        Ok(crate::serve::BuildSummary { changed_urls, only_css })
    }

    /// Applies changed input files to the in-memory site. Returns whether
    /// every change was to a stylesheet.
    fn apply_changes(&mut self, changed: &[PathBuf]) -> Result<bool, BuildError> {
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        let mut diagnostics = Vec::new();
        let mut only_css = !changed.is_empty();
        let (mut templates, mut theme, mut config, mut rescan) = (false, false, false, false);
        let mut markdown = Vec::new();
        for path in changed {
            let relative = path
                .strip_prefix(&root)
                .or_else(|_| path.strip_prefix(&self.root))
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| path.clone());
            let is_css = relative.extension().is_some_and(|extension| extension == "css");
            if relative.starts_with(Path::new(THEME).join(TEMPLATES)) {
                templates = true;
            } else if relative.starts_with(THEME) {
                theme = true;
            } else if relative == Path::new(CONTENT).join(SITE_CONFIG) {
                config = true;
            } else if let Ok(inside) = relative.strip_prefix(CONTENT) {
                if content::is_ignored_path(inside) {
                    continue;
                }
                if inside.extension().is_some_and(|extension| extension == "md") && self.root.join(&relative).is_file()
                {
                    markdown.push(inside.to_path_buf());
                } else {
                    rescan = true;
                }
            } else {
                continue;
            }
            only_css &=
                is_css && relative.starts_with(THEME) && !relative.starts_with(Path::new(THEME).join(TEMPLATES));
        }
        if config {
            self.reload_config().unwrap_or_else(|diagnostic| diagnostics.push(diagnostic));
            theme = true;
        }
        if templates {
            self.reload_templates().unwrap_or_else(|errors| diagnostics.extend(errors));
        }
        if theme {
            self.reload_theme_assets().unwrap_or_else(|errors| diagnostics.extend(errors));
        }
        if rescan {
            self.rescan_content();
        } else {
            for source in markdown {
                let shown = Path::new(CONTENT).join(&source);
                match content::read_source(&self.root.join(&shown), &shown) {
                    Ok(parsed) => {
                        self.source_errors.remove(&source);
                        self.sources.insert(source.clone(), SourceFile { source, parsed });
                    }
                    Err(error) => {
                        self.sources.remove(&source);
                        self.source_errors.insert(source, error);
                    }
                }
            }
        }
        if diagnostics.is_empty() { Ok(only_css) } else { Err(diagnostics.into()) }
    }
}

impl crate::serve::Rebuild for SiteBuilder {
    fn build_all(&mut self) -> Result<crate::serve::BuildSummary, crate::serve::BuildFailure> {
        self.load().and_then(|()| self.compose_and_sync(false)).map_err(failure)
    }
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<crate::serve::BuildSummary, crate::serve::BuildFailure> {
        if self.config.is_none() || self.templates.is_none() {
            // The last full load failed: start over rather than patch a partial state.
            return self.load_inputs().and_then(|()| self.compose_and_sync(false)).map_err(failure);
        }
        let only_css = self.apply_changes(changed).map_err(failure)?;
        self.compose_and_sync(only_css).map_err(failure)
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

fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What link resolution depends on: which pages exist where, drafts and assets.
fn link_fingerprint(site: &Site) -> u64 {
    fingerprint(&(
        site.pages.iter().map(|page| (&page.source, &page.path)).collect::<Vec<_>>(),
        &site.drafts,
        &site.assets,
    ))
}

/// What navigation (sidebar, listings, previous/next, breadcrumbs) shows.
fn nav_fingerprint(site: &Site) -> u64 {
    let pages: Vec<_> = site
        .pages
        .iter()
        .map(|page| {
            (
                &page.source,
                &page.path,
                &page.front.title,
                &page.front.description,
                page.front.date,
                page.front.weight,
                &page.front.template,
                &page.children,
            )
        })
        .collect();
    fingerprint(&(pages, &site.reading_order))
}

fn templates_fingerprint(templates: &Templates) -> u64 {
    fingerprint(&templates.sources_fingerprint())
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

/// Renders a page's Markdown (each slide's, for decks), with every problem found.
fn render_body(site: &Site, index: usize, base_path: &str, facts: &Facts) -> (PageBody, Vec<Diagnostic>) {
    let page = &site.pages[index];
    let shown_as = Path::new(CONTENT).join(&page.source);
    let context = |first_line| MarkdownContext { site, page: index, base_path, facts, shown_as: &shown_as, first_line };
    if page.kind != PageKind::Deck {
        let (main, problems) = markdown::render_with_problems(&page.body, &context(page.body_first_line));
        return (PageBody { main, slides: Vec::new() }, problems);
    }
    let mut body = PageBody::default();
    let mut problems = Vec::new();
    for (number, slide) in crate::slides::split_deck(&page.body, page.body_first_line).into_iter().enumerate() {
        let (html, slide_problems) = markdown::render_with_problems(&slide.markdown, &context(slide.first_line));
        let notes_first_line = slide.first_line + slide.markdown.lines().count() + 1;
        let (notes, notes_problems) = markdown::render_with_problems(&slide.notes, &context(notes_first_line));
        problems.extend(slide_problems.into_iter().chain(notes_problems));
        let (html, notes_html) = (merge_into(&mut body.main, html), merge_into(&mut body.main, notes));
        if body.main.live_demos > 1 {
            body.main.live_demos = 1;
            problems.push(
                Diagnostic::new(&shown_as, "`{{ demo() }}` appears on more than one slide: a deck is one page and runs one kernel, so embed the demo once")
                    .at(slide.first_line, None),
            );
        }
        body.slides.push(SlideView { index: number + 1, html, notes_html });
    }
    (body, problems)
}

/// Adds a slide's links and anchors to the deck's, returning the slide's HTML.
fn merge_into(deck: &mut RenderedMarkdown, part: RenderedMarkdown) -> String {
    deck.anchors.extend(part.anchors);
    deck.pending_links.extend(part.pending_links);
    deck.assets_used.extend(part.assets_used);
    deck.live_demos += part.live_demos;
    part.html
}

#[derive(Serialize)]
struct DemoView<'a> {
    available: bool,
    manifest: Option<&'a serde_json::Value>,
    placeholder: Option<&'a str>,
}

/// The sidebar as seen from one page: every top-level entry, with the
/// children of the sections on the way to the current page expanded. (A fully
/// expanded tree on every page would make the output grow with the square of
/// the number of pages.)
fn sidebar(site: &Site, base_path: &str, current: Option<usize>) -> Vec<NavEntry> {
    let mut open = BTreeSet::new();
    let mut cursor = current;
    while let Some(index) = cursor {
        open.insert(index);
        cursor = site.pages[index].parent;
    }
    let entries = |parent: usize| -> Vec<usize> {
        site.pages[parent].children.iter().copied().filter(|&child| site.pages[child].kind != PageKind::Deck).collect()
    };
    fn build(
        site: &Site,
        base_path: &str,
        open: &BTreeSet<usize>,
        indices: Vec<usize>,
        entries: &dyn Fn(usize) -> Vec<usize>,
    ) -> Vec<NavEntry> {
        indices
            .into_iter()
            .map(|index| {
                let page = &site.pages[index];
                let children = if open.contains(&index) {
                    build(site, base_path, open, entries(index), entries)
                } else {
                    Vec::new()
                };
                NavEntry {
                    title: page.front.title.clone(),
                    url: format!("{base_path}{}", page.path),
                    kind: page.kind,
                    children,
                }
            })
            .collect()
    }
    if site.pages.is_empty() { Vec::new() } else { build(site, base_path, &open, entries(0), &entries) }
}

fn page_link(site: &Site, index: usize, base_path: &str) -> PageLink {
    PageLink { title: site.pages[index].front.title.clone(), url: format!("{base_path}{}", site.pages[index].path) }
}

fn default_template(site: &Site, index: usize) -> &'static str {
    match site.pages[index].kind {
        PageKind::Section if index == 0 => "index.html",
        PageKind::Section => "section.html",
        PageKind::Page => "page.html",
        PageKind::Deck => "slides.html",
    }
}

fn render_page(
    site: &Site,
    index: usize,
    body: &PageBody,
    common: &Common,
    demo: &DemoView,
    templates: &Templates,
) -> Result<PageOutput, Diagnostic> {
    let page = &site.pages[index];
    let base_path = common.base_path;
    let shown = Path::new(CONTENT).join(&page.source);
    let template = page.front.template.as_deref().unwrap_or_else(|| default_template(site, index));
    if !templates.has(template) {
        return Err(Diagnostic::new(&shown, format!("template `{template}` does not exist in theme/templates/")));
    }
    let url = format!("{base_path}{}", page.path);
    let html = if page.kind == PageKind::Deck {
        let deck = DeckView {
            title: &page.front.title,
            description: &page.front.description,
            url,
            has_demo: body.main.live_demos > 0,
        };
        render::context(common, serde_json::json!({ "deck": deck, "slides": body.slides, "demo": demo, "sidebar": sidebar(site, base_path, Some(index)) }))
            .and_then(|context| templates.render(template, &context))?
    } else {
        let position = site.reading_order.iter().position(|&candidate| candidate == index);
        let prev = position
            .and_then(|position| position.checked_sub(1))
            .map(|before| page_link(site, site.reading_order[before], base_path));
        let next = position
            .and_then(|position| site.reading_order.get(position + 1))
            .map(|&after| page_link(site, after, base_path));
        let mut ancestors = Vec::new();
        let mut parent = page.parent;
        while let Some(section) = parent {
            ancestors.push(page_link(site, section, base_path));
            parent = site.pages[section].parent;
        }
        ancestors.reverse();
        let children: Vec<ChildView> = page
            .children
            .iter()
            .map(|&child| {
                let child_page = &site.pages[child];
                ChildView {
                    title: child_page.front.title.clone(),
                    url: format!("{base_path}{}", child_page.path),
                    description: child_page.front.description.clone(),
                    date: child_page.front.date.as_ref().map(render::iso_date),
                    kind: child_page.kind,
                }
            })
            .collect();
        let config = common.config;
        let view = PageView {
            title: &page.front.title,
            description: &page.front.description,
            permalink: config.permalink(&page.path),
            url,
            date: page.front.date.as_ref().map(render::iso_date),
            kind: page.kind,
            content: &body.main.html,
            toc: &body.main.toc,
            source: page.source.to_string_lossy().replace('\\', "/"),
            has_demo: body.main.live_demos > 0,
        };
        let specific = serde_json::json!({
            "page": view, "prev": prev, "next": next, "ancestors": ancestors, "children": children, "demo": demo,
            "sidebar": sidebar(site, base_path, Some(index)),
        });
        render::context(common, specific).and_then(|context| templates.render(template, &context))?
    };
    Ok(PageOutput { ids: element_ids(&html), html: minify_html(&html) })
}

fn render_not_found(site: &Site, common: &Common, templates: &Templates) -> Result<Vec<u8>, Diagnostic> {
    let specific = serde_json::json!({
        "page": { "title": "Page not found", "url": format!("{}404.html", common.base_path), "description": "", "toc": [], "content": "" },
        "sidebar": sidebar(site, common.base_path, None),
    });
    let html = render::context(common, specific).and_then(|context| templates.render("404.html", &context))?;
    Ok(minify_html(&html))
}

/// Every `id="..."` in a page: what `#anchor` links may point at.
fn element_ids(html: &str) -> BTreeSet<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id.replace("&amp;", "&")))
        .collect()
}

/// Every rendered page, as the search index sees it.
fn search_pages<'a>(
    site: &'a Site,
    bodies: &'a HashMap<PathBuf, (u64, PageBody)>,
    base_path: &str,
) -> Vec<search::SearchPage<'a>> {
    site.pages
        .iter()
        .filter_map(|page| {
            let body = &bodies.get(&page.source)?.1;
            let content = if page.kind == PageKind::Deck {
                search::SearchContent::Slides(body.slides.iter().map(|slide| slide.html.as_str()).collect())
            } else {
                search::SearchContent::Sections(&body.main.html)
            };
            Some(search::SearchPage { url: format!("{base_path}{}", page.path), title: &page.front.title, content })
        })
        .collect()
}

fn feed_entries<'a>(
    site: &'a Site,
    config: &SiteConfig,
    bodies: &'a HashMap<PathBuf, (u64, PageBody)>,
) -> Vec<feeds::FeedEntry<'a>> {
    site.pages
        .iter()
        .filter(|page| page.kind != PageKind::Section)
        .filter_map(|page| {
            Some(feeds::FeedEntry {
                title: &page.front.title,
                permalink: config.permalink(&page.path),
                description: &page.front.description,
                date: page.front.date,
                content_html: &bodies.get(&page.source)?.1.main.html,
            })
        })
        .collect()
}

/// Checks a link that needed the whole output: the target file exists, and so does its anchor.
fn check_link(
    site: &Site,
    from: usize,
    link: &markdown::PendingLink,
    exists: &dyn Fn(&str) -> bool,
    ids: &HashMap<String, &BTreeSet<String>>,
) -> Result<(), String> {
    let kind = if link.is_image { "missing image" } else { "broken link" };
    let (path, anchor) = match &link.reference {
        Reference::Page { index, anchor } => (file_for_url_path(&site.pages[*index].path), anchor),
        Reference::Output { path, anchor } => {
            let candidates = [file_for_url_path(path), format!("{path}/index.html")];
            match candidates.into_iter().find(|candidate| exists(candidate)) {
                Some(found) => (found, anchor),
                None => {
                    return Err(format!(
                        "{kind}: `{}` points to /{path}, which the site does not contain",
                        link.destination
                    ));
                }
            }
        }
        Reference::Asset(_) | Reference::External => return Ok(()),
    };
    let Some(anchor) = anchor.as_deref().filter(|anchor| !anchor.is_empty()) else {
        return Ok(());
    };
    let anchor = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
    match ids.get(&path) {
        Some(ids) if !ids.contains(anchor.as_ref()) => {
            let target = if path == file_for_url_path(&site.pages[from].path) {
                "this page".to_string()
            } else {
                format!("/{}", path.trim_end_matches("index.html"))
            };
            Err(format!("{kind}: `{}`: {target} has no anchor `#{anchor}`", link.destination))
        }
        _ => Ok(()),
    }
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

    #[test]
    fn element_ids_are_collected() {
        let ids = element_ids("<h2 id=\"a\">x</h2><p id=\"b&amp;c\" data-id=\"no\"></p>");
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["a", "b&c"]);
    }
}

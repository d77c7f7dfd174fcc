//! The render stage: every page's Markdown, then its template, each redone
//! only when a fingerprint of its inputs changed (see the incremental rule in
//! the parent module).

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{CONTENT_DIR, PageKind, Site};
use crate::demo::DemoState;
use crate::diagnostic::Diagnostic;
use crate::markdown::shortcodes::Facts;
use crate::output::SharedBytes;
use crate::render::page::{DemoView, PageBody, render_body, render_page};
use crate::render::sidebar::SidebarCache;
use crate::render::{Common, Templates};
use crate::timing::{self, Phase};

/// A page's final HTML and the anchors it defines.
#[derive(Clone, Debug)]
pub(super) struct PageOutput {
    pub html: SharedBytes,
    pub ids: BTreeSet<String>,
}

/// What the render stage reads.
pub(super) struct RenderInputs<'a> {
    pub site: &'a Site,
    pub config: &'a SiteConfig,
    pub templates: &'a Templates,
    pub common: &'a Common<'a>,
    pub demo: &'a DemoState,
    /// The benchmarks' recorded figures (`content/benchmarks.json`), if the site has them.
    pub benchmarks: Option<&'a serde_json::Value>,
}

/// Rendered pages kept from one build to the next, each under a fingerprint
/// of everything it depends on.
#[derive(Default)]
pub(super) struct RenderCache {
    bodies: Bodies,
    pages: HashMap<PathBuf, (u64, PageOutput)>,
    /// Sidebars, kept while the pages' navigation and templates stay the same.
    sidebars: SidebarCache,
}

/// Each page's rendered Markdown, by source, under its fingerprint.
#[derive(Default)]
pub(super) struct Bodies(HashMap<PathBuf, (u64, PageBody)>);

impl Bodies {
    /// The rendered Markdown of a page that has no problems.
    pub fn get(&self, source: &Path) -> Option<&PageBody> {
        self.0.get(source).map(|(_, body)| body)
    }
}

impl RenderCache {
    /// The rendered Markdown of a page that has no problems.
    pub fn body(&self, source: &Path) -> Option<&PageBody> {
        self.bodies.get(source)
    }

    /// The final HTML of a page whose Markdown and template both rendered.
    pub fn page(&self, source: &Path) -> Option<&PageOutput> {
        self.pages.get(source).filter(|_| self.bodies.0.contains_key(source)).map(|(_, page)| page)
    }

    /// Renders what changed; with a `focus`, only those pages (by source), the
    /// others keeping their last output even if it is out of date. Problems go
    /// to `diagnostics`; the pages whose Markdown failed are returned
    /// (uncached) so that their links are still checked.
    ///
    /// `alongside` runs on the rendered Markdown while the templates render,
    /// on the other core (the search index is built so; with a `focus`, all on
    /// this thread), and its result is returned.
    pub fn render<R: Send>(
        &mut self,
        inputs: &RenderInputs,
        focus: Option<&BTreeSet<PathBuf>>,
        diagnostics: &mut Vec<Diagnostic>,
        alongside: impl FnOnce(&Bodies) -> R + Send,
    ) -> (HashMap<PathBuf, PageBody>, R) {
        let in_focus = Focus(focus);
        let live: BTreeSet<&PathBuf> = inputs.site.pages.iter().map(|page| &page.source).collect();
        // Hashing every page's Markdown is a measurable part of a one-page rebuild: once.
        let markdown_keys = markdown_keys(inputs);
        let failed_bodies = self.render_markdown(inputs, &markdown_keys, &in_focus, diagnostics);
        self.bodies.0.retain(|source, _| live.contains(source));
        self.pages.retain(|source, _| live.contains(source));
        // Pages that failed are left out from here on, so that the other pages'
        // template and link errors are reported in the same run.
        let Self { bodies, pages, sidebars } = self;
        let bodies = &*bodies;
        let mut templates =
            || render_templates(inputs, &markdown_keys, &in_focus, bodies, pages, sidebars, diagnostics);
        let ((), result) = if in_focus.parallel() {
            rayon::join(templates, || alongside(bodies))
        } else {
            (templates(), alongside(bodies))
        };
        (failed_bodies, result)
    }

    /// Markdown, for the pages whose inputs changed.
    fn render_markdown(
        &mut self,
        inputs: &RenderInputs,
        keys: &[u64],
        in_focus: &Focus,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> HashMap<PathBuf, PageBody> {
        let (site, base_path) = (inputs.site, inputs.common.base_path);
        let facts = Facts::new(inputs.demo.manifest.clone()).with_benchmarks(inputs.benchmarks.cloned());
        let stale: Vec<usize> = (0..site.pages.len())
            .filter(|&index| in_focus.contains(&site.pages[index].source))
            .filter(|&index| self.bodies.0.get(&site.pages[index].source).is_none_or(|(key, _)| *key != keys[index]))
            .collect();
        let rendered = map_pages(&stale, in_focus.parallel(), |index| {
            let shown_as = Path::new(CONTENT_DIR).join(&site.pages[index].source);
            timing::measure(Phase::Markdown, || render_body(site, index, base_path, &facts, &shown_as))
        });
        let mut failed_bodies = HashMap::new();
        for (index, (body, problems)) in rendered {
            let source = site.pages[index].source.clone();
            if problems.is_empty() {
                self.bodies.0.insert(source, (keys[index], body));
            } else {
                self.bodies.0.remove(&source);
                failed_bodies.insert(source, body);
                diagnostics.extend(problems);
            }
        }
        failed_bodies
    }
}

/// The pages a render may touch: all of them, or (the quick half of a serve
/// rebuild) only those named.
#[derive(Clone, Copy)]
struct Focus<'a>(Option<&'a BTreeSet<PathBuf>>);

impl Focus<'_> {
    fn contains(&self, source: &PathBuf) -> bool {
        self.0.is_none_or(|focus| focus.contains(source))
    }

    /// Whether to render on both cores: not for a focus (a page or two),
    /// whose hand-off to the thread pool cost more than the rendering itself
    /// on a busy machine (waking its threads took milliseconds).
    fn parallel(&self) -> bool {
        self.0.is_none()
    }
}

/// `render` of each of `indices`, on both cores or on this thread.
fn map_pages<T: Send>(indices: &[usize], parallel: bool, render: impl Fn(usize) -> T + Sync) -> Vec<(usize, T)> {
    if parallel {
        indices.par_iter().map(|&index| (index, render(index))).collect()
    } else {
        indices.iter().map(|&index| (index, render(index))).collect()
    }
}

/// Templates, for the pages whose Markdown or navigation changed.
fn render_templates(
    inputs: &RenderInputs,
    markdown_keys: &[u64],
    in_focus: &Focus,
    bodies: &Bodies,
    pages: &mut HashMap<PathBuf, (u64, PageOutput)>,
    sidebars: &mut SidebarCache,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (site, demo) = (inputs.site, inputs.demo);
    let demo_view = DemoView {
        available: demo.manifest.is_some(),
        manifest: demo.manifest.as_ref(),
        placeholder: demo.placeholder.as_deref(),
    };
    let page_epoch = fingerprint(&(
        nav_fingerprint(site),
        fingerprint(&inputs.templates.sources_fingerprint()),
        inputs.common.assets,
        inputs.common.inline_scripts,
        // Every field, with no fallback that could hide a change.
        format!("{:?}", inputs.config),
        demo.manifest.as_ref().map(|m| m.to_string()),
        &demo.placeholder,
    ));
    sidebars.renew(page_epoch);
    let sidebars = &*sidebars;
    let keys: Vec<u64> = markdown_keys.iter().map(|key| fingerprint(&(page_epoch, key))).collect();
    let stale: Vec<usize> = (0..site.pages.len())
        .filter(|&index| {
            bodies.0.contains_key(&site.pages[index].source) && in_focus.contains(&site.pages[index].source)
        })
        .filter(|&index| pages.get(&site.pages[index].source).is_none_or(|(key, _)| *key != keys[index]))
        .collect();
    // The few pages of a quick rebuild do not wait for a new sidebar to be prepared.
    let prepare = in_focus.parallel();
    let rendered = map_pages(&stale, in_focus.parallel(), |index| {
        let body = &bodies.0[&site.pages[index].source].1;
        let shown_as = Path::new(CONTENT_DIR).join(&site.pages[index].source);
        let page = timing::measure(Phase::Templates, || {
            render_page(site, index, body, inputs.common, &demo_view, inputs.templates, sidebars, prepare, &shown_as)
        });
        page.map(|page| PageOutput { ids: page.ids, html: Arc::new(page.html) })
    });
    for (index, result) in rendered {
        match result {
            Ok(page) => {
                pages.insert(site.pages[index].source.clone(), (keys[index], page));
            }
            Err(error) => {
                pages.remove(&site.pages[index].source);
                diagnostics.push(error);
            }
        }
    }
}

/// Each page's Markdown fingerprint: its body, and what link resolution and shortcodes read.
fn markdown_keys(inputs: &RenderInputs) -> Vec<u64> {
    let site = inputs.site;
    let epoch = fingerprint(&(
        link_fingerprint(site),
        inputs.common.base_path,
        inputs.demo.manifest.as_ref().map(|m| m.to_string()),
        inputs.benchmarks.map(|figures| figures.to_string()),
    ));
    site.pages
        .iter()
        .map(|page| fingerprint(&(epoch, page.body_hash, page.body_first_line, page.kind == PageKind::Deck)))
        .collect()
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

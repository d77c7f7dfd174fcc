//! One page, from its Markdown to the HTML its template makes of it.

use std::path::Path;

use serde::Serialize;

use crate::content::{PageKind, Site};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, MarkdownContext, RenderedMarkdown, shortcodes::Facts};

use super::navigation::{ancestors, children, prev_next, sidebar};
use super::sidebar::{PageRender, RenderedPage, SIDEBAR_TEMPLATE, SidebarCache};
use super::{Common, DeckView, NavEntry, PageView, SlideView, Templates};

/// A page's Markdown, rendered: the whole page, or for a deck every slide
/// (with `main` gathering the slides' anchors, links and demos).
#[derive(Clone, Debug, Default)]
pub struct PageBody {
    pub main: RenderedMarkdown,
    pub slides: Vec<SlideView>,
}

/// The live demo as templates see it.
#[derive(Serialize)]
pub struct DemoView<'a> {
    pub available: bool,
    pub manifest: Option<&'a serde_json::Value>,
    pub placeholder: Option<&'a str>,
}

/// Renders a page's Markdown (each slide's, for decks), with every problem
/// found; `shown_as` is the page's file as the author knows it.
pub fn render_body(
    site: &Site,
    index: usize,
    base_path: &str,
    facts: &Facts,
    shown_as: &Path,
) -> (PageBody, Vec<Diagnostic>) {
    let page = &site.pages[index];
    let context = |first_line| MarkdownContext { site, page: index, base_path, facts, shown_as, first_line };
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
                Diagnostic::new(shown_as, "`{{ demo() }}` appears on more than one slide: a deck is one page and runs one kernel, so embed the demo once")
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

fn default_template(site: &Site, index: usize) -> &'static str {
    match site.pages[index].kind {
        PageKind::Section if index == 0 => "index.html",
        PageKind::Section => "section.html",
        PageKind::Page => "page.html",
        PageKind::Deck => "slides.html",
    }
}

/// Renders page `index` with its template, minified, its sidebar from
/// `sidebars` (see [`SidebarCache::render`] for `prepare`).
#[allow(clippy::too_many_arguments, reason = "the render stage's inputs, each needed")]
pub fn render_page(
    site: &Site,
    index: usize,
    body: &PageBody,
    common: &Common,
    demo: &DemoView,
    templates: &Templates,
    sidebars: &SidebarCache,
    prepare: bool,
    shown_as: &Path,
) -> Result<RenderedPage, Diagnostic> {
    let page = &site.pages[index];
    let base_path = common.base_path;
    let template = page.front.template.as_deref().unwrap_or_else(|| default_template(site, index));
    if !templates.has(template) {
        return Err(Diagnostic::new(shown_as, format!("template `{template}` does not exist in theme/templates/")));
    }
    let url = format!("{base_path}{}", page.path);
    let specific = if page.kind == PageKind::Deck {
        let deck = DeckView {
            title: &page.front.title,
            description: &page.front.description,
            url: url.clone(),
            has_demo: body.main.live_demos > 0,
        };
        serde_json::json!({ "deck": deck, "slides": body.slides, "demo": demo })
    } else {
        let (prev, next) = prev_next(site, index, base_path);
        let view = PageView {
            title: &page.front.title,
            description: &page.front.description,
            permalink: common.config.permalink(&page.path),
            url: url.clone(),
            date: page.front.date.as_ref().map(super::iso_date),
            kind: page.kind,
            content: &body.main.html,
            toc: &body.main.toc,
            source: page.source.to_string_lossy().replace('\\', "/"),
            has_demo: body.main.live_demos > 0,
        };
        serde_json::json!({
            "page": view, "prev": prev, "next": next, "ancestors": ancestors(site, index, base_path),
            "children": children(site, index, base_path), "demo": demo,
        })
    };
    render_with_sidebar(site, Some(index), &url, common, templates, template, specific, sidebars, prepare)
}

/// Renders `404.html`, minified.
pub fn render_not_found(site: &Site, common: &Common, templates: &Templates) -> Result<RenderedPage, Diagnostic> {
    let url = format!("{}404.html", common.base_path);
    let specific = serde_json::json!({
        "page": { "title": "Page not found", "url": url, "description": "", "toc": [], "content": "" },
    });
    render_with_sidebar(site, None, &url, common, templates, "404.html", specific, &SidebarCache::default(), false)
}

/// Renders `template` with the `specific` context and the sidebar as seen
/// from page `current` (at `url`), given to it as `sidebar_html`.
#[allow(clippy::too_many_arguments, reason = "the render stage's inputs, each needed")]
fn render_with_sidebar(
    site: &Site,
    current: Option<usize>,
    url: &str,
    common: &Common,
    templates: &Templates,
    template: &str,
    specific: serde_json::Value,
    sidebars: &SidebarCache,
    prepare_new_trees: bool,
) -> Result<RenderedPage, Diagnostic> {
    let context = super::context(common, specific)?;
    let tree = sidebar(site, common.base_path, current);
    let sidebar = |tree: &[NavEntry], current: &str| {
        let context = super::context(common, serde_json::json!({ "sidebar": tree, "current": current }))?;
        templates.render(SIDEBAR_TEMPLATE, &context)
    };
    let page = |sidebar_html: &str| {
        let mut context = context.clone();
        context.insert("sidebar_html", sidebar_html);
        templates.render(template, &context)
    };
    sidebars
        .render(&PageRender { template, tree: &tree, current: url, sidebar: &sidebar, page: &page }, prepare_new_trees)
}

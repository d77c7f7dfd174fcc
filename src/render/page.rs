//! One page, from its Markdown to the HTML its template makes of it.

use std::path::Path;

use serde::Serialize;

use crate::content::{PageKind, Site};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, MarkdownContext, RenderedMarkdown, shortcodes::Facts};

use super::navigation::{ancestors, children, prev_next, sidebar};
use super::{Common, DeckView, PageView, SlideView, Templates};

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

/// Renders page `index` with its template (unminified HTML).
pub fn render_page(
    site: &Site,
    index: usize,
    body: &PageBody,
    common: &Common,
    demo: &DemoView,
    templates: &Templates,
    shown_as: &Path,
) -> Result<String, Diagnostic> {
    let page = &site.pages[index];
    let base_path = common.base_path;
    let template = page.front.template.as_deref().unwrap_or_else(|| default_template(site, index));
    if !templates.has(template) {
        return Err(Diagnostic::new(shown_as, format!("template `{template}` does not exist in theme/templates/")));
    }
    let url = format!("{base_path}{}", page.path);
    if page.kind == PageKind::Deck {
        let deck = DeckView {
            title: &page.front.title,
            description: &page.front.description,
            url,
            has_demo: body.main.live_demos > 0,
        };
        return super::context(common, serde_json::json!({ "deck": deck, "slides": body.slides, "demo": demo, "sidebar": sidebar(site, base_path, Some(index)) }))
            .and_then(|context| templates.render(template, &context));
    }
    let (prev, next) = prev_next(site, index, base_path);
    let view = PageView {
        title: &page.front.title,
        description: &page.front.description,
        permalink: common.config.permalink(&page.path),
        url,
        date: page.front.date.as_ref().map(super::iso_date),
        kind: page.kind,
        content: &body.main.html,
        toc: &body.main.toc,
        source: page.source.to_string_lossy().replace('\\', "/"),
        has_demo: body.main.live_demos > 0,
    };
    let specific = serde_json::json!({
        "page": view, "prev": prev, "next": next, "ancestors": ancestors(site, index, base_path),
        "children": children(site, index, base_path), "demo": demo,
        "sidebar": sidebar(site, base_path, Some(index)),
    });
    super::context(common, specific).and_then(|context| templates.render(template, &context))
}

/// Renders `404.html` (unminified HTML).
pub fn render_not_found(site: &Site, common: &Common, templates: &Templates) -> Result<String, Diagnostic> {
    let specific = serde_json::json!({
        "page": { "title": "Page not found", "url": format!("{}404.html", common.base_path), "description": "", "toc": [], "content": "" },
        "sidebar": sidebar(site, common.base_path, None),
    });
    super::context(common, specific).and_then(|context| templates.render("404.html", &context))
}

//! Markdown to HTML: shortcodes, headings with stable anchors, a table of
//! contents, highlighted code blocks, and links rewritten to page URLs.

pub mod boot_timeline;
pub mod shortcodes;

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::content::Site;
use crate::content::links::{self, Reference};
use crate::content::slug::AnchorSet;
use crate::diagnostic::Diagnostic;
use crate::html::escape;
use crate::timing::{self, Phase};
use shortcodes::{Args, Facts, Found};

/// Everything a page's Markdown needs from the rest of the site.
pub struct MarkdownContext<'a> {
    pub site: &'a Site,
    /// The page being rendered (index into `site.pages`).
    pub page: usize,
    /// The base URL's path, `/` or `/repo/`.
    pub base_path: &'a str,
    pub facts: &'a Facts,
    /// The file as named in messages, e.g. `content/guide/intro.md`.
    pub shown_as: &'a Path,
    /// The file line on which `markdown` starts.
    pub first_line: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link whose target can only be checked once every page is rendered.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingLink {
    pub line: usize,
    pub column: usize,
    pub destination: String,
    pub reference: Reference,
    pub is_image: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderedMarkdown {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every anchor (`id`) the HTML defines: headings and footnotes.
    pub anchors: BTreeSet<String>,
    pub pending_links: Vec<PendingLink>,
    /// Content assets the page uses (relative to `content/`).
    pub assets_used: BTreeSet<std::path::PathBuf>,
    /// How many live demos (`{{ demo() }}` with a built kernel) the HTML embeds.
    pub live_demos: usize,
}

const TOC_LEVELS: std::ops::RangeInclusive<u8> = 2..=4;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders one Markdown text. All problems are returned at once.
pub fn render(markdown: &str, context: &MarkdownContext) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
    match render_with_problems(markdown, context) {
        (rendered, problems) if problems.is_empty() => Ok(rendered),
        (_, problems) => Err(problems),
    }
}

/// Renders as much as possible even when there are problems, so that the
/// links of a page with errors can still be checked in the same run.
pub fn render_with_problems(markdown: &str, context: &MarkdownContext) -> (RenderedMarkdown, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut rendered = RenderedMarkdown::default();
    let expanded = expand_shortcodes(markdown, context, &mut rendered, &mut diagnostics);
    let locate = |offset: usize| {
        let original = expanded.original_offset(offset);
        let (line, column) = crate::diagnostic::line_and_column(markdown, original);
        (context.first_line + line - 1, column)
    };
    let error_at = |offset: usize, message: String| {
        let (line, column) = locate(offset);
        Diagnostic::new(context.shown_as, message).at(line, Some(column))
    };

    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(&expanded.text, options()).into_offset_iter().collect();
    let mut anchors = AnchorSet::default();
    for (event, range) in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event
            && !anchors.reserve(id)
        {
            diagnostics.push(error_at(range.start, format!("duplicate heading id `{{#{id}}}` on this page")));
        }
    }

    let mut output: Vec<Event> = Vec::with_capacity(events.len());
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                index += 1;
                while let Some((event, _)) = events.get(index) {
                    match event {
                        Event::Text(text) => code.push_str(text),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                    index += 1;
                }
                match timing::measure(Phase::Highlighting, || crate::highlight::highlight_fence(&info, &code)) {
                    Ok(html) => output.push(Event::Html(CowStr::from(html))),
                    Err(error) => diagnostics.push(error_at(range.start, format!("code block: {error}"))),
                }
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let end = events[index..]
                    .iter()
                    .position(|(event, _)| matches!(event, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |offset| index + offset);
                let inner: Vec<Event> = events[index + 1..end]
                    .iter()
                    .map(|(event, range)| {
                        rewrite_link(event.clone(), range, context, &mut rendered, &mut diagnostics, &error_at)
                    })
                    .collect();
                let title: String = inner
                    .iter()
                    .filter_map(|event| match event {
                        Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                        _ => None,
                    })
                    .collect();
                let anchor = match id {
                    Some(id) => id.to_string(),
                    None => anchors.unique(&title),
                };
                let level_number = heading_number(*level);
                let mut inner_html = String::new();
                pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                let class_attribute = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape(&classes.join(" ")))
                };
                let extra: String = attrs
                    .iter()
                    .map(|(key, value)| match value {
                        Some(value) => format!(" {}=\"{}\"", escape(key), escape(value)),
                        None => format!(" {}", escape(key)),
                    })
                    .collect();
                output.push(Event::Html(CowStr::from(format!(
                    "<h{level_number} id=\"{id}\"{class_attribute}{extra}>{inner_html}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level_number}>\n",
                    id = escape(&anchor)
                ))));
                rendered.anchors.insert(anchor.clone());
                headings.push((level_number, anchor, title));
                index = end;
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                rendered.anchors.insert(name.to_string());
                output.push(event.clone());
            }
            _ => output.push(rewrite_link(event.clone(), range, context, &mut rendered, &mut diagnostics, &error_at)),
        }
        index += 1;
    }
    pulldown_cmark::html::push_html(&mut rendered.html, output.into_iter());
    rendered.toc = build_toc(&headings);
    (rendered, diagnostics)
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Resolves a link or image destination to its URL, recording what must be checked later.
fn rewrite_link<'e>(
    event: Event<'e>,
    range: &Range<usize>,
    context: &MarkdownContext,
    rendered: &mut RenderedMarkdown,
    diagnostics: &mut Vec<Diagnostic>,
    error_at: &dyn Fn(usize, String) -> Diagnostic,
) -> Event<'e> {
    let (tag, is_image) = match event {
        Event::Start(tag @ Tag::Link { .. }) => (tag, false),
        Event::Start(tag @ Tag::Image { .. }) => (tag, true),
        other => return other,
    };
    let (Tag::Link { link_type, dest_url, title, id } | Tag::Image { link_type, dest_url, title, id }) = tag else {
        unreachable!()
    };
    let rebuild = |dest_url: CowStr<'e>| {
        Event::Start(if is_image {
            Tag::Image { link_type, dest_url, title, id }
        } else {
            Tag::Link { link_type, dest_url, title, id }
        })
    };
    if matches!(link_type, LinkType::Email | LinkType::Autolink) {
        return rebuild(dest_url);
    }
    match links::resolve(context.site, context.page, &dest_url) {
        Ok(Reference::External) => rebuild(dest_url),
        Ok(reference) => {
            if is_image && matches!(reference, Reference::Page { .. }) {
                diagnostics.push(error_at(range.start, format!("image `{dest_url}` is a page, not an image file")));
                return rebuild(dest_url);
            }
            let href = href_for(context.site, context.base_path, &reference);
            let original = expanded_location(range, error_at);
            match &reference {
                Reference::Asset(asset) => {
                    rendered.assets_used.insert(asset.clone());
                }
                Reference::Page { .. } | Reference::Output { .. } => rendered.pending_links.push(PendingLink {
                    line: original.0,
                    column: original.1,
                    destination: dest_url.to_string(),
                    reference,
                    is_image,
                }),
                Reference::External => {}
            }
            rebuild(CowStr::from(href))
        }
        Err(message) => {
            diagnostics
                .push(error_at(range.start, format!("broken {}: {message}", if is_image { "image" } else { "link" })));
            rebuild(dest_url)
        }
    }
}

fn expanded_location(range: &Range<usize>, error_at: &dyn Fn(usize, String) -> Diagnostic) -> (usize, usize) {
    let located = error_at(range.start, String::new());
    (located.line.unwrap_or(0), located.column.unwrap_or(0))
}

/// The URL an internal reference is published at (below the base path).
pub fn href_for(site: &Site, base_path: &str, reference: &Reference) -> String {
    let with_anchor = |path: String, anchor: &Option<String>| match anchor {
        Some(anchor) => format!("{base_path}{path}#{anchor}"),
        None => format!("{base_path}{path}"),
    };
    match reference {
        Reference::External => String::new(),
        Reference::Page { index, anchor } => with_anchor(site.pages[*index].path.clone(), anchor),
        Reference::Asset(asset) => {
            let path = asset.to_string_lossy().replace('\\', "/");
            format!("{base_path}{}", percent_encoding::utf8_percent_encode(&path, PATH_SET))
        }
        Reference::Output { path, anchor } => {
            with_anchor(percent_encoding::utf8_percent_encode(path, PATH_SET).to_string(), anchor)
        }
    }
}

const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%');

fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn insert(entries: &mut Vec<TocEntry>, entry: TocEntry) {
        match entries.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => entries.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in headings.iter().filter(|(level, _, _)| TOC_LEVELS.contains(level)) {
        insert(&mut toc, TocEntry { level: *level, id: id.clone(), title: title.clone(), children: Vec::new() });
    }
    toc
}

/// Markdown with shortcodes replaced, and the map back to the author's offsets.
struct Expanded {
    text: String,
    /// (offset in `text`, length in `text`, offset in the original, length in the original), in order.
    edits: Vec<(usize, usize, usize, usize)>,
}

impl Expanded {
    fn original_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for &(start, length, original_start, original_length) in &self.edits {
            if offset < start {
                break;
            }
            if offset < start + length {
                return original_start;
            }
            shift += original_length as isize - length as isize;
        }
        (offset as isize + shift) as usize
    }
}

fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => ranges.push(block_start.take().unwrap_or(range.start)..range.end),
            Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges.sort_by_key(|range| range.start);
    ranges
}

fn expand_shortcodes(
    markdown: &str,
    context: &MarkdownContext,
    rendered: &mut RenderedMarkdown,
    diagnostics: &mut Vec<Diagnostic>,
) -> Expanded {
    if !markdown.contains("{{") {
        return Expanded { text: markdown.to_string(), edits: Vec::new() };
    }
    let error_at = |offset: usize, message: String| {
        Diagnostic::new(context.shown_as, message).at_offset(markdown, offset, context.first_line)
    };
    let (found, errors) = shortcodes::scan(markdown, &code_ranges(markdown));
    diagnostics.extend(errors.into_iter().map(|error| error_at(error.offset, error.message)));
    let mut text = String::with_capacity(markdown.len());
    let mut edits = Vec::new();
    let mut copied_up_to = 0;
    for item in found {
        let (range, replacement) = match item {
            Found::Literal { text, range } => (range, escape(&text)),
            Found::Call(call) => {
                let html = match expand_call(&call, context, rendered) {
                    Ok(html) => html,
                    Err(message) => {
                        diagnostics.push(error_at(call.range.start, message));
                        String::new()
                    }
                };
                (call.range, html)
            }
        };
        text.push_str(&markdown[copied_up_to..range.start]);
        edits.push((text.len(), replacement.len(), range.start, range.len()));
        text.push_str(&replacement);
        copied_up_to = range.end;
    }
    text.push_str(&markdown[copied_up_to..]);
    Expanded { text, edits }
}

fn expand_call(
    call: &shortcodes::Call,
    context: &MarkdownContext,
    rendered: &mut RenderedMarkdown,
) -> Result<String, String> {
    let mut args = Args::new(call);
    let html = match call.name.as_str() {
        "fact" => shortcodes::render_fact(context.facts, &mut args)?,
        "boot_log" => shortcodes::render_boot_log(context.facts, &mut args)?,
        "boot_timeline" => boot_timeline::render(context.facts, &mut args)?,
        "selftest" => shortcodes::render_selftest(context.facts)?,
        "demo" => render_demo(context, rendered)?,
        "figure" => render_figure(context, &mut args, rendered)?,
        other => {
            return Err(format!(
                "unknown shortcode `{other}`; available: boot_log, boot_timeline, demo, fact, figure, selftest"
            ));
        }
    };
    args.finish()?;
    Ok(html)
}

fn render_figure(
    context: &MarkdownContext,
    args: &mut Args,
    rendered: &mut RenderedMarkdown,
) -> Result<String, String> {
    let src = args.required_text("src")?;
    let alt = args.required_text("alt")?;
    let caption = args.text("caption")?;
    let href = match links::resolve(context.site, context.page, &src)? {
        Reference::External => src.clone(),
        Reference::Asset(asset) => {
            let href = href_for(context.site, context.base_path, &Reference::Asset(asset.clone()));
            rendered.assets_used.insert(asset);
            href
        }
        _ => {
            return Err(format!("missing image: `{src}` is not a file next to this page"));
        }
    };
    let caption = caption.map(|caption| format!("<figcaption>{}</figcaption>", escape(&caption))).unwrap_or_default();
    Ok(format!(
        "<figure class=\"figure\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\">{caption}</figure>",
        escape(&href),
        escape(&alt)
    ))
}

/// The live demo component: `demo.js` boots the kernel as soon as the page
/// loads, with the terminal as its console tty, on which `/init` starts the
/// shell; "New terminal" adds terminals (ptys) beside it in `data-demo-terminals`.
/// The element carries what the script needs (artefact directory, payload
/// size) and mirrors the demo's state in `data-demo-state`. One per page:
/// `window.lkljsDemo` and the kernel's shared memory are per page.
fn render_demo(context: &MarkdownContext, rendered: &mut RenderedMarkdown) -> Result<String, String> {
    const NOT_BUILT: &str = "<section class=\"demo\" aria-label=\"Live Linux demo\"><p class=\"demo-status demo-unavailable\">The kernel has not been built for this copy of the site, so there is nothing to boot here. Run <code>lkljs-site build</code> (without <code>--skip-demo</code>) to compile Linux to WebAssembly and embed it in this page.</p></section>";
    if context.facts.manifest().is_none() {
        return Ok(NOT_BUILT.to_string());
    }
    if rendered.live_demos > 0 {
        return Err("`{{ demo() }}` is already used on this page: a page (or a whole slide deck) runs one kernel, so embed the demo once".to_string());
    }
    rendered.live_demos += 1;
    let fact = |name: &str| context.facts.lookup(name).ok().flatten();
    let version = fact("kernel_version")
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "(unknown version)".to_owned());
    let wasm_bytes = fact("wasm_bytes").and_then(|value| value.as_u64()).unwrap_or(0);
    let wasm_brotli_bytes = fact("wasm_brotli_bytes").and_then(|value| value.as_u64()).unwrap_or(0);
    Ok(format!(
        concat!(
            "<section class=\"demo\" data-demo data-demo-state=\"loading\" data-demo-base=\"{base}demo/\" ",
            "data-demo-kernel=\"{version}\" data-demo-wasm-bytes=\"{wasm}\" data-demo-wasm-brotli-bytes=\"{brotli}\" aria-label=\"Live Linux demo\">",
            "<div class=\"demo-bar\">",
            "<p class=\"demo-status\" data-demo-status role=\"status\">Linux {version} compiled to WebAssembly: loading…</p>",
            "<progress class=\"demo-progress\" data-demo-progress max=\"1\" value=\"0\" hidden></progress>",
            "<p class=\"demo-figures\" data-demo-figures></p>",
            "<div class=\"demo-actions\">",
            "<button type=\"button\" class=\"demo-button\" data-demo-new-terminal disabled ",
            "title=\"Open another terminal: a pty with a login shell of its own\">New terminal</button>",
            "<button type=\"button\" class=\"demo-button demo-reboot\" data-demo-reboot disabled>Reboot</button>",
            "</div>",
            "</div>",
            "<div class=\"demo-notice\" data-demo-notice role=\"alert\" hidden></div>",
            "<div class=\"demo-terminals\" data-demo-terminals>",
            "<div class=\"demo-terminal\" {marker} role=\"group\" aria-label=\"Linux terminal: the console\"></div>",
            "</div>",
            "<noscript><p class=\"demo-notice\">The demo runs Linux in this page with JavaScript and WebAssembly; enable JavaScript to boot it.</p></noscript>",
            "</section>"
        ),
        base = escape(context.base_path),
        version = escape(&version),
        wasm = wasm_bytes,
        brotli = wasm_brotli_bytes,
        marker = LIVE_DEMO_MARKER,
    ))
}

/// The attribute that only a live demo's markup carries: templates load the
/// demo scripts for pages that contain it.
pub const LIVE_DEMO_MARKER: &str = "data-demo-terminal";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::sample_site;

    fn render_in(source: &str, markdown: &str) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
        let site = sample_site();
        let facts = Facts::default();
        let page = site.page_by_source(Path::new(source)).unwrap();
        let context = MarkdownContext {
            site: &site,
            page,
            base_path: "/base/",
            facts: &facts,
            shown_as: Path::new("content/guide/b.md"),
            first_line: 5,
        };
        render(markdown, &context)
    }

    fn render_ok(markdown: &str) -> RenderedMarkdown {
        render_in("guide/b.md", markdown).unwrap()
    }

    #[test]
    fn headings_get_anchors_and_a_nested_toc() {
        let rendered = render_ok("## Setup\n### Build *it*\n## Setup\n## Custom {#mine}\n");
        assert!(
            rendered.html.contains("<h2 id=\"setup\">Setup<a class=\"anchor\" href=\"#setup\""),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("<h3 id=\"build-it\">Build <em>it</em>"), "{}", rendered.html);
        assert!(rendered.html.contains("<h2 id=\"setup-1\">"));
        assert!(rendered.html.contains("<h2 id=\"mine\">Custom"));
        let ids: Vec<_> = rendered.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(ids, ["setup", "setup-1", "mine"]);
        assert_eq!(rendered.toc[0].children[0].title, "Build it");
    }

    #[test]
    fn duplicate_explicit_ids_are_errors_with_lines() {
        let errors = render_in("guide/b.md", "## A {#x}\n\n## B {#x}\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(7));
    }

    #[test]
    fn markdown_links_become_page_urls() {
        let rendered = render_ok("[a](a.md#x) [home](../_index.md) [img](img/x.svg) [ext](https://e.org)\n");
        assert!(rendered.html.contains("href=\"/base/guide/a/#x\""), "{}", rendered.html);
        assert!(rendered.html.contains("href=\"/base/\""));
        assert!(rendered.html.contains("href=\"/base/guide/img/x.svg\""));
        assert!(rendered.html.contains("href=\"https://e.org\""));
        assert_eq!(rendered.pending_links.len(), 2, "page links wait for anchor checks");
        assert_eq!(rendered.pending_links[0].line, 5);
    }

    #[test]
    fn broken_links_are_all_reported_with_lines() {
        let errors = render_in("guide/b.md", "[x](nope.md)\n\ntext\n\n![i](../secret.md)\n{{ fact(name=\"zzz\") }}\n")
            .unwrap_err();
        let lines: Vec<_> = errors.iter().map(|error| error.line.unwrap()).collect();
        assert_eq!(lines, [10, 5, 9], "{errors:?}");
        assert!(errors[1].message.contains("nope.md"));
    }

    #[test]
    fn extensions_are_enabled() {
        let rendered =
            render_ok("| a |\n|---|\n| b |\n\n- [x] done\n\n~~old~~ \"quoted\"\n\nNote[^1].\n\n[^1]: The note.\n");
        for expected in ["<table>", "type=\"checkbox\"", "<del>old</del>", "\u{201c}quoted\u{201d}", "footnote"] {
            assert!(rendered.html.contains(expected), "{expected} missing in {}", rendered.html);
        }
    }

    #[test]
    fn shortcodes_expand_outside_code_only() {
        let rendered = render_ok(
            "Size: {{ fact(name=\"wasm_bytes\") }}.\n\n```\n{{ demo() }}\n```\n\n`{{ demo() }}`\n\n{{ demo() }}\n",
        );
        assert!(rendered.html.contains("not measured yet"));
        assert_eq!(rendered.html.matches("has not been built").count(), 1, "{}", rendered.html);
        assert!(rendered.html.contains("{{ demo() }}"));
    }

    #[test]
    fn the_live_demo_embeds_once_with_its_payload_figures() {
        let site = sample_site();
        let facts = Facts::new(Some(serde_json::json!({
            "kernel_version": "6.1.192", "wasm_bytes": 12_000_000, "wasm_brotli_bytes": 2_000_000
        })));
        let page = site.page_by_source(Path::new("guide/b.md")).unwrap();
        let context = MarkdownContext {
            site: &site,
            page,
            base_path: "/base/",
            facts: &facts,
            shown_as: Path::new("content/guide/b.md"),
            first_line: 1,
        };
        let once = render("Intro\n\n{{ demo() }}\n", &context).unwrap();
        assert_eq!(once.live_demos, 1);
        for needed in [
            "data-demo-base=\"/base/demo/\"",
            "data-demo-state=\"loading\"",
            "data-demo-wasm-bytes=\"12000000\"",
            "data-demo-wasm-brotli-bytes=\"2000000\"",
            LIVE_DEMO_MARKER,
        ] {
            assert!(once.html.contains(needed), "{needed}: {}", once.html);
        }
        let errors = render("{{ demo() }}\n\n{{ demo() }}\n", &context).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(3));
        assert!(errors[0].message.contains("embed the demo once"), "{errors:?}");
    }

    #[test]
    fn shortcode_errors_keep_the_original_line_numbers() {
        let errors =
            render_in("guide/b.md", "{{ fact(name=\"wasm_bytes\") }} {{ demo() }}\n\n{{ nope() }}\n\n[x](gone.md)\n")
                .unwrap_err();
        let located: Vec<_> = errors.iter().map(|error| (error.line.unwrap(), error.column.unwrap())).collect();
        assert_eq!(located, [(7, 1), (9, 1)], "{errors:?}");
    }

    #[test]
    fn figures_need_existing_files_and_alt_text() {
        let rendered = render_ok("{{ figure(src=\"img/x.svg\", alt=\"A diagram\", caption=\"Boot <flow>\") }}\n");
        assert!(
            rendered.html.contains("<figure class=\"figure\"><img src=\"/base/guide/img/x.svg\" alt=\"A diagram\""),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("<figcaption>Boot &lt;flow&gt;</figcaption>"));
        let errors =
            render_in("guide/b.md", "{{ figure(src=\"img/none.svg\", alt=\"x\") }}\n{{ figure(src=\"img/x.svg\") }}\n")
                .unwrap_err();
        assert!(errors[0].message.contains("missing image"), "{errors:?}");
        assert!(errors[1].message.contains("needs the argument `alt"), "{errors:?}");
    }
}

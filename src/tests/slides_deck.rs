//! Renders the starter deck with the real template, highlighter and splitter,
//! the way the site build does, and checks the page it gives. Set
//! `LKLJS_DECK_OUT=dir` to keep the rendered deck (for a look in a browser).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lkljs_site::{highlight, slides};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Markdown to HTML with fenced code through the site's highlighter.
fn markdown_to_html(markdown: &str) -> String {
    let mut events = Vec::new();
    let mut fence: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, Options::all()) {
        match (event, &mut fence) {
            (Event::Start(Tag::CodeBlock(kind)), _) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                fence = Some((info, String::new()));
            }
            (Event::Text(text), Some((_, code))) => code.push_str(&text),
            (Event::End(TagEnd::CodeBlock), Some((info, code))) => {
                events.push(Event::Html(highlight::highlight_fence(info, code).expect("deck code block").into()));
                fence = None;
            }
            (event, _) => events.push(event),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

struct RenderedDeck {
    html: String,
    slide_count: usize,
}

const SITE_TITLE: Option<&str> = Some("Linux in WebAssembly");

/// Renders a deck file into `out` (index.html plus its three assets).
fn render_deck(deck_file: &Path, out: &Path, site_title: Option<&str>) -> RenderedDeck {
    let source = std::fs::read_to_string(deck_file).unwrap();
    let rest = source.strip_prefix("+++\n").expect("front matter opens the deck");
    let (front_matter, body) = rest.split_once("\n+++\n").expect("front matter closes");
    let front: toml::Table = toml::from_str(front_matter).unwrap();
    let body_first_line = front_matter.lines().count() + 3;
    let deck_slides = slides::split_deck(body, body_first_line);

    let slide_context: Vec<serde_json::Value> = deck_slides
        .iter()
        .enumerate()
        .map(|(index, slide)| {
            serde_json::json!({
                "index": index + 1,
                "html": markdown_to_html(&slide.markdown),
                "notes_html": markdown_to_html(&slide.notes),
            })
        })
        .collect();
    let assets: BTreeMap<&str, &str> =
        [("slides.js", "slides.js"), ("slides.css", "slides.css"), ("highlight.css", "highlight.css")].into();
    let mut context = tera::Context::new();
    context.insert(
        "deck",
        &serde_json::json!({
            "title": front["title"].as_str(),
            "description": front["description"].as_str(),
            "url": "https://example.org/slides/linux-in-wasm/",
        }),
    );
    context.insert("slides", &slide_context);
    context.insert("assets", &assets);
    let config = match site_title {
        Some(title) => serde_json::json!({ "title": title }),
        None => serde_json::json!({}),
    };
    context.insert("config", &config);
    let mut tera = tera::Tera::default();
    let templates = ["slides.html", "partials/head-shared.html"]
        .map(|name| (name, std::fs::read_to_string(repo().join("theme/templates").join(name)).unwrap()));
    tera.add_raw_templates(templates).unwrap();
    let html = tera.render("slides.html", &context).unwrap_or_else(|error| panic!("{error:?}"));

    std::fs::create_dir_all(out).unwrap();
    std::fs::write(out.join("index.html"), &html).unwrap();
    std::fs::copy(repo().join("theme/js/slides.js"), out.join("slides.js")).unwrap();
    std::fs::copy(repo().join("theme/css/slides.css"), out.join("slides.css")).unwrap();
    std::fs::write(out.join("highlight.css"), highlight::stylesheet()).unwrap();
    RenderedDeck { html, slide_count: deck_slides.len() }
}

fn rendered_starter_deck() -> RenderedDeck {
    let deck_file = repo().join("content/slides/linux-in-wasm.md");
    match std::env::var_os("LKLJS_DECK_OUT") {
        Some(dir) => render_deck(&deck_file, Path::new(&dir), SITE_TITLE),
        None => render_deck(&deck_file, tempfile::tempdir().unwrap().path(), SITE_TITLE),
    }
}

#[test]
fn starter_deck_renders_every_slide_with_notes() {
    let deck = rendered_starter_deck();
    assert!((16..=26).contains(&deck.slide_count), "about twenty slides, got {}", deck.slide_count);
    for index in 1..=deck.slide_count {
        let id = format!("id=\"slide-{index}\"");
        let at = deck.html.find(&id).unwrap_or_else(|| panic!("missing {id}"));
        let section_end = deck.html[at..].find("</section>").unwrap() + at;
        let section = &deck.html[at..section_end];
        assert!(section.contains("<aside class=\"notes\">"), "slide {index} has speaker notes");
    }
    assert_eq!(deck.html.matches("<section class=\"slide").count(), deck.slide_count);
    assert!(!deck.html.contains("id=\"slide-0\""));
}

#[test]
fn starter_deck_links_its_assets_and_highlights_c() {
    let deck = rendered_starter_deck();
    for asset in ["href=\"highlight.css\"", "href=\"slides.css\"", "src=\"slides.js\""] {
        assert!(deck.html.contains(asset), "{asset}");
    }
    assert!(deck.html.contains("data-lang=\"c\"") && deck.html.contains("hl-source hl-c"));
    assert!(deck.html.contains("data-lang=\"console\"") && deck.html.contains("hl-prompt"));
    // The title is escaped text, and the only scripts are the deck's own.
    assert!(deck.html.contains("<title>Linux in a browser tab, without an emulator · Linux in WebAssembly</title>"));
    assert_eq!(deck.html.matches("<script").count(), 1);
    // Nothing is fetched from elsewhere: the one absolute URL is the canonical link.
    assert!(!deck.html.contains("http://"));
    assert_eq!(deck.html.matches("https:").count(), 1);
}

/// Renders a deck given as text, in a scratch directory.
fn render_deck_source(source: &str, site_title: Option<&str>) -> RenderedDeck {
    let dir = tempfile::tempdir().unwrap();
    let deck_file = dir.path().join("deck.md");
    std::fs::write(&deck_file, source).unwrap();
    render_deck(&deck_file, &dir.path().join("out"), site_title)
}

#[test]
fn template_escapes_deck_metadata() {
    let deck = render_deck_source(
        "+++\ntitle = \"<b>Bold</b> & co\"\ndescription = \"\\\"quoted\\\"\"\n+++\n# A\n---\n# B\n???\nnote\n",
        SITE_TITLE,
    );
    assert_eq!(deck.slide_count, 2);
    assert!(deck.html.contains("&lt;b&gt;Bold&lt;&#x2F;b&gt; &amp; co"), "{}", deck.html);
    assert!(deck.html.contains("content=\"&quot;quoted&quot;\""));
    // A slide without notes has no notes aside.
    let first = &deck.html[deck.html.find("id=\"slide-1\"").unwrap()..deck.html.find("id=\"slide-2\"").unwrap()];
    assert!(!first.contains("class=\"notes\""));
    assert!(deck.html.contains("<aside class=\"notes\">\n<p>note</p>"));
}

#[test]
fn template_needs_only_the_documented_context() {
    let deck = render_deck_source("+++\ntitle = \"Only\"\ndescription = \"\"\n+++\none slide\n", None);
    assert!(deck.html.contains("<title>Only</title>"), "{}", deck.html);
    assert!(deck.html.contains("<html lang=\"en\""));
    assert!(!deck.html.contains("name=\"description\""), "an empty description is left out");
}

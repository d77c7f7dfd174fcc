//! The site's full-text search index, built at build time with
//! [elasticlunr-rs](https://docs.rs/elasticlunr-rs) (mdBook's) and searched in
//! the browser by elasticlunr.js (pinned in `theme/vendor/`) under our own
//! interface (`theme/js/search.js`).
//!
//! One document per section of a page: the text under each heading (levels
//! 2 to 4), and the text before the first heading; one per slide of a deck.
//! Each document is named by the URL it opens, with the heading's anchor
//! (`/guide/wasm-rules/#no-mmu`) or the slide's number (`/slides/talk/#3`),
//! and stores the page title, the section heading and the section's text, from
//! which the browser cuts an excerpt around the matches.
//!
//! elasticlunr-rs keeps everything in ordered maps, so the same pages give a
//! byte-identical index.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::SharedBytes;
use crate::html::decode_entities;

/// The published file, at the site root: it changes with every content edit,
/// so it cannot carry a content hash in a template that is rendered before it.
pub const INDEX_FILE: &str = "search-index.json";

/// The fields of each document, in the order given to [`elasticlunr::Index::add_doc`].
const FIELDS: [&str; 3] = ["title", "heading", "body"];

/// About how many bytes of JSON the index takes per byte of document text
/// (6.8 for the benchmark corpus, 7.7 for the guide; rounded up): the first
/// build's buffer size.
const INDEX_BYTES_PER_TEXT_BYTE: usize = 8;

/// What the index needs of one page.
pub struct SearchPage<'a> {
    /// The page's URL (with the base path), e.g. `/guide/intro/`.
    pub url: String,
    pub title: &'a str,
    pub content: SearchContent<'a>,
}

pub enum SearchContent<'a> {
    /// A page's rendered Markdown, split into sections at its headings.
    Sections(&'a str),
    /// A deck's slides in order, each the rendered Markdown of one slide (notes left out).
    Slides(Vec<&'a str>),
}

/// One searchable document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub url: String,
    pub title: String,
    pub heading: String,
    pub body: String,
}

/// Builds the index: elasticlunr's JSON, ready to publish.
pub fn build_index(pages: &[SearchPage]) -> Vec<u8> {
    IndexCache::default().build(pages).to_vec()
}

/// What `serve` keeps between rebuilds: each page's documents, keyed by a
/// hash of what they are made from, and the last index with the hash of all
/// of them. An edit that changes no page's text (a stylesheet, a template)
/// reuses the index as it is; a body edit extracts that page's text again
/// and rebuilds the index from the cached documents of the others.
#[derive(Default)]
pub struct IndexCache {
    documents: HashMap<String, (u64, Vec<Document>)>,
    last: Option<(u64, SharedBytes)>,
}

impl IndexCache {
    /// The index that the last call to [`IndexCache::build`] returned.
    pub fn last(&self) -> Option<&SharedBytes> {
        self.last.as_ref().map(|(_, bytes)| bytes)
    }

    /// The index of `pages`, reusing whatever did not change since the last call.
    pub fn build(&mut self, pages: &[SearchPage]) -> SharedBytes {
        let keys: Vec<u64> = pages.iter().map(page_key).collect();
        let all = {
            let mut hasher = DefaultHasher::new();
            keys.hash(&mut hasher);
            hasher.finish()
        };
        if let Some((key, bytes)) = &self.last
            && *key == all
        {
            return bytes.clone();
        }
        let stale: Vec<usize> = (0..pages.len())
            .filter(|&at| self.documents.get(&pages[at].url).is_none_or(|(key, _)| *key != keys[at]))
            .collect();
        let extracted: Vec<(usize, Vec<Document>)> = stale.par_iter().map(|&at| (at, documents(&pages[at]))).collect();
        for (at, documents) in extracted {
            self.documents.insert(pages[at].url.clone(), (keys[at], documents));
        }
        let live: HashSet<&str> = pages.iter().map(|page| page.url.as_str()).collect();
        self.documents.retain(|url, _| live.contains(url.as_str()));

        let mut index = elasticlunr::Index::new(FIELDS);
        let mut text_bytes = 0;
        for page in pages {
            for document in &self.documents[&page.url].1 {
                index.add_doc(&document.url, [&document.title, &document.heading, &document.body]);
                text_bytes += document.url.len() + document.title.len() + document.heading.len() + document.body.len();
            }
        }
        // The JSON (16 MB for a 1,000-page site) goes into a buffer of about
        // its final size, the last index's or a multiple of the text's:
        // grown by doubling, it was copied into fresh memory at every step.
        // Capacity that stays unused is never touched, so it costs nothing.
        let expected = self.last.as_ref().map_or(text_bytes * INDEX_BYTES_PER_TEXT_BYTE, |(_, last)| last.len());
        let mut json = Vec::with_capacity(expected + expected / 8);
        serde_json::to_writer(&mut json, &index).expect("an index always serialises");
        let bytes = Arc::new(json);
        self.last = Some((all, Arc::clone(&bytes)));
        bytes
    }
}

/// A hash of everything a page's documents are made from.
fn page_key(page: &SearchPage) -> u64 {
    let mut hasher = DefaultHasher::new();
    (&page.url, page.title).hash(&mut hasher);
    match &page.content {
        SearchContent::Sections(html) => (0u8, html).hash(&mut hasher),
        SearchContent::Slides(slides) => (1u8, slides).hash(&mut hasher),
    }
    hasher.finish()
}

/// The documents of one page.
pub fn documents(page: &SearchPage) -> Vec<Document> {
    let document =
        |url: String, heading: String, body: String| Document { url, title: page.title.to_string(), heading, body };
    match &page.content {
        SearchContent::Sections(html) => sections(html)
            .into_iter()
            .filter(|section| !section.text.is_empty() || section.anchor.is_some())
            .map(|section| {
                let url = match &section.anchor {
                    Some(anchor) => format!("{}#{anchor}", page.url),
                    None => page.url.clone(),
                };
                document(url, section.heading.unwrap_or_else(|| page.title.to_string()), section.text)
            })
            .collect(),
        SearchContent::Slides(slides) => slides
            .iter()
            .enumerate()
            .map(|(number, html)| {
                let parts = sections(html);
                let heading =
                    parts.iter().find_map(|part| part.heading.clone()).unwrap_or_else(|| page.title.to_string());
                let text: Vec<&str> = parts
                    .iter()
                    .flat_map(|part| [part.heading.as_deref().unwrap_or(""), part.text.as_str()])
                    .filter(|text| !text.is_empty())
                    .collect();
                document(format!("{}#{}", page.url, number + 1), heading, text.join(" "))
            })
            .collect(),
    }
}

/// The text under one heading.
#[derive(Debug, Default, PartialEq, Eq)]
struct Section {
    anchor: Option<String>,
    heading: Option<String>,
    text: String,
}

/// Splits rendered Markdown at its `<h2 id>` … `<h4 id>` headings, turning each part into plain text.
fn sections(html: &str) -> Vec<Section> {
    let mut sections = vec![Section::default()];
    let mut rest = html;
    while let Some(start) = find_heading(rest) {
        sections.last_mut().expect("never empty").text = plain_text(&rest[..start]);
        let heading_html = &rest[start..];
        let level = &heading_html[2..3];
        let open_end = heading_html.find('>').map_or(heading_html.len(), |end| end + 1);
        let close = format!("</h{level}>");
        let close_at = heading_html.find(&close).unwrap_or(heading_html.len());
        let anchor = attribute(&heading_html[..open_end], "id").map(|id| decode_entities(&id));
        // The heading's own link (`<a class="anchor">#</a>`) is not part of its text.
        let inner = &heading_html[open_end.min(close_at)..close_at];
        let inner = inner.find("<a class=\"anchor\"").map_or(inner, |at| &inner[..at]);
        sections.push(Section { anchor, heading: Some(plain_text(inner)), text: String::new() });
        rest = &heading_html[(close_at + close.len()).min(heading_html.len())..];
    }
    sections.last_mut().expect("never empty").text = plain_text(rest);
    sections
}

/// The offset of the next `<h2`, `<h3` or `<h4` start tag.
fn find_heading(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(offset) = html[from..].find("<h") {
        let at = from + offset;
        if matches!(bytes.get(at + 2), Some(b'2'..=b'4')) && matches!(bytes.get(at + 3), Some(b' ' | b'>')) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The value of `name="…"` in a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_string())
}

/// Elements whose content is not prose: drawings and scripts.
const SKIPPED_ELEMENTS: [&str; 4] = ["script", "style", "svg", "template"];
/// Elements inside a run of text: no word break where they start or end.
const INLINE_ELEMENTS: [&str; 18] = [
    "a", "abbr", "b", "cite", "code", "data", "del", "em", "i", "kbd", "mark", "s", "samp", "small", "span", "strong",
    "sub", "sup",
];

/// The words of an HTML fragment, with entities decoded and whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_words(&mut text, &decode_entities(&rest[..open]));
        let tag_end = rest[open..].find('>').map_or(rest.len(), |end| open + end + 1);
        let tag = &rest[open..tag_end];
        let closing = tag.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let name_length = tag[name_start..].bytes().take_while(|byte| byte.is_ascii_alphanumeric()).count();
        let name = &tag[name_start..name_start + name_length];
        rest = &rest[tag_end..];
        if !closing && !tag.ends_with("/>") && SKIPPED_ELEMENTS.iter().any(|skipped| skipped.eq_ignore_ascii_case(name))
        {
            let close = format!("</{name}>");
            rest = rest.find(&close).map_or("", |at| &rest[at + close.len()..]);
            separate(&mut text);
        } else if !INLINE_ELEMENTS.iter().any(|inline| inline.eq_ignore_ascii_case(name)) {
            separate(&mut text);
        }
    }
    push_words(&mut text, &decode_entities(rest));
    if text.ends_with(' ') {
        text.pop();
    }
    text
}

/// Appends `words` with every run of whitespace as one space, and none at the start.
fn push_words(text: &mut String, words: &str) {
    for character in words.chars() {
        if character.is_whitespace() {
            separate(text);
        } else {
            text.push(character);
        }
    }
}

/// Ends the current word, unless there is none.
fn separate(text: &mut String) {
    if !text.is_empty() && !text.ends_with(' ') {
        text.push(' ');
    }
}

/// Publishes the search index that the builder made for this build.
pub struct SearchIndexFile;

impl super::OutputStep for SearchIndexFile {
    fn emit(&self, context: &super::OutputContext, out: &mut super::Emitter) {
        out.add(INDEX_FILE, super::OutputFile::Shared(Arc::clone(context.search_index)), super::GENERATED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_split_at_headings_with_anchors() {
        let html = "<p>Intro &amp; <em>more</em><sup><a href=\"#n\">1</a></sup>.</p>\n<h2 id=\"first-part\">First <code>part</code><a class=\"anchor\" href=\"#first-part\" aria-label=\"Link to this section\">#</a></h2>\n<p>Body one.</p><svg><text>no</text></svg>\n<h3 id=\"deeper\">Deeper<a class=\"anchor\" href=\"#deeper\">#</a></h3><pre><code><span class=\"line\">$ make\n</span></code></pre>";
        let page = SearchPage { url: "/guide/x/".into(), title: "X", content: SearchContent::Sections(html) };
        let documents = documents(&page);
        let summary: Vec<(&str, &str, &str)> =
            documents.iter().map(|d| (d.url.as_str(), d.heading.as_str(), d.body.as_str())).collect();
        assert_eq!(
            summary,
            [
                ("/guide/x/", "X", "Intro & more1."),
                ("/guide/x/#first-part", "First part", "Body one."),
                ("/guide/x/#deeper", "Deeper", "$ make"),
            ]
        );
        assert!(documents.iter().all(|d| d.title == "X"));
    }

    #[test]
    fn slides_are_documents_numbered_from_one() {
        let page = SearchPage {
            url: "/slides/talk/".into(),
            title: "Talk",
            content: SearchContent::Slides(vec![
                "<h1>Talk</h1><p>Welcome</p>",
                "<h2 id=\"why\">Why<a class=\"anchor\" href=\"#why\">#</a></h2><p>Because.</p>",
            ]),
        };
        let documents = documents(&page);
        assert_eq!(documents[0].url, "/slides/talk/#1");
        assert_eq!(documents[0].body, "Talk Welcome");
        assert_eq!((documents[1].url.as_str(), documents[1].heading.as_str()), ("/slides/talk/#2", "Why"));
        assert_eq!(documents[1].body, "Why Because.");
    }

    #[test]
    fn the_index_is_reproducible_and_finds_words_by_stem() {
        let html = "<h2 id=\"boot\">Booting<a class=\"anchor\" href=\"#boot\">#</a></h2><p>The kernel boots in the browser.</p>";
        let pages = [SearchPage { url: "/a/".into(), title: "A", content: SearchContent::Sections(html) }];
        let index = build_index(&pages);
        assert_eq!(index, build_index(&pages));
        let json: serde_json::Value = serde_json::from_slice(&index).unwrap();
        assert_eq!(json["ref"], "id");
        assert_eq!(json["documentStore"]["docs"]["/a/#boot"]["heading"], "Booting");
        // "boots" and "Booting" are both stored under their stem.
        assert!(json["index"]["body"]["root"]["b"]["o"]["o"]["t"]["docs"]["/a/#boot"].is_object(), "{json}");
    }

    #[test]
    fn the_cache_gives_what_a_fresh_build_gives() {
        let (one, two, edited) = ("<p>First page.</p>", "<p>Second page.</p>", "<p>Second page, edited.</p>");
        let pages = |second: &'static str| {
            vec![
                SearchPage { url: "/one/".into(), title: "One", content: SearchContent::Sections(one) },
                SearchPage { url: "/two/".into(), title: "Two", content: SearchContent::Sections(second) },
            ]
        };
        let mut cache = IndexCache::default();
        assert_eq!(cache.build(&pages(two)).to_vec(), build_index(&pages(two)));
        let after_edit = cache.build(&pages(edited)).to_vec();
        assert_eq!(after_edit, build_index(&pages(edited)));
        assert_ne!(after_edit, build_index(&pages(two)));
        assert_eq!(
            cache.build(&pages(two)[..1]).to_vec(),
            build_index(&pages(two)[..1]),
            "a removed page leaves the index"
        );
    }
}

//! The sidebar, rendered and minified once for all the pages that show the
//! same tree, and spliced into each with its own entry marked current.
//!
//! Every page shows the whole sidebar: with a thousand pages in a section,
//! rendering and minifying it for each page was nine tenths of a build, and of
//! a one-page rebuild. So a page's template renders with a marker standing for
//! `sidebar_html`, and is minified without the sidebar; the sidebar's tree is
//! rendered once (`partials/sidebar.html`, with no page current) and minified
//! in place once; each page then gets that minified sidebar with its own
//! entry swapped for the entry as it renders when current. Both forms of the
//! entry come from the same partial, given the tree cut down to the way to
//! that entry (so the entry sits at its own depth); what differs between
//! them is looked for in the whole sidebar, told from other entries' like
//! markup by the text that follows it.
//!
//! The output is byte for byte what rendering the sidebar into every page
//! makes, as long as an entry's markup depends on the current page only
//! through whether it is that entry (the theme's `nav` macro compares
//! `entry.url == current`), and not on its place among its siblings. The
//! first page of each tree is rendered both ways and compared: a tree whose
//! first page differs, and any page whose entry cannot be told apart, get the
//! sidebar rendered into the page instead.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use crate::content::links::element_ids;
use crate::diagnostic::Diagnostic;
use crate::output::minify_html;

use super::NavEntry;

/// The template that renders the sidebar, given `sidebar` (the tree) and
/// `current` (the URL of the page it is shown on).
pub const SIDEBAR_TEMPLATE: &str = "partials/sidebar.html";

/// Stands for `sidebar_html` while a page's own template renders: characters
/// of Unicode's private use area, which minification leaves alone.
const MARKER: &str = "\u{E000}lkljs-sidebar\u{E001}";

/// A page's final HTML: minified, with the ids of its elements (for the link check).
#[derive(Debug)]
pub struct RenderedPage {
    pub html: Vec<u8>,
    pub ids: BTreeSet<String>,
}

/// The sidebars rendered so far, by tree. Valid while the templates, the
/// configuration and the theme's assets stay the same: [`SidebarCache::renew`].
#[derive(Default)]
pub struct SidebarCache {
    epoch: u64,
    trees: Mutex<HashMap<u64, Arc<TreeCell>>>,
}

/// A tree's sidebar once prepared: `None` when splicing would change its pages.
type TreeCell = OnceLock<Option<Arc<TreeSidebar>>>;

/// Renders the sidebar partial for a tree, given the current page's URL.
pub type RenderSidebar<'a> = dyn Fn(&[NavEntry], &str) -> Result<String, Diagnostic> + Sync + 'a;

/// One tree's sidebar, minified as it sits in a page, with no entry current.
struct TreeSidebar {
    minified: String,
    ids: BTreeSet<String>,
}

/// How a page renders: `sidebar(tree, current)` renders the sidebar partial,
/// `page(sidebar_html)` the page's own template around the given sidebar.
pub struct PageRender<'a> {
    /// The page's template: whether splicing works is found once per template and tree.
    pub template: &'a str,
    pub tree: &'a [NavEntry],
    pub current: &'a str,
    pub sidebar: &'a RenderSidebar<'a>,
    pub page: &'a (dyn Fn(&str) -> Result<String, Diagnostic> + Sync),
}

impl SidebarCache {
    /// Forgets every sidebar when `epoch` (a fingerprint of everything the
    /// sidebar partial reads besides the tree) differs from the last one.
    pub fn renew(&mut self, epoch: u64) {
        if self.epoch != epoch {
            self.epoch = epoch;
            self.trees.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
        }
    }

    /// Renders one page, its sidebar spliced in where that gives the same
    /// bytes. A tree (for a template) seen for the first time is prepared
    /// only if `prepare_new_trees`: a rebuild of one page renders it whole
    /// rather than spend three times as long on a sidebar that the other
    /// pages will reuse later.
    pub fn render(&self, render: &PageRender, prepare_new_trees: bool) -> Result<RenderedPage, Diagnostic> {
        let cell = {
            let mut trees = self.trees.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let key = fingerprint(&(render.template, render.tree));
            if !prepare_new_trees && trees.get(&key).is_none_or(|cell| cell.get().is_none()) {
                return render_whole(render);
            }
            Arc::clone(trees.entry(key).or_default())
        };
        let skeleton = (render.page)(MARKER)?;
        let Ok(minified) = String::from_utf8(minify_html(&skeleton)) else {
            return render_whole(render);
        };
        let Some(around) = Around::new(&minified) else {
            return render_whole(render);
        };
        let mut first_page = None;
        let tree_sidebar = cell.get_or_init(|| {
            let tree_sidebar = Arc::new(TreeSidebar::render(render, &skeleton, &around)?);
            // The tree's first page, both ways: splicing stands only if it changes nothing.
            let whole = render_whole(render).ok()?;
            let spliced = splice(&tree_sidebar, render, &around);
            let agrees = spliced.as_ref().is_some_and(|spliced| spliced.as_bytes() == whole.html);
            first_page = Some(whole);
            agrees.then_some(tree_sidebar)
        });
        if let Some(page) = first_page {
            return Ok(page);
        }
        let spliced = tree_sidebar.as_ref().and_then(|tree_sidebar| {
            let html = splice(tree_sidebar, render, &around)?;
            let mut ids = element_ids(&skeleton);
            ids.extend(tree_sidebar.ids.iter().cloned());
            Some(RenderedPage { html: html.into_bytes(), ids })
        });
        spliced.map_or_else(|| render_whole(render), Ok)
    }
}

/// A page's minified skeleton: around the one marker, less the whitespace
/// next to it (which the sidebar in its place may keep or not), or the whole
/// page when its template does not show the sidebar.
enum Around<'a> {
    Marker { before: &'a str, after: &'a str },
    NoSidebar(&'a str),
}

impl<'a> Around<'a> {
    /// `None` when the sidebar shows more than once.
    fn new(minified: &'a str) -> Option<Self> {
        let Some((before, after)) = minified.split_once(MARKER) else {
            return Some(Self::NoSidebar(minified));
        };
        (!after.contains(MARKER)).then(|| Self::Marker { before: before.trim_end(), after: after.trim_start() })
    }
}

impl TreeSidebar {
    fn render(render: &PageRender, skeleton: &str, around: &Around) -> Option<Self> {
        let Around::Marker { before, after } = around else {
            return Some(Self { minified: String::new(), ids: BTreeSet::new() });
        };
        let sidebar = (render.sidebar)(render.tree, "").ok()?;
        let page = String::from_utf8(minify_html(&skeleton.replacen(MARKER, &sidebar, 1))).ok()?;
        let minified = page.strip_prefix(before)?.strip_suffix(after)?.to_string();
        Some(Self { minified, ids: element_ids(&sidebar) })
    }
}

/// The page with `tree_sidebar` in place of the marker, its current entry
/// marked; `None` where that entry cannot be found exactly once.
fn splice(tree_sidebar: &TreeSidebar, render: &PageRender, around: &Around) -> Option<String> {
    let (before, after) = match *around {
        Around::Marker { before, after } => (before, after),
        Around::NoSidebar(page) => return Some(page.to_string()),
    };
    let sidebar = &tree_sidebar.minified;
    let Some(path) = path_to(render.tree, render.current) else {
        // No entry is the current page's.
        return Some([before, sidebar, after].concat());
    };
    let (current, plain) = (minified_sidebar(render, &path, render.current)?, minified_sidebar(render, &path, "")?);
    let Some((current, plain, context)) = difference(&current, &plain) else {
        // The partial does not mark the current entry.
        return Some([before, sidebar, after].concat());
    };
    // The entry's own URL tells it from the others: the place must show it,
    // up to the end of the attribute (so `/a/` is not taken for `/a/b/`).
    let shown = [plain, context].concat();
    let ends_value = |at: usize| shown.as_bytes().get(at).is_none_or(|byte| b"> \"'".contains(byte));
    let url_end = shown.match_indices(render.current).map(|(at, url)| at + url.len()).find(|&end| ends_value(end))?;
    let needed = (url_end + 1).saturating_sub(plain.len()).min(context.len());
    let found = find_once(sidebar, plain, context, needed)?;
    Some([before, &sidebar[..found], current, &sidebar[found + plain.len()..], after].concat())
}

/// The sidebar partial's output for `tree`, minified.
fn minified_sidebar(render: &PageRender, tree: &[NavEntry], current: &str) -> Option<String> {
    String::from_utf8(minify_html(&(render.sidebar)(tree, current).ok()?)).ok()
}

/// The page with the sidebar rendered into it, the way to check a splice.
fn render_whole(render: &PageRender) -> Result<RenderedPage, Diagnostic> {
    let html = (render.page)(&(render.sidebar)(render.tree, render.current)?)?;
    Ok(RenderedPage { html: minify_html(&html), ids: element_ids(&html) })
}

/// The tree reduced to the way to the entry at `url`: each section on the way
/// with that one child, the entry itself whole. Its markup then sits at its
/// own depth, as in the whole tree.
fn path_to(tree: &[NavEntry], url: &str) -> Option<Vec<NavEntry>> {
    tree.iter().find_map(|entry| {
        if entry.url == url {
            return Some(vec![entry.clone()]);
        }
        let children = path_to(&entry.children, url)?;
        Some(vec![NavEntry { title: entry.title.clone(), url: entry.url.clone(), kind: entry.kind, children }])
    })
}

/// Where `current` and `plain` differ, if they do: each one's differing
/// middle, and the text that follows both. An empty middle takes one more character
/// before it, so that it can be looked for.
fn difference<'a>(current: &'a str, plain: &'a str) -> Option<(&'a str, &'a str, &'a str)> {
    if current == plain {
        return None;
    }
    let shorter = current.len().min(plain.len());
    let mut prefix = current.bytes().zip(plain.bytes()).take_while(|(a, b)| a == b).count();
    let suffix =
        current.bytes().rev().zip(plain.bytes().rev()).take_while(|(a, b)| a == b).count().min(shorter - prefix);
    while !current.is_char_boundary(prefix) || !plain.is_char_boundary(prefix) {
        prefix -= 1;
    }
    if prefix + suffix == plain.len() && prefix > 0 {
        prefix = (0..prefix).rev().find(|&at| plain.is_char_boundary(at))?;
    }
    let (current_end, plain_end) = (current.len() - suffix, plain.len() - suffix);
    let ends_fit = current.is_char_boundary(current_end) && plain.is_char_boundary(plain_end);
    ends_fit.then(|| (&current[prefix..current_end], &plain[prefix..plain_end], &plain[plain_end..]))
}

/// The one place in `text` where `needle` is followed by at least the first
/// `needed` bytes of `context`; `None` when there are none or several.
fn find_once(text: &str, needle: &str, context: &str, needed: usize) -> Option<usize> {
    let context = context.as_bytes().get(..needed)?;
    let mut places = text
        .match_indices(needle)
        .map(|(at, _)| at)
        .filter(|&at| text.as_bytes()[at + needle.len()..].starts_with(context));
    let place = places.next()?;
    places.next().is_none().then_some(place)
}

fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use std::path::Path;

    use super::*;
    use crate::content::PageKind;
    use crate::render::Templates;

    fn entry(title: &str, url: &str, children: Vec<NavEntry>) -> NavEntry {
        let kind = if children.is_empty() { PageKind::Page } else { PageKind::Section };
        NavEntry { title: title.into(), url: url.into(), kind, children }
    }

    /// Renders every page of a two-level tree through `sidebars` with the
    /// given sidebar partial, and the same pages with the sidebar rendered
    /// into each: returns how many times the whole tree was rendered.
    fn render_every_page(partial: &str) -> usize {
        render_every_page_with(&[("partials/sidebar.html", partial)])
    }

    fn render_every_page_with(files: &[(&str, &str)]) -> usize {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("partials")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        std::fs::write(
            dir.path().join("page.html"),
            "<!DOCTYPE html>\n<title>{{ title }}</title>\n<nav>\n  {{ sidebar_html | safe }}\n</nav>\n<main id=\"main\"> {{ title }} </main>\n",
        )
        .unwrap();
        let templates = Templates::load(dir.path(), Path::new("theme/templates")).unwrap();
        let guide: Vec<NavEntry> =
            (1..=4).map(|n| entry(&format!("Page {n}"), &format!("/guide/{n}/"), vec![])).collect();
        let tree =
            vec![entry("Home", "/", vec![]), entry("Guide", "/guide/", guide), entry("About", "/about/", vec![])];
        let whole_trees = AtomicUsize::new(0);
        let sidebar = |tree: &[NavEntry], current: &str| {
            if tree.len() == 3 {
                whole_trees.fetch_add(1, Ordering::Relaxed);
            }
            let mut context = tera::Context::new();
            context.insert("sidebar", tree);
            context.insert("current", current);
            templates.render(SIDEBAR_TEMPLATE, &context)
        };
        let sidebars = SidebarCache::default();
        let urls = ["/guide/", "/guide/1/", "/guide/2/", "/guide/3/", "/guide/4/"];
        for url in urls {
            let page = |sidebar_html: &str| {
                let mut context = tera::Context::new();
                context.insert("title", url);
                context.insert("sidebar_html", sidebar_html);
                templates.render("page.html", &context)
            };
            let render =
                PageRender { template: "page.html", tree: &tree, current: url, sidebar: &sidebar, page: &page };
            let spliced = sidebars.render(&render, true).unwrap();
            let whole = render_whole(&render).unwrap();
            whole_trees.fetch_sub(1, Ordering::Relaxed);
            assert_eq!(String::from_utf8(spliced.html).unwrap(), String::from_utf8(whole.html).unwrap(), "{url}");
            assert_eq!(spliced.ids, whole.ids, "{url}");
        }
        whole_trees.into_inner()
    }

    #[test]
    fn the_themes_sidebar_is_spliced_into_every_page_with_the_same_bytes() {
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/templates");
        let read = |name: &str| std::fs::read_to_string(theme.join(name)).unwrap();
        let (macros, partial) = (read("macros.html"), read(SIDEBAR_TEMPLATE));
        assert_eq!(render_every_page_with(&[("macros.html", &macros), (SIDEBAR_TEMPLATE, &partial)]), 2);
    }

    #[test]
    fn a_spliced_sidebar_gives_the_bytes_of_one_rendered_into_the_page() {
        let nav = r#"{% macro nav(entries, current) %}<ul>{% for entry in entries %}
  <li class="nav-{{ entry.kind }}{% if entry.url == current %} active{% endif %}">
    <a href="{{ entry.url }}"{% if entry.url == current %} aria-current="page"{% endif %}>{{ entry.title }}</a>
    {% if entry.children %}{{ self::nav(entries=entry.children, current=current) }}{% endif %}
  </li>{% endfor %}
</ul>{% endmacro nav %}{{ self::nav(entries=sidebar, current=current) }}"#;
        // The tree is rendered twice in all (with no page current, and into
        // its first page to check the splice), not once per page.
        assert_eq!(render_every_page(nav), 2);
    }

    #[test]
    fn sidebars_that_mark_more_than_the_current_entry_stay_exact() {
        // Only children are marked, so an entry's markup depends on its depth: still spliced.
        let by_depth = r#"<nav>{% for entry in sidebar %}<a href="{{ entry.url }}">{{ entry.title }}</a>{% for child in entry.children %} <a href="{{ child.url }}"{% if child.url == current %} aria-current="page"{% endif %}>{{ child.title }}</a>{% endfor %}
{% endfor %}</nav>"#;
        assert_eq!(render_every_page(by_depth), 2);
        // A section is marked open when the current page is below it: the
        // first child's page can be spliced, the section's other children
        // cannot (what differs reaches from the section to the entry, past
        // its siblings) and are rendered whole, 2 + 3.
        let open_section = r#"<ul>{% for entry in sidebar %}<li{% if entry.children and current is starting_with(entry.url) %} class="open"{% endif %}><a href="{{ entry.url }}"{% if entry.url == current %} aria-current="page"{% endif %}>{{ entry.title }}</a>{% if entry.children %}<ul>{% for child in entry.children %}<li><a href="{{ child.url }}"{% if child.url == current %} aria-current="page"{% endif %}>{{ child.title }}</a></li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul>"#;
        assert_eq!(render_every_page(open_section), 5);
    }

    #[test]
    fn the_current_entry_is_told_from_its_like_by_what_follows() {
        let plain = "<ul><li class=page><a href=/b/>B</a></li></ul>";
        let current = "<ul><li class=\"page active\"><a href=/b/>B</a></li></ul>";
        let (marked, unmarked, context) = difference(current, plain).unwrap();
        assert_eq!((marked, unmarked), ("\"page active\"", "page"));
        assert_eq!(context, "><a href=/b/>B</a></li></ul>");
        let sidebar = "<ul><li class=page><a href=/a/>A</a></li><li class=page><a href=/b/>B</a></li></ul>";
        let needed = context.find("/b/").unwrap() + 3;
        assert_eq!(find_once(sidebar, unmarked, context, needed), Some(sidebar.rfind("page").unwrap()));
        assert_eq!(
            find_once(sidebar, unmarked, context, 3),
            None,
            "the first three bytes do not tell the entries apart"
        );
        assert_eq!(find_once("<li class=page><a href=/a/>", unmarked, context, needed), None, "not there");
    }

    #[test]
    fn an_added_attribute_is_found_by_the_character_before_it() {
        let (current, plain) = ("<a aria-current=page href=/b/>", "<a href=/b/>");
        let (marked, unmarked, context) = difference(current, plain).unwrap();
        assert_eq!((marked, unmarked, context), (" aria-current=page ", " ", "href=/b/>"));
        let at = find_once(plain, unmarked, context, context.len()).unwrap();
        assert_eq!([&plain[..at], marked, &plain[at + unmarked.len()..]].concat(), current);
        assert_eq!(difference(plain, plain), None, "the same markup either way");
    }
}

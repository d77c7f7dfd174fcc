//! The content model: pages, sections and decks read from `content/`, their
//! URLs, their order, and how links between them resolve.
//!
//! - `content/_index.md` is the home page; any directory with an `_index.md`
//!   is a section whose pages are the Markdown files below it (down to the next
//!   section).
//! - Markdown files under `content/slides/` (other than `_index.md`) are slide decks.
//! - A page's URL follows its path: `guide/intro.md` → `/guide/intro/`; the
//!   `slug` front-matter key replaces the file name.
//! - Children are ordered by `weight`, then `date`, then file path.
//! - Every other file is an asset, copied to the same path in the output.

pub mod front_matter;
pub mod links;
pub mod slug;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;

pub use front_matter::FrontMatter;

/// The directory, under the site root, of the site's pages and assets.
pub const CONTENT_DIR: &str = "content";

/// The directory under `content/` whose Markdown files are slide decks.
pub const DECKS_DIR: &str = "slides";
const SECTION_FILE: &str = "_index.md";
/// Files in `content/` that are configuration or data, not content.
const NOT_CONTENT: &[&str] = &["site.toml", BENCHMARKS];
/// The benchmarks' recorded figures, read as facts (see `markdown::shortcodes::Facts`).
pub const BENCHMARKS: &str = "benchmarks.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Page,
    Section,
    Deck,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Path relative to the content directory, e.g. `guide/intro.md`.
    pub source: PathBuf,
    pub kind: PageKind,
    pub front: FrontMatter,
    pub body: Arc<str>,
    pub body_first_line: usize,
    /// See [`front_matter::Parsed::body_hash`].
    pub body_hash: u64,
    /// URL path below the site's base, ending in `/`; empty for the home page.
    pub path: String,
    /// The section the page belongs to (an index into [`Site::pages`]); `None` for the home page.
    pub parent: Option<usize>,
    /// For sections: pages, decks and subsections, in order.
    pub children: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Site {
    /// Pages sorted by source path; index 0 is the home page.
    pub pages: Vec<Page>,
    /// Non-Markdown files, relative to the content directory, sorted.
    pub assets: BTreeSet<PathBuf>,
    /// Drafts, known only so that links to them get a clear error.
    pub drafts: BTreeSet<PathBuf>,
    /// Pages and sections in reading order (depth first), decks excluded:
    /// the order of the sidebar and of previous/next links.
    pub reading_order: Vec<usize>,
    /// Source path → page index.
    by_source: BTreeMap<PathBuf, usize>,
}

impl Site {
    pub fn page_by_source(&self, source: &Path) -> Option<usize> {
        self.by_source.get(source).copied()
    }

    pub fn home(&self) -> &Page {
        &self.pages[0]
    }
}

/// One Markdown file as read from disk, before the site is assembled.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFile {
    pub source: PathBuf,
    pub parsed: front_matter::Parsed,
}

/// Everything read from the content directory.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Markdown files that parsed.
    pub files: Vec<SourceFile>,
    /// Every other file, relative to the content directory.
    pub assets: BTreeSet<PathBuf>,
    /// Files that could not be read or parsed.
    pub problems: Vec<Diagnostic>,
}

/// Reads and parses every file under `content_dir`, keeping the files that
/// parse so that one run can report the problems of all the others too.
/// `shown_as` is how the directory is named in messages (e.g. `content`).
pub fn scan(content_dir: &Path, shown_as: &Path) -> Scan {
    let mut scan = Scan::default();
    let walker = walkdir::WalkDir::new(content_dir).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|entry| entry.depth() == 0 || !is_ignored(entry.file_name())) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().map(Path::to_path_buf).unwrap_or_else(|| content_dir.to_path_buf());
                scan.problems.push(Diagnostic::new(path, format!("cannot read: {error}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let relative =
            entry.path().strip_prefix(content_dir).expect("walkdir yields paths below its root").to_path_buf();
        if relative.components().count() == 1 && NOT_CONTENT.iter().any(|name| relative == Path::new(name)) {
            continue;
        }
        if relative.extension().is_some_and(|extension| extension == "md") {
            match read_source(entry.path(), &shown_as.join(&relative)) {
                Ok(parsed) => scan.files.push(SourceFile { source: relative, parsed }),
                Err(diagnostic) => scan.problems.push(diagnostic),
            }
        } else {
            scan.assets.insert(relative);
        }
    }
    scan
}

/// Reads and parses one Markdown file; `shown_as` names it in errors.
pub fn read_source(path: &Path, shown_as: &Path) -> Result<front_matter::Parsed, Diagnostic> {
    let text =
        std::fs::read_to_string(path).map_err(|error| Diagnostic::new(shown_as, format!("cannot read: {error}")))?;
    front_matter::parse(shown_as, &text)
}

/// Whether a path below the content directory is skipped by [`scan`].
pub fn is_ignored_path(relative: &Path) -> bool {
    relative.components().any(|component| is_ignored(component.as_os_str()))
}

/// Hidden files and editors' backup, swap and lock files are not content.
fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name.ends_with(".swp")
}

/// Assembles parsed files into a site: drops drafts, computes URLs, sections,
/// order and reading order. `shown_as` prefixes paths in messages.
pub fn assemble(files: Vec<SourceFile>, assets: BTreeSet<PathBuf>, shown_as: &Path) -> Result<Site, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut drafts = BTreeSet::new();
    let mut pages = Vec::new();
    for file in files {
        if file.parsed.front.draft {
            drafts.insert(file.source);
            continue;
        }
        match page_from_source(file, shown_as) {
            Ok(page) => pages.push(page),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    // The home page first, then by source path: a stable order for everything else.
    pages.sort_by(|a, b| {
        (a.source != Path::new(SECTION_FILE), &a.source).cmp(&(b.source != Path::new(SECTION_FILE), &b.source))
    });
    if pages.first().is_none_or(|page| page.source != Path::new(SECTION_FILE)) {
        diagnostics.push(Diagnostic::new(
            shown_as.join(SECTION_FILE),
            "the home page is missing: create it with front matter such as `+++\ntitle = \"Home\"\n+++`",
        ));
    }
    let mut by_url: BTreeMap<&str, &Path> = BTreeMap::new();
    for page in &pages {
        if let Some(other) = by_url.insert(&page.path, &page.source) {
            diagnostics.push(Diagnostic::new(
                shown_as.join(&page.source),
                format!(
                    "duplicate URL /{}: {} has it too; change one file's `slug` or name",
                    page.path,
                    shown_as.join(other).display()
                ),
            ));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let by_source = pages.iter().enumerate().map(|(index, page)| (page.source.clone(), index)).collect();
    let mut site = Site { pages, assets, drafts, reading_order: Vec::new(), by_source };
    link_sections(&mut site);
    site.reading_order = reading_order(&site);
    Ok(site)
}

fn page_from_source(file: SourceFile, shown_as: &Path) -> Result<Page, Diagnostic> {
    let SourceFile { source, parsed } = file;
    let shown = shown_as.join(&source);
    let is_section = source.file_name().is_some_and(|name| name == SECTION_FILE);
    let directory: Vec<String> = source
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    let kind = match (is_section, directory.first().map(String::as_str)) {
        (true, _) => PageKind::Section,
        (false, Some(DECKS_DIR)) => PageKind::Deck,
        (false, _) => PageKind::Page,
    };
    for segment in &directory {
        if !slug::is_valid_slug(segment) {
            return Err(Diagnostic::new(
                shown,
                format!("directory name `{segment}` cannot be a URL segment: use letters, digits, `-`, `_` or `.`"),
            ));
        }
    }
    let mut segments = directory;
    if is_section {
        if parsed.front.slug.is_some() {
            return Err(Diagnostic::new(
                shown,
                "`slug` is for pages; a section's URL is its directory name, so rename the directory instead",
            )
            .at(1, None));
        }
    } else {
        let stem = source.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let segment = parsed.front.slug.clone().unwrap_or(stem);
        if !slug::is_valid_slug(&segment) {
            return Err(Diagnostic::new(
                shown,
                format!(
                    "file name `{segment}` cannot be a URL segment: rename the file or set `slug` in the front matter"
                ),
            ));
        }
        segments.push(segment);
    }
    let path = segments.iter().map(|segment| format!("{segment}/")).collect();
    Ok(Page {
        source,
        kind,
        front: parsed.front,
        body: parsed.body,
        body_first_line: parsed.body_first_line,
        body_hash: parsed.body_hash,
        path,
        parent: None,
        children: Vec::new(),
    })
}

/// The nearest section at or above `directory`.
fn section_for(site: &Site, mut directory: Option<&Path>) -> Option<usize> {
    while let Some(dir) = directory {
        if let Some(index) = site.page_by_source(&dir.join(SECTION_FILE)) {
            return Some(index);
        }
        directory = dir.parent();
    }
    None
}

fn link_sections(site: &mut Site) {
    for index in 1..site.pages.len() {
        let source = &site.pages[index].source;
        let directory = if site.pages[index].kind == PageKind::Section {
            source.parent().and_then(Path::parent)
        } else {
            source.parent()
        };
        let parent = section_for(site, directory).unwrap_or(0);
        site.pages[index].parent = Some(parent);
        site.pages[parent].children.push(index);
    }
    for index in 0..site.pages.len() {
        let mut children = std::mem::take(&mut site.pages[index].children);
        children.sort_by(|&a, &b| order_key(&site.pages[a]).cmp(&order_key(&site.pages[b])));
        site.pages[index].children = children;
    }
}

/// Weight, then date (undated pages last), then path.
fn order_key(page: &Page) -> (i64, bool, Option<time::OffsetDateTime>, &Path) {
    (page.front.weight, page.front.date.is_none(), page.front.date, &page.source)
}

fn reading_order(site: &Site) -> Vec<usize> {
    fn visit(site: &Site, index: usize, order: &mut Vec<usize>) {
        order.push(index);
        for &child in &site.pages[index].children {
            if site.pages[child].kind != PageKind::Deck {
                visit(site, child, order);
            }
        }
    }
    let mut order = Vec::with_capacity(site.pages.len());
    if !site.pages.is_empty() {
        visit(site, 0, &mut order);
    }
    order
}

/// The output file that serves a page's URL path (`guide/` → `guide/index.html`).
pub fn file_for_url_path(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() }
}

/// Joins a relative reference onto a directory, resolving `.` and `..`
/// lexically. `None` when it climbs above the root.
pub fn join_relative(directory: &Path, reference: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = directory.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    for component in Path::new(reference).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => parts.clear(),
        }
    }
    Some(parts.iter().collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn url_paths_map_to_index_files() {
        assert_eq!(file_for_url_path(""), "index.html");
        assert_eq!(file_for_url_path("guide/"), "guide/index.html");
        assert_eq!(file_for_url_path("atom.xml"), "atom.xml");
    }

    pub(crate) fn file(source: &str, front: &str, body: &str) -> SourceFile {
        let text = format!("+++\n{front}\n+++\n{body}");
        SourceFile { source: source.into(), parsed: front_matter::parse(Path::new(source), &text).unwrap() }
    }

    pub(crate) fn sample_site() -> Site {
        let files = vec![
            file("_index.md", "title = \"Home\"", ""),
            file("guide/_index.md", "title = \"Guide\"\nweight = 1", ""),
            file("guide/b.md", "title = \"B\"\nweight = 2", "## Part one\n"),
            file("guide/a.md", "title = \"A\"\nweight = 2\ndate = 2020-01-01", ""),
            file("guide/first.md", "title = \"First\"\nweight = 1\nslug = \"start\"", ""),
            file("guide/deep/more.md", "title = \"More\"\nweight = 9", ""),
            file("guide/secret.md", "title = \"Secret\"\ndraft = true", ""),
            file("slides/_index.md", "title = \"Slides\"\nweight = 2", ""),
            file("slides/talk.md", "title = \"Talk\"", ""),
        ];
        let assets = [PathBuf::from("guide/img/x.svg")].into_iter().collect();
        assemble(files, assets, Path::new("content")).unwrap()
    }

    fn paths(site: &Site, indices: &[usize]) -> Vec<String> {
        indices.iter().map(|&index| site.pages[index].path.clone()).collect()
    }

    #[test]
    fn urls_follow_paths_and_slugs() {
        let site = sample_site();
        let all: Vec<_> = site
            .pages
            .iter()
            .map(|page| (page.source.to_string_lossy().into_owned(), page.path.clone(), page.kind))
            .collect();
        assert!(all.contains(&("_index.md".into(), "".into(), PageKind::Section)));
        assert!(all.contains(&("guide/first.md".into(), "guide/start/".into(), PageKind::Page)));
        assert!(all.contains(&("guide/deep/more.md".into(), "guide/deep/more/".into(), PageKind::Page)));
        assert!(all.contains(&("slides/talk.md".into(), "slides/talk/".into(), PageKind::Deck)));
        assert!(site.drafts.contains(Path::new("guide/secret.md")));
        assert!(site.page_by_source(Path::new("guide/secret.md")).is_none());
    }

    #[test]
    fn children_are_ordered_by_weight_then_date_then_path() {
        let site = sample_site();
        let guide = site.page_by_source(Path::new("guide/_index.md")).unwrap();
        assert_eq!(
            paths(&site, &site.pages[guide].children),
            ["guide/start/", "guide/a/", "guide/b/", "guide/deep/more/"]
        );
        assert_eq!(paths(&site, &site.pages[0].children), ["guide/", "slides/"]);
    }

    #[test]
    fn reading_order_is_depth_first_without_decks() {
        let site = sample_site();
        assert_eq!(
            paths(&site, &site.reading_order),
            ["", "guide/", "guide/start/", "guide/a/", "guide/b/", "guide/deep/more/", "slides/"]
        );
    }

    #[test]
    fn duplicate_urls_name_both_files() {
        let files = vec![
            file("_index.md", "title = \"Home\"", ""),
            file("a.md", "title = \"A\"\nslug = \"b\"", ""),
            file("b.md", "title = \"B\"", ""),
        ];
        let errors = assemble(files, BTreeSet::new(), Path::new("content")).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("duplicate URL /b/"), "{}", errors[0]);
        assert!(errors[0].to_string().contains("content/a.md"), "{}", errors[0]);
    }

    #[test]
    fn a_missing_home_page_is_reported() {
        let errors =
            assemble(vec![file("a.md", "title = \"A\"", "")], BTreeSet::new(), Path::new("content")).unwrap_err();
        assert!(errors[0].to_string().starts_with("content/_index.md: the home page is missing"));
    }

    #[test]
    fn scanning_skips_hidden_and_editor_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["_index.md", ".hidden.md", "#page.md#", "page.md~", ".page.md.swp", "img.svg"] {
            std::fs::write(dir.path().join(name), "+++\ntitle = \"T\"\n+++\n").unwrap();
        }
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/x.md"), "not front matter").unwrap();
        let scan = scan(dir.path(), Path::new("content"));
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        assert!(is_ignored_path(Path::new("guide/.draft.md")) && !is_ignored_path(Path::new("guide/page.md")));
        let sources: Vec<_> = scan.files.iter().map(|file| file.source.clone()).collect();
        assert_eq!(sources, [PathBuf::from("_index.md")]);
        assert_eq!(scan.assets.into_iter().collect::<Vec<_>>(), [PathBuf::from("img.svg")]);
    }

    #[test]
    fn relative_joins_stay_inside_the_root() {
        assert_eq!(join_relative(Path::new("guide"), "../a/./b.md"), Some(PathBuf::from("a/b.md")));
        assert_eq!(join_relative(Path::new("guide"), "../../x"), None);
        assert_eq!(join_relative(Path::new("guide"), "/top.md"), Some(PathBuf::from("top.md")));
    }
}

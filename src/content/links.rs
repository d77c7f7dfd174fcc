//! Where a link or image written in Markdown points.
//!
//! Rules (like on a code forge, so that links also work when reading the
//! Markdown files themselves):
//! - `#anchor` is a heading of the same page;
//! - a path ending in `.md` (optionally `#anchor`) is another page, relative to
//!   the linking file's directory, or to `content/` when it starts with `/`;
//! - any other relative path is relative to the linking file's directory: a
//!   file there is an asset, otherwise it is an output path such as `../demo/`;
//! - `/path` is an output path below the site's base URL;
//! - anything with a scheme (`https:`, `mailto:`) or starting with `//` is external and not checked.
//!
//! [`resolve`] runs while Markdown renders; a link to an output path, or to
//! an anchor, is checked by [`check_output_link`] once the whole output exists.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::{Site, file_for_url_path, join_relative};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    External,
    /// A page of the site, by index, and maybe a heading anchor in it.
    Page {
        index: usize,
        anchor: Option<String>,
    },
    /// A file under `content/` (relative path), copied to the same place.
    Asset(PathBuf),
    /// A path in the output below the base URL, without leading `/`, checked once the output exists.
    Output {
        path: String,
        anchor: Option<String>,
    },
}

/// Resolves `destination` written in the page with index `from`.
/// Errors are complete sentences naming the missing target.
pub fn resolve(site: &Site, from: usize, destination: &str) -> Result<Reference, String> {
    if destination.starts_with("//") || has_scheme(destination) {
        return Ok(Reference::External);
    }
    let (before_fragment, fragment) = match destination.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_string())),
        None => (destination, None),
    };
    let path = before_fragment.split_once('?').map_or(before_fragment, |(path, _)| path);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned();
    if path.is_empty() {
        return Ok(Reference::Page { index: from, anchor: fragment });
    }
    let source_dir = site.pages[from].source.parent().unwrap_or(Path::new(""));
    if path.ends_with(".md") {
        let target = join_relative(source_dir, &path)
            .ok_or_else(|| format!("`{destination}` points above the content directory"))?;
        if let Some(index) = site.page_by_source(&target) {
            return Ok(Reference::Page { index, anchor: fragment });
        }
        if site.drafts.contains(&target) {
            return Err(format!(
                "`{destination}` links to content/{}, which is a draft and is not published",
                target.display()
            ));
        }
        return Err(format!("`{destination}` links to content/{}, which does not exist", target.display()));
    }
    if let Some(absolute) = path.strip_prefix('/') {
        return Ok(Reference::Output { path: absolute.to_string(), anchor: fragment });
    }
    let target =
        join_relative(source_dir, &path).ok_or_else(|| format!("`{destination}` points above the site root"))?;
    if site.assets.contains(&target) {
        return Ok(Reference::Asset(target));
    }
    let mut output = target.to_string_lossy().replace('\\', "/");
    if path.ends_with('/') && !output.is_empty() {
        output.push('/');
    }
    Ok(Reference::Output { path: output, anchor: fragment })
}

fn has_scheme(destination: &str) -> bool {
    match destination.split_once(':') {
        Some((scheme, _)) => {
            let mut characters = scheme.chars();
            characters.next().is_some_and(|c| c.is_ascii_alphabetic())
                && characters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// What link checking knows of the finished output.
pub struct OutputIndex<'a> {
    /// Whether the output has this file (pages that failed to render count: they exist).
    pub exists: &'a dyn Fn(&str) -> bool,
    /// The anchors of each page of the output, by file.
    pub ids: HashMap<String, &'a BTreeSet<String>>,
}

/// Checks a link that needed the whole output: the target file exists, and so
/// does its anchor. `reference` is what [`resolve`] made of `destination`,
/// written in page `from`.
pub fn check_output_link(
    site: &Site,
    from: usize,
    destination: &str,
    reference: &Reference,
    is_image: bool,
    output: &OutputIndex,
) -> Result<(), String> {
    let kind = if is_image { "missing image" } else { "broken link" };
    let (path, anchor) = match reference {
        Reference::Page { index, anchor } => (file_for_url_path(&site.pages[*index].path), anchor),
        Reference::Output { path, anchor } => {
            let candidates = [file_for_url_path(path), format!("{path}/index.html")];
            match candidates.into_iter().find(|candidate| (output.exists)(candidate)) {
                Some(found) => (found, anchor),
                None => {
                    return Err(format!("{kind}: `{destination}` points to /{path}, which the site does not contain"));
                }
            }
        }
        Reference::Asset(_) | Reference::External => return Ok(()),
    };
    let Some(anchor) = anchor.as_deref().filter(|anchor| !anchor.is_empty()) else {
        return Ok(());
    };
    let anchor = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
    match output.ids.get(&path) {
        Some(ids) if !ids.contains(anchor.as_ref()) => {
            let target = if path == file_for_url_path(&site.pages[from].path) {
                "this page".to_string()
            } else {
                format!("/{}", path.trim_end_matches("index.html"))
            };
            Err(format!("{kind}: `{destination}`: {target} has no anchor `#{anchor}`"))
        }
        _ => Ok(()),
    }
}

/// Every `id="..."` in a page: what `#anchor` links may point at.
pub fn element_ids(html: &str) -> BTreeSet<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id.replace("&amp;", "&")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::sample_site;

    #[test]
    fn element_ids_are_collected() {
        let ids = element_ids("<h2 id=\"a\">x</h2><p id=\"b&amp;c\" data-id=\"no\"></p>");
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["a", "b&c"]);
    }

    fn from_b(destination: &str) -> Result<Reference, String> {
        let site = sample_site();
        let from = site.page_by_source(Path::new("guide/b.md")).unwrap();
        resolve(&site, from, destination)
    }

    fn page(source: &str, anchor: Option<&str>) -> Reference {
        let site = sample_site();
        Reference::Page { index: site.page_by_source(Path::new(source)).unwrap(), anchor: anchor.map(str::to_string) }
    }

    #[test]
    fn markdown_links_resolve_relative_to_the_file() {
        assert_eq!(from_b("a.md"), Ok(page("guide/a.md", None)));
        assert_eq!(from_b("./first.md#setup"), Ok(page("guide/first.md", Some("setup"))));
        assert_eq!(from_b("../slides/talk.md"), Ok(page("slides/talk.md", None)));
        assert_eq!(from_b("deep/more.md"), Ok(page("guide/deep/more.md", None)));
        assert_eq!(from_b("/guide/_index.md"), Ok(page("guide/_index.md", None)));
        assert_eq!(from_b("../_index.md#top"), Ok(page("_index.md", Some("top"))));
    }

    #[test]
    fn same_page_anchors_point_at_the_page_itself() {
        assert_eq!(from_b("#part-one"), Ok(page("guide/b.md", Some("part-one"))));
    }

    #[test]
    fn missing_and_draft_pages_are_errors_naming_the_target() {
        let error = from_b("../nowhere.md").unwrap_err();
        assert!(error.contains("content/nowhere.md, which does not exist"), "{error}");
        let error = from_b("secret.md").unwrap_err();
        assert!(error.contains("is a draft"), "{error}");
        assert!(from_b("../../../etc/passwd.md").unwrap_err().contains("above the content directory"));
    }

    #[test]
    fn assets_and_output_paths_are_told_apart() {
        assert_eq!(from_b("img/x.svg"), Ok(Reference::Asset("guide/img/x.svg".into())));
        assert_eq!(
            from_b("img/missing.svg"),
            Ok(Reference::Output { path: "guide/img/missing.svg".into(), anchor: None })
        );
        assert_eq!(from_b("../demo/"), Ok(Reference::Output { path: "demo/".into(), anchor: None }));
        assert_eq!(from_b("/atom.xml"), Ok(Reference::Output { path: "atom.xml".into(), anchor: None }));
        assert_eq!(from_b("/guide/#x"), Ok(Reference::Output { path: "guide/".into(), anchor: Some("x".into()) }));
    }

    #[test]
    fn external_links_are_not_checked() {
        for destination in ["https://kernel.org", "mailto:a@b.c", "//cdn.example/x.js", "tel:+1"] {
            assert_eq!(from_b(destination), Ok(Reference::External), "{destination}");
        }
    }
}

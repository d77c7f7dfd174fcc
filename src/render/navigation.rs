//! Navigation as templates show it: the sidebar, previous/next links in
//! reading order, breadcrumbs (ancestors) and a section's children.

use std::collections::BTreeSet;

use crate::content::{PageKind, Site};

use super::{ChildView, NavEntry, PageLink};

/// The sidebar as seen from one page: every top-level entry, with the
/// children of the sections on the way to the current page expanded. (A fully
/// expanded tree on every page would make the output grow with the square of
/// the number of pages.)
pub fn sidebar(site: &Site, base_path: &str, current: Option<usize>) -> Vec<NavEntry> {
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

/// The pages before and after `index` in reading order, when it has a place in it.
pub fn prev_next(site: &Site, index: usize, base_path: &str) -> (Option<PageLink>, Option<PageLink>) {
    let position = site.reading_order.iter().position(|&candidate| candidate == index);
    let prev = position
        .and_then(|position| position.checked_sub(1))
        .map(|before| page_link(site, site.reading_order[before], base_path));
    let next = position
        .and_then(|position| site.reading_order.get(position + 1))
        .map(|&after| page_link(site, after, base_path));
    (prev, next)
}

/// The sections above `index`, outermost first (breadcrumbs).
pub fn ancestors(site: &Site, index: usize, base_path: &str) -> Vec<PageLink> {
    let mut ancestors = Vec::new();
    let mut parent = site.pages[index].parent;
    while let Some(section) = parent {
        ancestors.push(page_link(site, section, base_path));
        parent = site.pages[section].parent;
    }
    ancestors.reverse();
    ancestors
}

/// The pages a section lists.
pub fn children(site: &Site, index: usize, base_path: &str) -> Vec<ChildView> {
    site.pages[index]
        .children
        .iter()
        .map(|&child| {
            let child_page = &site.pages[child];
            ChildView {
                title: child_page.front.title.clone(),
                url: format!("{base_path}{}", child_page.path),
                description: child_page.front.description.clone(),
                date: child_page.front.date.as_ref().map(super::iso_date),
                kind: child_page.kind,
            }
        })
        .collect()
}

fn page_link(site: &Site, index: usize, base_path: &str) -> PageLink {
    PageLink { title: site.pages[index].front.title.clone(), url: format!("{base_path}{}", site.pages[index].path) }
}

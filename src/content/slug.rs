//! Slugs for URLs and heading anchors.

use std::collections::HashSet;

/// Lower-cases, keeps letters and digits of any script, turns runs of anything
/// else into one `-`. Unicode is kept (HTML ids and IRIs allow it) so that a
/// heading in any language gets a readable anchor.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for character in text.chars() {
        if character.is_alphanumeric() || character == '_' {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(character.to_lowercase());
        } else if character == '\'' || character == '\u{2019}' {
            // Apostrophes join words: "don't" → "dont", as readers expect.
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether `slug` can be used as-is as a URL path segment chosen by an author.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug != "."
        && slug != ".."
        && slug.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Hands out unique anchors within one page: the first `intro` stays `intro`,
/// the next ones become `intro-1`, `intro-2`... skipping anchors already taken
/// (explicit `{#id}` ones are reserved first so they always win).
#[derive(Debug, Default)]
pub struct AnchorSet {
    taken: HashSet<String>,
}

impl AnchorSet {
    pub fn reserve(&mut self, explicit: &str) -> bool {
        self.taken.insert(explicit.to_string())
    }

    pub fn unique(&mut self, text: &str) -> String {
        let base = match slugify(text) {
            slug if slug.is_empty() => "section".to_string(),
            slug => slug,
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free anchor")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_unicode_letters_and_collapse_punctuation() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("Über die Brücke"), "über-die-brücke");
        assert_eq!(slugify("  Linux 6.1 -- in WASM  "), "linux-6-1-in-wasm");
        assert_eq!(slugify("Don't panic"), "dont-panic");
        assert_eq!(slugify("日本語 テキスト"), "日本語-テキスト");
        assert_eq!(slugify("`mmap()` & friends"), "mmap-friends");
        assert_eq!(slugify("?!"), "");
    }

    #[test]
    fn duplicate_headings_get_numbered_anchors() {
        let mut anchors = AnchorSet::default();
        assert_eq!(anchors.unique("Intro"), "intro");
        assert_eq!(anchors.unique("Intro"), "intro-1");
        assert_eq!(anchors.unique("intro"), "intro-2");
        assert_eq!(anchors.unique("!!!"), "section");
    }

    #[test]
    fn explicit_anchors_win_over_generated_ones() {
        let mut anchors = AnchorSet::default();
        assert!(anchors.reserve("intro"));
        assert_eq!(anchors.unique("Intro"), "intro-1");
        assert!(!anchors.reserve("intro"), "a second explicit `intro` is a duplicate");
    }

    #[test]
    fn author_slugs_are_validated() {
        assert!(is_valid_slug("library-os"));
        assert!(is_valid_slug("v6.1"));
        assert!(!is_valid_slug("a/b"));
        assert!(!is_valid_slug(".."));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("with space"));
    }
}

//! Slide decks: one Markdown file split into slides by `---` lines, each with
//! optional speaker notes after a `???` line.

/// One slide of a deck, still in Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slide {
    pub markdown: String,
    pub notes: String,
    /// 1-based line in the deck file where the slide starts, for error messages.
    pub first_line: usize,
}

/// Splits a deck body (front matter already removed) into slides.
/// `body_first_line` is the 1-based file line on which the body starts.
pub fn split_deck(body: &str, body_first_line: usize) -> Vec<Slide> {
    vec![Slide { markdown: body.to_string(), notes: String::new(), first_line: body_first_line }]
}

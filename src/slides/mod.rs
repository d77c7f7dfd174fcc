//! Slide decks: one Markdown file split into slides by `---` lines, each with
//! optional speaker notes after a `???` line.
//!
//! The rules, as in remark and Marp:
//! - a line that is exactly `---` (trailing spaces allowed) ends a slide;
//! - within a slide, the first line that is exactly `???` starts its notes;
//! - both are ignored inside fenced code blocks (``` or ~~~), so a code
//!   sample may contain them;
//! - slides with neither content nor notes (e.g. after a trailing `---`) are
//!   dropped.
//!
//! Line endings are normalised to `\n`, so CRLF files give the same slides.

/// One slide of a deck, still in Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slide {
    pub markdown: String,
    pub notes: String,
    /// 1-based line in the deck file where the slide starts, for error messages.
    pub first_line: usize,
}

/// An open fenced code block: its fence character and length.
#[derive(Clone, Copy)]
struct Fence {
    marker: char,
    length: usize,
}

impl Fence {
    /// The fence a line opens, if it opens one (CommonMark: up to three spaces
    /// of indentation, then at least three backticks or tildes).
    fn opened_by(line: &str) -> Option<Fence> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent > 3 {
            return None;
        }
        let rest = &line[indent..];
        let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let length = rest.len() - rest.trim_start_matches(marker).len();
        // A backtick fence's info string may not contain backticks.
        let info = &rest[length..];
        (length >= 3 && !(marker == '`' && info.contains('`'))).then_some(Fence { marker, length })
    }

    /// Whether a line closes this fence: the same character, at least as many,
    /// and nothing after it but spaces.
    fn is_closed_by(&self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return false;
        }
        let length = trimmed.len() - trimmed.trim_start_matches(self.marker).len();
        length >= self.length && trimmed[length..].trim().is_empty()
    }
}

/// The slide being collected.
struct SlideBuilder {
    markdown: Vec<String>,
    notes: Option<Vec<String>>,
    first_line: usize,
}

impl SlideBuilder {
    fn new(first_line: usize) -> Self {
        Self { markdown: Vec::new(), notes: None, first_line }
    }

    fn push(&mut self, line: &str) {
        self.notes.as_mut().unwrap_or(&mut self.markdown).push(line.to_string());
    }

    fn finish(self, slides: &mut Vec<Slide>) {
        let leading_blank_lines = self.markdown.iter().take_while(|line| line.trim().is_empty()).count();
        let markdown = join_trimmed(&self.markdown);
        let notes = join_trimmed(self.notes.as_deref().unwrap_or_default());
        if !markdown.is_empty() || !notes.is_empty() {
            // Point at the slide's first non-blank line, which is line 1 of `markdown`.
            let first_line = self.first_line + if markdown.is_empty() { 0 } else { leading_blank_lines };
            slides.push(Slide { markdown, notes, first_line });
        }
    }
}

/// Joins lines without the blank lines around them; empty if all are blank.
fn join_trimmed(lines: &[String]) -> String {
    let is_blank = |line: &&String| line.trim().is_empty();
    let start = lines.iter().position(|line| !is_blank(&line)).unwrap_or(lines.len());
    let end = lines.iter().rposition(|line| !is_blank(&line)).map_or(start, |last| last + 1);
    let mut text = lines[start..end].join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// Splits a deck body (front matter already removed) into slides.
/// `body_first_line` is the 1-based file line on which the body starts.
/// `first_line` of each slide is the line just after its separator (or the
/// body's first line), so Markdown errors can be reported against the file.
pub fn split_deck(body: &str, body_first_line: usize) -> Vec<Slide> {
    let mut slides = Vec::new();
    let mut current = SlideBuilder::new(body_first_line);
    let mut open_fence: Option<Fence> = None;
    for (index, line) in body.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line_number = body_first_line + index;
        match open_fence {
            Some(fence) => {
                if fence.is_closed_by(line) {
                    open_fence = None;
                }
            }
            None if line.trim_end() == "---" => {
                std::mem::replace(&mut current, SlideBuilder::new(line_number + 1)).finish(&mut slides);
                continue;
            }
            None if line.trim_end() == "???" && current.notes.is_none() => {
                current.notes = Some(Vec::new());
                continue;
            }
            None => open_fence = Fence::opened_by(line),
        }
        current.push(line);
    }
    current.finish(&mut slides);
    slides
}

#[cfg(test)]
mod tests;

use super::*;

fn slide(markdown: &str, notes: &str, first_line: usize) -> Slide {
    Slide { markdown: markdown.to_string(), notes: notes.to_string(), first_line }
}

#[test]
fn slides_are_split_on_separator_lines() {
    let body = "# One\n\ntext\n---\n# Two\n---\n\n# Three\n";
    assert_eq!(
        split_deck(body, 4),
        [slide("# One\n\ntext\n", "", 4), slide("# Two\n", "", 8), slide("# Three\n", "", 11)]
    );
}

#[test]
fn notes_follow_the_question_marks() {
    let body = "# One\n???\nSay hello.\n\nSlowly.\n---\n# Two\n\n???\n";
    assert_eq!(split_deck(body, 1), [slide("# One\n", "Say hello.\n\nSlowly.\n", 1), slide("# Two\n", "", 7)]);
    // Only the first `???` starts the notes; a later one is part of them.
    assert_eq!(split_deck("a\n???\nb\n???\nc\n", 1), [slide("a\n", "b\n???\nc\n", 1)]);
}

#[test]
fn separators_inside_fenced_code_are_content() {
    let body = "```diff\n--- a/x\n---\n???\n+++ b/x\n```\n???\nnotes\n---\n~~~~\n---\n~~~\n---\n~~~~\n---\nlast\n";
    let slides = split_deck(body, 1);
    assert_eq!(slides.len(), 3, "{slides:#?}");
    assert_eq!(slides[0], slide("```diff\n--- a/x\n---\n???\n+++ b/x\n```\n", "notes\n", 1));
    // A shorter fence does not close a longer one.
    assert_eq!(slides[1], slide("~~~~\n---\n~~~\n---\n~~~~\n", "", 10));
    assert_eq!(slides[2], slide("last\n", "", 16));
}

#[test]
fn an_unclosed_fence_runs_to_the_end_of_the_deck() {
    let slides = split_deck("```c\nint x;\n---\nmore\n", 1);
    assert_eq!(slides, [slide("```c\nint x;\n---\nmore\n", "", 1)]);
}

#[test]
fn indented_or_decorated_dashes_are_not_separators() {
    let body = "a\n    ---\n--- x\n----\n- - -\nb\n";
    assert_eq!(split_deck(body, 1).len(), 1);
    // Trailing spaces are invisible, so they are forgiven.
    assert_eq!(split_deck("a\n---  \nb\n", 1).len(), 2);
}

#[test]
fn leading_trailing_and_doubled_separators_make_no_empty_slides() {
    let body = "\n---\n# One\n---\n\n---\n# Two\n---\n\n";
    assert_eq!(split_deck(body, 5), [slide("# One\n", "", 7), slide("# Two\n", "", 11)]);
    assert_eq!(split_deck("", 1), []);
    assert_eq!(split_deck("---\n---\n", 1), []);
}

#[test]
fn a_slide_with_only_notes_is_kept() {
    assert_eq!(
        split_deck("a\n---\n???\nblank slide, just talk\n", 1),
        [slide("a\n", "", 1), slide("", "blank slide, just talk\n", 3)]
    );
}

#[test]
fn crlf_decks_split_like_lf_decks() {
    let lf = "# One\n```\n---\n```\n???\nn\n---\n# Two\n";
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(split_deck(&crlf, 3), split_deck(lf, 3));
    assert!(split_deck(&crlf, 3).iter().all(|slide| !slide.markdown.contains('\r') && !slide.notes.contains('\r')));
}

#[test]
fn first_line_points_at_the_first_non_blank_line() {
    let body = "one\n---\n\n\n## two\n";
    let slides = split_deck(body, 10);
    assert_eq!(slides[1].first_line, 14);
    assert_eq!(body.lines().nth(slides[1].first_line - 10), Some("## two"));
}

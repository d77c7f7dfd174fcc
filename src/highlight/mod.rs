//! Syntax highlighting of fenced code blocks with syntect, emitting CSS classes
//! so that one stylesheet can carry a light and a dark theme.
//!
//! Contract used by the Markdown renderer:
//! - [`highlight_fence`] takes the fence's whole info string (language plus
//!   options such as highlighted lines) and the code, and returns the finished
//!   `<pre>…</pre>` HTML;
//! - [`stylesheet`] returns the CSS for both themes, switched by
//!   `prefers-color-scheme`.
//!
//! The info string is `language` followed by comma-separated options, as in
//! Zola: `c,linenos,hl_lines=3 5-7`. Options:
//! - `hl_lines=3 5-7`: tint those lines (numbered from 1 within the block);
//! - `hide_lines=1-2`: leave those lines out of the output;
//! - `linenos`: show line numbers (drawn by CSS, so copying skips them);
//! - `linenostart=N`: number the first line N (implies `linenos`).
//!
//! Languages: everything in syntect's bundled set (C, C++, Python, Bash as
//! `sh`/`bash`/`shell`, Makefile, Diff, JavaScript, Rust, JSON, YAML, HTML,
//! CSS…) plus our own definitions in `syntaxes/`: TOML, Kconfig and `.config`
//! (`kconfig`, `config`), LLVM IR (`llvm`, `ll`), shell sessions (`console`,
//! `shell-session`), GNU assembler (`asm`, `s`, `gas`) and WebAssembly text
//! (`wat`, `wasm`). `text`, `plain` or no language mean plain on purpose.
//!
//! Output shape: `<pre class="code hl-code" data-lang="c"><code class="language-c">`
//! then one `<span class="line">…\n</span>` per line (`line hl` when tinted),
//! each line self-contained: spans a token opened on an earlier line are
//! re-opened, so that a line can be styled as a block without breaking nesting.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};

use syntect::highlighting::{Highlighter, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};

/// Prefix of every token class, so that theme rules cannot hit the site's own classes.
const CLASS_PREFIX: &str = "hl-";
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: CLASS_PREFIX };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Fence languages whose names syntect would not find by itself (it matches
/// syntax names and file extensions), mapped to a name or extension it knows.
const LANGUAGE_ALIASES: [(&str, &str); 14] = [
    ("shell", "bash"),
    ("console", "console"),
    ("shell-session", "console"),
    ("shellsession", "console"),
    ("assembly", "s"),
    ("nasm", "s"),
    ("make", "makefile"),
    ("mk", "makefile"),
    ("patch", "diff"),
    ("javascript", "js"),
    ("llvm-ir", "ll"),
    (".config", "config"),
    ("wasm", "wat"),
    ("webassembly", "wat"),
];

/// Languages that mean "no highlighting, on purpose".
const PLAIN_LANGUAGES: [&str; 4] = ["", "text", "plain", "txt"];

#[derive(Debug, thiserror::Error)]
pub enum HighlightError {
    #[error(
        "unknown code block option `{0}`; the options are `hl_lines=…`, `hide_lines=…`, `linenos` and \
         `linenostart=N`, separated by commas after the language (e.g. ```c,hl_lines=2 4-6)"
    )]
    UnknownOption(String),
    #[error("code block option `{option}` has a bad value `{value}`: {reason}")]
    BadOptionValue { option: &'static str, value: String, reason: String },
    #[error("code block option `{option}` names line {line}, but the block has only {line_count} lines")]
    LineOutOfRange { option: &'static str, line: usize, line_count: usize },
    #[error("highlighting `{language}` failed on line {line} of the block: {message}")]
    Syntax { language: String, line: usize, message: String },
}

/// The parsed fence info string.
#[derive(Debug, Default, PartialEq, Eq)]
struct FenceOptions {
    language: String,
    highlighted: Vec<LineRange>,
    hidden: Vec<LineRange>,
    line_numbers: bool,
    first_line_number: Option<usize>,
}

/// An inclusive range of 1-based line numbers within a code block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LineRange {
    first: usize,
    last: usize,
}

impl LineRange {
    fn contains(&self, line: usize) -> bool {
        (self.first..=self.last).contains(&line)
    }
}

fn parse_fence_info(info: &str) -> Result<FenceOptions, HighlightError> {
    let mut parts = info.split(',').map(str::trim);
    let mut options = FenceOptions::default();
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = if first.contains('=') {
        // No language, options only: "```hl_lines=2".
        std::iter::once(first).chain(parts).collect()
    } else {
        if first.contains(char::is_whitespace) {
            let extra = first.split_whitespace().nth(1).unwrap_or_default();
            return Err(HighlightError::UnknownOption(extra.to_string()));
        }
        options.language = first.to_ascii_lowercase();
        parts.collect()
    };
    for option in rest.into_iter().filter(|option| !option.is_empty()) {
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (option, None),
        };
        match (name, value) {
            ("hl_lines", Some(value)) => options.highlighted.extend(parse_line_ranges("hl_lines", value)?),
            ("hide_lines", Some(value)) => options.hidden.extend(parse_line_ranges("hide_lines", value)?),
            ("linenos", None) => options.line_numbers = true,
            ("linenostart", Some(value)) => {
                let start = value.parse::<usize>().map_err(|_| HighlightError::BadOptionValue {
                    option: "linenostart",
                    value: value.to_string(),
                    reason: "expected a whole number such as `linenostart=10`".to_string(),
                })?;
                options.first_line_number = Some(start);
                options.line_numbers = true;
            }
            _ => return Err(HighlightError::UnknownOption(option.to_string())),
        }
    }
    Ok(options)
}

/// Parses a list of lines and ranges such as `3 5-7`.
fn parse_line_ranges(option: &'static str, value: &str) -> Result<Vec<LineRange>, HighlightError> {
    let bad =
        |reason: &str| HighlightError::BadOptionValue { option, value: value.to_string(), reason: reason.to_string() };
    let parse_line = |text: &str| match text.trim().parse::<usize>() {
        Ok(0) | Err(_) => Err(bad("expected line numbers from 1 and ranges like `3 5-7`, separated by spaces")),
        Ok(line) => Ok(line),
    };
    let ranges = value
        .split_whitespace()
        .map(|item| {
            let (first, last) = match item.split_once('-') {
                Some((first, last)) => (parse_line(first)?, parse_line(last)?),
                None => {
                    let line = parse_line(item)?;
                    (line, line)
                }
            };
            if first > last {
                return Err(bad("a range must go upwards, like `5-7`"));
            }
            Ok(LineRange { first, last })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if ranges.is_empty() {
        return Err(bad("expected at least one line number"));
    }
    Ok(ranges)
}

/// syntect's bundled syntaxes plus ours (`syntaxes/*.sublime-syntax`),
/// linked at build time by `build_syntaxes.rs`.
static SYNTAX_DUMP: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/syntaxes.packdump"));

static SYNTAX_SET: LazyLock<SyntaxSet> = LazyLock::new(|| syntect::dumps::from_binary(SYNTAX_DUMP));

/// The syntax set, loaded once per process. Exposed so callers can force the
/// (one-off, measurable) load early, e.g. before timing a render.
pub fn syntax_set() -> &'static SyntaxSet {
    &SYNTAX_SET
}

/// Finds the syntax for a fence language, or `None` when it is unknown or plain.
fn find_syntax(language: &str) -> Option<&'static SyntaxReference> {
    if PLAIN_LANGUAGES.contains(&language) {
        return None;
    }
    let token = LANGUAGE_ALIASES.iter().find(|(alias, _)| *alias == language).map_or(language, |(_, target)| target);
    syntax_set().find_syntax_by_token(token)
}

/// Whether a fence language gets highlighted (plain-text names count as known),
/// so that a checker can warn about typos such as ```pyhton.
pub fn is_known_language(language: &str) -> bool {
    let language = language.trim().to_ascii_lowercase();
    PLAIN_LANGUAGES.contains(&language.as_str()) || find_syntax(&language).is_some()
}

/// Blocks already highlighted, by info string and code: the output is a pure
/// function of the two, and sites repeat blocks (a build command, a config
/// snippet) while `serve` re-renders a page's unchanged blocks on every edit.
/// syntect costs about a millisecond a block, a lookup next to nothing.
static HIGHLIGHTED: LazyLock<Mutex<HashMap<(String, String), String>>> = LazyLock::new(Mutex::default);

/// Bounds the cache, for long `serve` sessions: when full it starts afresh.
const HIGHLIGHTED_CAPACITY: usize = 20_000;

/// Highlights one fenced code block; see the module documentation for the info
/// string and the HTML produced. An unknown language is not an error: the code
/// is escaped and marked `code-plain`.
pub fn highlight_fence(info: &str, code: &str) -> Result<String, HighlightError> {
    let key = (info.to_string(), code.to_string());
    // A poisoned lock only means another thread panicked mid-insert: the map is still sound.
    let cached = HIGHLIGHTED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&key).cloned();
    if let Some(html) = cached {
        return Ok(html);
    }
    // Errors are not cached: they are rare, cheap, and stop the build anyway.
    let html = highlight_fence_uncached(info, code)?;
    let mut cache = HIGHLIGHTED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if cache.len() >= HIGHLIGHTED_CAPACITY {
        cache.clear();
    }
    cache.insert(key, html.clone());
    Ok(html)
}

fn highlight_fence_uncached(info: &str, code: &str) -> Result<String, HighlightError> {
    let options = parse_fence_info(info)?;
    let lines: Vec<&str> = code.lines().collect();
    for (option, ranges) in [("hl_lines", &options.highlighted), ("hide_lines", &options.hidden)] {
        if let Some(range) = ranges.iter().find(|range| range.last > lines.len()) {
            return Err(HighlightError::LineOutOfRange { option, line: range.last, line_count: lines.len() });
        }
    }

    let syntax = find_syntax(&options.language);
    let language = if options.language.is_empty() { "text" } else { options.language.as_str() };
    let language_attr = crate::html::escape(language);
    let mut html = String::with_capacity(code.len() * 3);
    html.push_str("<pre class=\"code hl-code");
    if syntax.is_none() {
        html.push_str(" code-plain");
    }
    if options.line_numbers {
        html.push_str(" linenos");
    }
    write!(html, "\" data-lang=\"{language_attr}\"><code class=\"language-{language_attr}\"").unwrap();
    if let Some(start) = options.first_line_number {
        // CSS counters count up before drawing, so start one below.
        write!(html, " style=\"counter-reset: code-line {}\"", start.saturating_sub(1)).unwrap();
    }
    html.push('>');

    let mut highlighter = syntax.map(|syntax| (ParseState::new(syntax), ScopeStack::new()));
    let mut after_hidden_lines = false;
    for (index, line) in lines.iter().enumerate() {
        let line_number = index + 1;
        let tokens = match &mut highlighter {
            Some((parser, scopes)) => Some(highlight_line(parser, scopes, line, language, line_number)?),
            None => None,
        };
        if options.hidden.iter().any(|range| range.contains(line_number)) {
            after_hidden_lines = true;
            continue;
        }
        let tinted = options.highlighted.iter().any(|range| range.contains(line_number));
        html.push_str(if tinted { "<span class=\"line hl\"" } else { "<span class=\"line\"" });
        if options.line_numbers && after_hidden_lines {
            // Numbers stay those of the source, so skip the hidden ones.
            let shown = options.first_line_number.unwrap_or(1) + index;
            write!(html, " style=\"counter-set: code-line {shown}\"").unwrap();
        }
        after_hidden_lines = false;
        html.push('>');
        match tokens {
            Some(tokens) => html.push_str(&tokens),
            None => html.push_str(&crate::html::escape(line)),
        }
        html.push_str("\n</span>");
    }
    html.push_str("</code></pre>");
    Ok(html)
}

/// Highlights one line (without its line ending) into self-contained HTML:
/// scopes still open from earlier lines are re-opened first and every span
/// opened is closed at the end.
fn highlight_line(
    parser: &mut ParseState,
    scopes: &mut ScopeStack,
    line: &str,
    language: &str,
    line_number: usize,
) -> Result<String, HighlightError> {
    let syntax_error =
        |message: String| HighlightError::Syntax { language: language.to_string(), line: line_number, message };
    let with_newline = format!("{line}\n");
    let mut operations: Vec<(usize, ScopeStackOp)> =
        parser.parse_line(&with_newline, syntax_set()).map_err(|error| syntax_error(error.to_string()))?;
    // Operations at the newline belong at the end of the line's visible text.
    for (offset, _) in &mut operations {
        *offset = (*offset).min(line.len());
    }
    // Scopes closed right at the start of the line are closed before re-opening
    // the rest, so that no empty spans are written.
    let leading_pops =
        operations.iter().take_while(|(offset, op)| *offset == 0 && matches!(op, ScopeStackOp::Pop(_))).count();
    for (_, op) in operations.drain(..leading_pops) {
        scopes.apply(&op).map_err(|error| syntax_error(format!("{error:?}")))?;
    }
    let mut html = String::new();
    for scope in scopes.as_slice() {
        open_span(&mut html, *scope);
    }
    let already_open = scopes.len() as isize;
    let (tokens, opened) = line_tokens_to_classed_spans(line, &operations, CLASS_STYLE, scopes)
        .map_err(|error| syntax_error(error.to_string()))?;
    html.push_str(&tokens);
    for _ in 0..(already_open + opened) {
        html.push_str("</span>");
    }
    Ok(html)
}

fn open_span(html: &mut String, scope: Scope) {
    html.push_str("<span class=\"");
    for (index, atom) in scope.build_string().split('.').enumerate() {
        if index > 0 {
            html.push(' ');
        }
        html.push_str(CLASS_PREFIX);
        html.push_str(atom);
    }
    html.push_str("\">");
}

/// The stylesheet for highlighted code, following the reader's colour theme:
/// `data-theme="light"` or `"dark"` on `<html>` (the theme switch, see
/// `theme/js/color-scheme.js`) wins; without it the system preference
/// decides; print is always light. Each theme's rules are scoped to exactly
/// the cases where it applies, so no rule of the other theme (a bold keyword,
/// say) can leak in. Plus the styling of tinted lines and line numbers, which
/// syntect themes lack.
pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let theme_css = |name: &str, tint: &str, tinted_background: Rgb, line_number: &str| {
        let theme = themes.themes.get(name).unwrap_or_else(|| panic!("syntect no longer bundles the {name} theme"));
        let mut css = css_for_theme_with_class_style(theme, CLASS_STYLE).expect("writing CSS to a String cannot fail");
        let highlighter = Highlighter::new(theme);
        for (ours, borrowed) in BORROWED_COLOURS {
            let colour = highlighter.style_for_stack(&[Scope::new(borrowed).expect("valid scope")]).foreground;
            let selector: String = ours.split('.').map(|atom| format!(".{CLASS_PREFIX}{atom}")).collect();
            writeln!(css, "{selector} {{\n color: #{:02x}{:02x}{:02x};\n}}", colour.r, colour.g, colour.b).unwrap();
        }
        writeln!(css, ".hl-code .line.hl {{ {tint} }}").unwrap();
        writeln!(css, ".hl-code.linenos .line::before {{ color: {line_number}; }}").unwrap();
        readable_colours(&css, tinted_background)
    };
    // The tinted backgrounds are the themes' own (white, #2b303b) under the tint:
    // the lowest contrast any token meets.
    let light = theme_css(
        LIGHT_THEME,
        "background-color: rgba(255, 213, 0, 0.28); box-shadow: inset 3px 0 0 #d4a000;",
        Rgb(255, 244, 184),
        "#6e7781",
    );
    let dark = theme_css(
        DARK_THEME,
        "background-color: rgba(255, 255, 255, 0.10); box-shadow: inset 3px 0 0 #ebcb8b;",
        Rgb(64, 69, 79),
        "#a7adba",
    );
    let mut css = String::new();
    css.push_str("/* Code highlighting for lkljs-site, generated from syntect themes. */\n");
    css.push_str(LINE_CSS);
    for (media, root, rules) in [
        ("print", ":root", &light),
        ("screen and (prefers-color-scheme: light)", ":root:not([data-theme=\"dark\"])", &light),
        ("screen and (prefers-color-scheme: dark)", ":root[data-theme=\"light\"]", &light),
        ("screen and (prefers-color-scheme: dark)", ":root:not([data-theme=\"light\"])", &dark),
        ("screen and (prefers-color-scheme: light)", ":root[data-theme=\"dark\"]", &dark),
    ] {
        writeln!(css, "@media {media} {{\n{}}}", scope_rules(rules, root)).unwrap();
    }
    css
}

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

impl Rgb {
    fn parse(hex: &str) -> Option<Self> {
        let value = u32::from_str_radix(hex.strip_prefix('#')?, 16).ok().filter(|_| hex.len() == 7)?;
        Some(Self((value >> 16) as u8, (value >> 8) as u8, value as u8))
    }

    /// WCAG 2 relative luminance.
    fn luminance(self) -> f64 {
        let channel = |value: u8| {
            let value = f64::from(value) / 255.0;
            if value <= 0.04045 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    fn contrast(self, other: Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour moved `step` of the way towards `target`.
    fn towards(self, target: Self, step: f64) -> Self {
        let mix = |from: u8, to: u8| (f64::from(from) + (f64::from(to) - f64::from(from)) * step).round() as u8;
        Self(mix(self.0, target.0), mix(self.1, target.1), mix(self.2, target.2))
    }
}

/// The contrast every highlighted token keeps with its background: WCAG AA
/// for normal text (4.5:1), with a margin for rounding.
const MINIMUM_CONTRAST: f64 = 4.6;

/// Darkens (on a light background) or lightens (on a dark one) every text
/// colour of a theme that reads at less than [`MINIMUM_CONTRAST`] against
/// `background`, keeping its hue: the bundled themes' comments are too faint.
fn readable_colours(css: &str, background: Rgb) -> String {
    let target = if background.luminance() > 0.18 { Rgb(0, 0, 0) } else { Rgb(255, 255, 255) };
    let mut out = String::with_capacity(css.len());
    for line in css.split_inclusive('\n') {
        let adjusted = line.trim_start().strip_prefix("color: #").and_then(|rest| {
            let mut colour = Rgb::parse(&format!("#{}", rest.get(..6)?))?;
            let mut step = 0;
            while colour.contrast(background) < MINIMUM_CONTRAST && step < 20 {
                colour = colour.towards(target, 0.1);
                step += 1;
            }
            Some(format!(" color: #{:02x}{:02x}{:02x};\n", colour.0, colour.1, colour.2))
        });
        out.push_str(adjusted.as_deref().unwrap_or(line));
    }
    out
}

/// Prefixes every selector of syntect's CSS (one rule per block, its
/// selectors on the line that opens it) with `root`.
fn scope_rules(css: &str, root: &str) -> String {
    let mut scoped = String::with_capacity(css.len() * 2);
    let mut in_comment = false;
    for line in css.lines() {
        let trimmed = line.trim();
        // Comments (the theme's name) pass through as they are.
        if in_comment || trimmed.starts_with("/*") {
            in_comment = !trimmed.ends_with("*/");
            scoped.push_str(line);
            scoped.push('\n');
            continue;
        }
        match trimmed.split_once('{') {
            Some((selectors, rest)) => {
                let prefixed: Vec<String> =
                    selectors.split(',').map(|selector| format!("{root} {}", selector.trim())).collect();
                writeln!(scoped, "{} {{{rest}", prefixed.join(", ")).unwrap();
            }
            None => {
                scoped.push_str(line);
                scoped.push('\n');
            }
        }
    }
    scoped
}

/// Scopes our own syntaxes use that the bundled themes leave uncoloured, and
/// the scope whose theme colour they take instead.
const BORROWED_COLOURS: [(&str, &str); 2] =
    [("entity.name.label", "entity.name.function"), ("entity.name.constant", "entity.name.function")];

/// Theme-independent layout of code lines: each line a block (so a tint spans
/// the full width even when the block scrolls sideways), numbers from a CSS
/// counter so that selecting and copying code leaves them out.
const LINE_CSS: &str = "\
.hl-code { overflow-x: auto; }
.hl-code > code { display: inline-block; min-width: 100%; box-sizing: border-box; }
.hl-code .line { display: block; }
.hl-code.linenos > code { counter-reset: code-line; }
.hl-code.linenos .line { counter-increment: code-line; }
.hl-code.linenos .line::before {
  content: counter(code-line);
  display: inline-block; width: 3ch; margin-right: 1.5ch; text-align: right;
  user-select: none; -webkit-user-select: none;
}
";

#[cfg(test)]
mod tests;

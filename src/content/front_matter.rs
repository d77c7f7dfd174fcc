//! TOML front matter between `+++` lines.

use serde::Deserialize;
use time::OffsetDateTime;

use crate::diagnostic::Diagnostic;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// The metadata an author may give a page, a section (`_index.md`) or a deck.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    pub title: String,
    pub description: String,
    pub date: Option<OffsetDateTime>,
    pub weight: i64,
    pub draft: bool,
    pub template: Option<String>,
    pub slug: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    date: Option<toml::value::Datetime>,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    slug: Option<String>,
}

/// A Markdown file cut into its front matter and body.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub front: FrontMatter,
    /// Shared: `serve` puts the site together again from its sources on
    /// every edit, and copying every page's text took a part of that.
    pub body: Arc<str>,
    /// 1-based line of the file on which the body starts.
    pub body_first_line: usize,
    /// A hash of `body`, taken once when the file is read: the render cache's
    /// keys include it, and hashing every page's text again on each rebuild
    /// was a measurable part of a one-page rebuild under `serve`.
    pub body_hash: u64,
}

const FENCE: &str = "+++";

/// Splits and parses a Markdown file. Errors carry the file's line and column.
pub fn parse(file: &Path, text: &str) -> Result<Parsed, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != FENCE {
        return Err(Diagnostic::new(file, "missing front matter: the file must start with a `+++` line, then TOML such as `title = \"...\"`, then `+++`").at(1, Some(1)));
    }
    let toml_start = first.len();
    let mut offset = toml_start;
    let mut line_number = 1;
    for line in lines {
        line_number += 1;
        if line.trim_end() == FENCE {
            let toml_text = &text[toml_start..offset];
            let body = &text[offset + line.len()..];
            let front = parse_toml(file, toml_text)?;
            let body_hash = {
                let mut hasher = DefaultHasher::new();
                body.hash(&mut hasher);
                hasher.finish()
            };
            return Ok(Parsed { front, body: body.into(), body_first_line: line_number + 1, body_hash });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(file, "front matter is not closed: add a `+++` line after the TOML").at(1, Some(1)))
}

fn parse_toml(file: &Path, toml_text: &str) -> Result<FrontMatter, Diagnostic> {
    // The TOML starts on line 2 of the file.
    let locate = |message: String, offset: Option<usize>| match offset {
        Some(offset) => Diagnostic::new(file, message).at_offset(toml_text, offset, 2),
        None => Diagnostic::new(file, message).at(2, None),
    };
    let raw: RawFrontMatter = toml::from_str(toml_text).map_err(|error| {
        let message = format!("invalid front matter: {}", error.message().trim_end());
        locate(message, error.span().map(|span| span.start))
    })?;
    let date = raw
        .date
        .map(|value| datetime_from_toml(&value).map_err(|message| locate(message, key_offset(toml_text, "date"))))
        .transpose()?;
    if let Some(slug) = &raw.slug
        && !super::slug::is_valid_slug(slug)
    {
        let message = format!("invalid slug `{slug}`: use letters, digits, `-`, `_` or `.` only (one path segment)");
        return Err(locate(message, key_offset(toml_text, "slug")));
    }
    if raw.title.trim().is_empty() {
        return Err(locate("the title is empty: give the page a `title`".to_string(), key_offset(toml_text, "title")));
    }
    Ok(FrontMatter {
        title: raw.title,
        description: raw.description,
        date,
        weight: raw.weight,
        draft: raw.draft,
        template: raw.template,
        slug: raw.slug,
    })
}

/// Byte offset of a top-level `key =` line, to locate semantic errors.
fn key_offset(toml_text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in toml_text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + line.len() - trimmed.len());
        }
        offset += line.len();
    }
    None
}

/// A TOML date (`2024-05-01`) or date-time (`2024-05-01T10:00:00Z`) as UTC.
/// Local date-times without an offset are read as UTC so that builds do not
/// depend on the machine's time zone.
fn datetime_from_toml(value: &toml::value::Datetime) -> Result<OffsetDateTime, String> {
    let date = value.date.ok_or_else(|| format!("invalid date `{value}`: give a date such as 2024-05-01"))?;
    let month = time::Month::try_from(date.month).map_err(|error| format!("invalid date `{value}`: {error}"))?;
    let day = time::Date::from_calendar_date(i32::from(date.year), month, date.day)
        .map_err(|error| format!("invalid date `{value}`: {error}"))?;
    let clock = match value.time {
        Some(clock) => time::Time::from_hms(clock.hour, clock.minute, clock.second.unwrap_or(0))
            .map_err(|error| format!("invalid time in `{value}`: {error}"))?,
        None => time::Time::MIDNIGHT,
    };
    let offset_seconds = match value.offset {
        Some(toml::value::Offset::Custom { minutes }) => i32::from(minutes) * 60,
        Some(toml::value::Offset::Z) | None => 0,
    };
    let offset = time::UtcOffset::from_whole_seconds(offset_seconds)
        .map_err(|error| format!("invalid offset in `{value}`: {error}"))?;
    Ok(time::PrimitiveDateTime::new(day, clock).assume_offset(offset).to_offset(time::UtcOffset::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Parsed, Diagnostic> {
        parse(Path::new("content/page.md"), text)
    }

    #[test]
    fn reads_every_field_and_the_body_line() {
        let parsed = parse_str(
            "+++\ntitle = \"Intro\"\ndescription = \"d\"\ndate = 2024-05-01\nweight = 3\ndraft = true\ntemplate = \"page.html\"\nslug = \"start\"\n+++\n# Hi\n",
        )
        .unwrap();
        assert_eq!(parsed.front.title, "Intro");
        assert_eq!(parsed.front.description, "d");
        assert_eq!(parsed.front.date.unwrap().unix_timestamp(), 1_714_521_600);
        assert_eq!(parsed.front.weight, 3);
        assert!(parsed.front.draft);
        assert_eq!(parsed.front.template.as_deref(), Some("page.html"));
        assert_eq!(parsed.front.slug.as_deref(), Some("start"));
        assert_eq!(&*parsed.body, "# Hi\n");
        assert_eq!(parsed.body_first_line, 10);
    }

    #[test]
    fn date_times_with_offsets_are_normalised_to_utc() {
        let parsed = parse_str("+++\ntitle = \"x\"\ndate = 2024-05-01T02:00:00+02:00\n+++\n").unwrap();
        assert_eq!(parsed.front.date.unwrap().unix_timestamp(), 1_714_521_600);
    }

    #[test]
    fn unknown_keys_are_reported_at_their_line_and_column() {
        let error = parse_str("+++\ntitle = \"x\"\n  tags = [\"a\"]\n+++\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(3), Some(3)));
        assert!(error.message.contains("unknown field `tags`"), "{}", error.message);
    }

    #[test]
    fn toml_syntax_errors_point_into_the_file() {
        let error = parse_str("+++\ntitle = \"x\"\nweight = = 2\n+++\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.column.is_some());
    }

    #[test]
    fn wrong_types_are_located() {
        let error = parse_str("+++\ntitle = \"x\"\n\nweight = \"heavy\"\n+++\n").unwrap_err();
        assert_eq!(error.line, Some(4));
        assert!(error.message.contains("invalid type"), "{}", error.message);
    }

    #[test]
    fn missing_title_is_an_error() {
        let error = parse_str("+++\nweight = 1\n+++\n").unwrap_err();
        assert!(error.message.contains("missing field `title`"), "{}", error.message);
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_explained() {
        let error = parse_str("# no front matter\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        assert!(error.message.contains("must start with a `+++` line"));
        let error = parse_str("+++\ntitle = \"x\"\n").unwrap_err();
        assert!(error.message.contains("not closed"));
    }

    #[test]
    fn bad_slugs_and_dates_are_located() {
        let error = parse_str("+++\ntitle = \"x\"\nslug = \"a/b\"\n+++\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
        let error = parse_str("+++\ntitle = \"x\"\ndate = 10:00:00\n+++\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("invalid date"));
    }

    #[test]
    fn crlf_files_and_byte_order_marks_are_accepted() {
        let parsed = parse_str("\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n").unwrap();
        assert_eq!(parsed.front.title, "x");
        assert_eq!(&*parsed.body, "body\r\n");
        assert_eq!(parsed.body_first_line, 4);
    }
}

//! The site configuration, read from `content/site.toml`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

/// `content/site.toml`. Unknown keys are errors so that typos do not pass silently.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute URL the site is published at, ending in `/`, e.g.
    /// `https://example.org/` or `https://user.github.io/repo/`.
    pub base_url: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub description: String,
    /// BCP 47 language tag for `<html lang>` and the feed.
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site's sources live; when set, every guide page links to its
    /// source file for editing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
    /// Settings of the kernel demo step, read by the `demo` module.
    #[serde(default)]
    pub demo: toml::Table,
}

/// `[repository]` in `site.toml`: the "Edit this page" link of each page
/// points at `{url}/edit/{branch}/content/{page's source}`, the edit URL of
/// GitHub, GitLab (which redirects it) and Forgejo/Gitea.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    /// The repository's web address, e.g. `https://github.com/owner/repo`.
    pub url: String,
    #[serde(default = "default_branch")]
    pub branch: String,
}

fn default_branch() -> String {
    "main".to_string()
}

fn default_language() -> String {
    "en".to_string()
}

impl SiteConfig {
    /// The path part of the base URL, starting and ending with `/` (`/` or `/repo/`).
    /// Every internal link in the output starts with it.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("/", |index| &after_scheme[index..])
    }

    /// The absolute URL of a path below the base.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Reads `site.toml`; `shown_as` names it in errors. `base_url_override`
/// (from `--base-url`) replaces the file's value.
pub fn load(path: &Path, shown_as: &Path, base_url_override: Option<&str>) -> Result<SiteConfig, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Diagnostic::new(
            shown_as,
            format!("cannot read the site configuration: {error}; create it with at least `title` and `base_url`"),
        )
    })?;
    parse(&text, shown_as, base_url_override)
}

pub fn parse(text: &str, shown_as: &Path, base_url_override: Option<&str>) -> Result<SiteConfig, Diagnostic> {
    let mut config: SiteConfig = toml::from_str(text).map_err(|error| {
        let diagnostic =
            Diagnostic::new(shown_as, format!("invalid site configuration: {}", error.message().trim_end()));
        match error.span() {
            Some(span) => diagnostic.at_offset(text, span.start, 1),
            None => diagnostic,
        }
    })?;
    let (value, located) = match base_url_override {
        Some(value) => (value.to_string(), Diagnostic::new("--base-url", "")),
        None => {
            let line =
                text.lines().position(|line| line.trim_start().starts_with("base_url")).map_or(1, |index| index + 1);
            (config.base_url.clone(), Diagnostic::new(shown_as, "").at(line, None))
        }
    };
    config.base_url = normalise_base_url(&value).map_err(|message| Diagnostic { message, ..located })?;
    if let Some(repository) = &mut config.repository {
        let line = text.lines().position(|line| line.trim() == "[repository]").map_or(1, |index| index + 1);
        let invalid = |message: String| Diagnostic::new(shown_as, message).at(line, None);
        let url = repository.url.trim_end_matches('/');
        let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or_default();
        if host.is_empty() || host.starts_with('/') || url.contains(['?', '#', ' ']) {
            return Err(invalid(format!(
                "[repository] url `{}` must be the repository's web address, such as `https://github.com/owner/repo`",
                repository.url
            )));
        }
        if repository.branch.is_empty() || repository.branch.contains(['?', '#', ' ']) {
            return Err(invalid(format!("[repository] branch `{}` is not a branch name", repository.branch)));
        }
        repository.url = url.to_string();
    }
    Ok(config)
}

fn normalise_base_url(value: &str) -> Result<String, String> {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !value.contains(['?', '#', ' ']) => {
            Ok(if value.ends_with('/') { value.to_string() } else { format!("{value}/") })
        }
        _ => Err(format!(
            "base_url `{value}` must be an absolute http(s) URL such as `https://example.org/` or `https://user.github.io/repo/`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<SiteConfig, Diagnostic> {
        parse(text, Path::new("content/site.toml"), None)
    }

    #[test]
    fn reads_the_config_and_derives_the_base_path() {
        let config =
            parse_str("title = \"T\"\nbase_url = \"https://u.github.io/repo\"\n[demo]\nkernel_source = \"/x\"\n")
                .unwrap();
        assert_eq!(config.base_url, "https://u.github.io/repo/");
        assert_eq!(config.base_path(), "/repo/");
        assert_eq!(config.language, "en");
        assert_eq!(config.permalink("guide/"), "https://u.github.io/repo/guide/");
        assert_eq!(config.demo["kernel_source"].as_str(), Some("/x"));
        let root = parse_str("title = \"T\"\nbase_url = \"https://example.org\"\n").unwrap();
        assert_eq!(root.base_path(), "/");
    }

    #[test]
    fn unknown_keys_are_reported_with_line_and_column() {
        let error = parse_str("title = \"T\"\nbase_url = \"https://e.org/\"\ntheme = \"dark\"\n").unwrap_err();
        assert_eq!(error.to_string(), format!("content/site.toml:3:1: {}", error.message));
        assert!(error.message.contains("unknown field `theme`"), "{}", error.message);
    }

    #[test]
    fn the_repository_is_optional_and_checked() {
        let none = parse_str("title = \"T\"\nbase_url = \"https://e.org/\"\n").unwrap();
        assert_eq!(none.repository, None);
        let set = parse_str(
            "title = \"T\"\nbase_url = \"https://e.org/\"\n[repository]\nurl = \"https://git.example/o/r/\"\n",
        )
        .unwrap();
        let repository = set.repository.unwrap();
        assert_eq!((repository.url.as_str(), repository.branch.as_str()), ("https://git.example/o/r", "main"));
        let error =
            parse_str("title = \"T\"\nbase_url = \"https://e.org/\"\n\n[repository]\nurl = \"github.com/o/r\"\n")
                .unwrap_err();
        assert_eq!(error.line, Some(4));
        assert!(error.message.contains("web address"), "{}", error.message);
    }

    #[test]
    fn relative_base_urls_are_refused() {
        let error = parse_str("title = \"T\"\n\nbase_url = \"/docs/\"\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("absolute http(s) URL"));
        let overridden =
            parse("title = \"T\"\nbase_url = \"https://e.org/\"\n", Path::new("site.toml"), Some("ftp://x"))
                .unwrap_err();
        assert!(overridden.to_string().starts_with("--base-url: "), "{overridden}");
    }
}

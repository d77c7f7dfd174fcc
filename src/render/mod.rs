//! Tera templates from `theme/templates/`, and the context each page gets.
//!
//! Templates and what they receive (every one also gets `config`, `assets`
//! — logical asset name → hashed URL — `inline_scripts` — logical name of a
//! `*.inline.js` script → its text, to put inside a `<script>` element with
//! `| safe` — `base_path`, and `sidebar_html`: the
//! sidebar, rendered by `partials/sidebar.html` from `sidebar`, the top-level
//! entries with the sections on the way to the page expanded, and `current`,
//! the page's URL; see [`sidebar`] for how it is shared between pages):
//! - `index.html` (home), `section.html`, `page.html`: `page` (title,
//!   description, url, permalink, date, content, toc, kind, source), `prev` and
//!   `next` (title, url or none), `ancestors`, and for sections `children`;
//! - `slides.html`: `deck` (title, description, url), `slides` (index, html, notes_html);
//! - `404.html`: `page` with a title only.
//!
//! A page may pick another template with `template = "name.html"`.
//!
//! [`page`] renders one page (its Markdown, then its template),
//! [`navigation`] computes what templates show around it, and [`sidebar`]
//! renders the sidebar once for the pages that show the same tree.

pub mod navigation;
pub mod page;
pub mod sidebar;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::Diagnostic;

/// The site's templates, parsed once.
pub struct Templates {
    tera: Tera,
    sources: BTreeMap<String, String>,
    shown_as: PathBuf,
}

impl Templates {
    /// Loads every `*.html` under `dir`, reporting every parse error at once.
    pub fn load(dir: &Path, shown_as: &Path) -> Result<Self, Vec<Diagnostic>> {
        let mut sources = BTreeMap::new();
        let mut diagnostics = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    diagnostics.push(Diagnostic::new(shown_as, format!("cannot read the templates: {error}")));
                    continue;
                }
            };
            if !entry.file_type().is_file() || entry.path().extension().is_none_or(|extension| extension != "html") {
                continue;
            }
            let name =
                entry.path().strip_prefix(dir).expect("below the walked root").to_string_lossy().replace('\\', "/");
            match std::fs::read_to_string(entry.path()) {
                Ok(source) => {
                    if let Err(error) = tera::Template::new(&name, None, &source) {
                        diagnostics.push(template_diagnostic(&shown_as.join(&name), &error));
                    }
                    sources.insert(name, source);
                }
                Err(error) => diagnostics.push(Diagnostic::new(shown_as.join(&name), format!("cannot read: {error}"))),
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(sources.iter().map(|(name, source)| (name.as_str(), source.as_str())))
            .map_err(|error| vec![template_diagnostic(shown_as, &error)])?;
        Ok(Self { tera, sources, shown_as: shown_as.to_path_buf() })
    }

    /// Identifies the template set, for cache keys.
    pub fn sources_fingerprint(&self) -> &BTreeMap<String, String> {
        &self.sources
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera.render(name, context).map_err(|error| self.render_diagnostic(name, &error))
    }

    /// Tera's render errors name the template being rendered but neither the
    /// line nor, when a parent template or macro fails, the file. So the cause's
    /// quoted name (variable, filter, function) is looked up along the
    /// template's inheritance chain, then in every other template (macros).
    fn render_diagnostic(&self, name: &str, error: &tera::Error) -> Diagnostic {
        let chain = error_chain(error);
        let cause = chain.rsplit(": ").next().unwrap_or(&chain);
        let cause = cause.split(" while rendering '").next().unwrap_or(cause).trim();
        let mentioned = quoted(cause, '`').or_else(|| quoted(cause, '\''));
        let chain = self.inheritance_chain(name);
        let others = self.sources.keys().map(String::as_str).filter(|other| !chain.contains(other));
        let candidates: Vec<&str> = chain.iter().copied().chain(others).collect();
        let located = mentioned.and_then(|mentioned| {
            let first_segment = mentioned.split(['.', '[', '(']).next().unwrap_or(mentioned);
            [mentioned, first_segment].into_iter().find_map(|needle| {
                candidates.iter().find_map(|candidate| {
                    let line = self.sources[*candidate].lines().position(|line| line.contains(needle))?;
                    Some((*candidate, line + 1))
                })
            })
        });
        let message = format!("template error: {cause}");
        match located {
            Some((culprit, line)) => Diagnostic::new(self.shown_as.join(culprit), message).at(line, None),
            None => Diagnostic::new(self.shown_as.join(name), message),
        }
    }

    /// `name`, its parent, its parent's parent... as `{% extends %}` names them.
    fn inheritance_chain<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        let mut chain = vec![name];
        while let Some(parent) = self.sources.get(*chain.last().expect("never empty")).and_then(|source| {
            let rest = source.split_once("{% extends")?.1;
            let quote = rest.trim_start().chars().next()?;
            let parent = rest.trim_start()[1..].split(quote).next()?;
            self.sources.get_key_value(parent).map(|(key, _)| key.as_str())
        }) {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
        }
        chain
    }
}

/// The first text between a pair of `mark`s.
fn quoted(text: &str, mark: char) -> Option<&str> {
    text.split(mark).nth(1).filter(|inner| !inner.is_empty() && text.matches(mark).count() >= 2)
}

fn error_chain(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(cause.to_string().trim());
        source = cause.source();
    }
    message
}

/// A parse error, located from the ` --> line:column` that Tera's parser prints.
fn template_diagnostic(file: &Path, error: &tera::Error) -> Diagnostic {
    let message = error_chain(error);
    let location = message.split_once("--> ").and_then(|(_, rest)| {
        let position: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ':').collect();
        let (line, column) = position.split_once(':')?;
        Some((line.parse().ok()?, column.parse().ok()))
    });
    // The parser's message draws the line with a caret; its last `= ` part is the cause.
    let cause = message.rsplit_once("= ").map_or(message.as_str(), |(_, cause)| cause);
    let compact = cause.split_whitespace().collect::<Vec<_>>().join(" ");
    let diagnostic = Diagnostic::new(file, format!("template syntax error: {compact}"));
    match location {
        Some((line, column)) => diagnostic.at(line, column),
        None => diagnostic,
    }
}

/// A link to a page, as templates see it.
#[derive(Clone, Debug, Serialize)]
pub struct PageLink {
    pub title: String,
    pub url: String,
}

/// One entry of the sidebar tree.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct NavEntry {
    pub title: String,
    pub url: String,
    pub kind: crate::content::PageKind,
    pub children: Vec<NavEntry>,
}

/// A child of a section, for section listings.
#[derive(Clone, Debug, Serialize)]
pub struct ChildView {
    pub title: String,
    pub url: String,
    pub description: String,
    pub date: Option<String>,
    pub kind: crate::content::PageKind,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub permalink: String,
    /// `YYYY-MM-DD`, if the page has a date.
    pub date: Option<String>,
    pub kind: crate::content::PageKind,
    pub content: &'a str,
    pub toc: &'a [crate::markdown::TocEntry],
    /// The Markdown file, relative to `content/`.
    pub source: String,
    /// Whether the page embeds the live demo (templates then load its script).
    pub has_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SlideView {
    pub index: usize,
    pub html: String,
    pub notes_html: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeckView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    /// Whether a slide embeds the live demo (its scripts are then loaded).
    pub has_demo: bool,
}

/// What every template receives.
#[derive(Serialize)]
pub struct Common<'a> {
    pub config: &'a crate::config::SiteConfig,
    pub base_path: &'a str,
    pub assets: &'a BTreeMap<String, String>,
    /// Scripts that templates inline (`*.inline.js`, see
    /// [`crate::output::assets`]): logical name → text.
    pub inline_scripts: &'a BTreeMap<String, String>,
    /// The demo's files a page downloads (`boot.wasm`, ...) → their
    /// content-hashed URLs; empty without a demo build.
    pub demo_files: &'a BTreeMap<String, String>,
}

pub fn context(common: &Common, specific: impl Serialize) -> Result<Context, Diagnostic> {
    let mut context =
        Context::from_serialize(common).map_err(|error| Diagnostic::new("(template context)", error_chain(&error)))?;
    context.extend(
        Context::from_serialize(specific)
            .map_err(|error| Diagnostic::new("(template context)", error_chain(&error)))?,
    );
    Ok(context)
}

pub fn iso_date(date: &time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a calendar date always formats")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(files: &[(&str, &str)]) -> Result<Templates, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Templates::load(dir.path(), Path::new("theme/templates"))
    }

    #[test]
    fn parse_errors_of_every_template_are_located() {
        let errors =
            templates(&[("a.html", "ok\n{{ oops( }}\n"), ("b.html", "{% if %}"), ("c.html", "fine")]).err().unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].file, Path::new("theme/templates/a.html"));
        assert_eq!(errors[0].line, Some(2), "{errors:?}");
        assert!(errors[0].message.starts_with("template syntax error: expected"), "{errors:?}");
        assert_eq!(errors[1].file, Path::new("theme/templates/b.html"));
        assert_eq!(errors[1].line, Some(1));
    }

    #[test]
    fn errors_in_parent_templates_and_filters_are_located() {
        let templates = templates(&[
            ("base.html", "<main>\n{% block content %}{% endblock content %}\n{{ page.title | shout }}\n</main>"),
            ("page.html", "{% extends \"base.html\" %}"),
            ("section.html", "{% extends \"page.html\" %}"),
        ])
        .unwrap();
        let mut context = Context::new();
        context.insert("page", &serde_json::json!({"title": "T"}));
        let from_page = templates.render("page.html", &context).unwrap_err();
        let from_section = templates.render("section.html", &context).unwrap_err();
        assert_eq!(from_page, from_section, "one cause, one report");
        assert_eq!(from_page.file, Path::new("theme/templates/base.html"), "{from_page}");
        assert_eq!(from_page.line, Some(3), "{from_page}");
        assert_eq!(from_page.message, "template error: Filter 'shout' not found");
    }

    #[test]
    fn render_errors_name_the_template_and_line() {
        let templates = templates(&[
            ("base.html", "<p>\n{{ page.title }}\n{{ missing_thing }}\n</p>"),
            ("page.html", "{% extends \"base.html\" %}"),
        ])
        .unwrap();
        let mut context = Context::new();
        context.insert("page", &serde_json::json!({"title": "T"}));
        let error = templates.render("page.html", &context).unwrap_err();
        assert_eq!(error.file, Path::new("theme/templates/base.html"), "{error}");
        assert_eq!(error.line, Some(3), "{error}");
        assert!(error.message.contains("missing_thing"), "{error}");
    }
}

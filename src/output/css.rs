//! Minification of the published stylesheets with lightningcss (already
//! built for minify-html, so it costs no extra compile time).
//!
//! No browser targets are given: lightningcss then keeps every rule and
//! function as written (`light-dark()`, `@media` queries) and only drops
//! whitespace, comments and redundant syntax.

use std::collections::BTreeMap;

use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};

/// A stylesheet that lightningcss could not parse, with the 1-based line and column.
#[derive(Debug, thiserror::Error)]
#[error("invalid CSS: {message}")]
pub struct CssError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Minifies one stylesheet. `name` is only used in lightningcss's own messages.
pub fn minify(name: &str, css: &str) -> Result<String, CssError> {
    crate::timing::measure(crate::timing::Phase::Minification, || minify_unmeasured(name, css))
}

/// Each stylesheet's last source and minified text, by name: `serve` collects
/// the theme again on every stylesheet edit, and only the edited one has
/// changed (minifying them all took 14 of the 56 ms before the swap message
/// on the build_speed corpus).
#[derive(Debug, Default)]
pub struct MinifiedStylesheets(BTreeMap<String, (String, String)>);

impl MinifiedStylesheets {
    /// [`minify`], reusing the last result for the same name and source.
    pub fn minify(&mut self, name: &str, css: &str) -> Result<String, CssError> {
        if let Some((source, minified)) = self.0.get(name)
            && source == css
        {
            return Ok(minified.clone());
        }
        let minified = minify(name, css)?;
        self.0.insert(name.to_string(), (css.to_string(), minified.clone()));
        Ok(minified)
    }
}

fn minify_unmeasured(name: &str, css: &str) -> Result<String, CssError> {
    let options = ParserOptions { filename: name.to_string(), error_recovery: false, ..ParserOptions::default() };
    let to_error = |message: String, location: Option<lightningcss::error::ErrorLocation>| CssError {
        message,
        line: location.as_ref().map_or(1, |location| location.line as usize + 1),
        column: location.as_ref().map_or(1, |location| location.column as usize),
    };
    let mut sheet =
        StyleSheet::parse(css, options).map_err(|error| to_error(error.kind.to_string(), error.loc.clone()))?;
    sheet.minify(MinifyOptions::default()).map_err(|error| to_error(error.kind.to_string(), error.loc.clone()))?;
    let printed = sheet
        .to_css(PrinterOptions { minify: true, ..PrinterOptions::default() })
        .map_err(|error| to_error(error.kind.to_string(), error.loc.clone()))?;
    Ok(printed.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_shrink_and_keep_their_rules() {
        let css = "/* comment */\n:root {\n  --bg: light-dark(#ffffff, #16181d);\n}\n@media print {\n  .sidebar { display: none; }\n}\n";
        let minified = minify("site.css", css).unwrap();
        assert_eq!(minified, ":root{--bg:light-dark(#fff,#16181d)}@media print{.sidebar{display:none}}");
    }

    /// The highlighting stylesheet that the build publishes minified is valid CSS.
    #[test]
    fn the_highlighting_stylesheet_minifies() {
        let css = crate::highlight::stylesheet();
        let minified = minify("highlight.css", &css).unwrap();
        assert!(minified.contains(".hl-code") && minified.len() < css.len());
    }

    #[test]
    fn minified_stylesheets_are_reused_while_their_source_is_the_same() {
        let mut cache = MinifiedStylesheets::default();
        assert_eq!(cache.minify("a.css", "a { color: red; }").unwrap(), "a{color:red}");
        assert_eq!(cache.minify("a.css", "a { color: red; }").unwrap(), "a{color:red}");
        assert_eq!(cache.minify("a.css", "a { color: blue; }").unwrap(), "a{color:#00f}");
        assert_eq!(cache.minify("b.css", "a { color: red; }").unwrap(), "a{color:red}");
        assert!(cache.minify("a.css", ".b..c { color: red; }").is_err(), "an error is not hidden by the last result");
    }

    #[test]
    fn bad_css_is_located() {
        let error = minify("site.css", "a { color: red; }\n\n.b..c { color: red; }\n").unwrap_err();
        assert_eq!((error.line, error.column), (3, 4), "{error}");
    }
}

//! Minification of the published stylesheets with lightningcss (already
//! built for minify-html, so it costs no extra compile time).
//!
//! No browser targets are given: lightningcss then keeps every rule and
//! function as written (`light-dark()`, `@media` queries) and only drops
//! whitespace, comments and redundant syntax.

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
    fn bad_css_is_located() {
        let error = minify("site.css", "a { color: red; }\n\n.b..c { color: red; }\n").unwrap_err();
        assert_eq!((error.line, error.column), (3, 4), "{error}");
    }
}

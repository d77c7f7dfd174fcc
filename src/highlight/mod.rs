//! Syntax highlighting of fenced code blocks with syntect, emitting CSS classes
//! so that one stylesheet can carry a light and a dark theme.
//!
//! Contract used by the Markdown renderer:
//! - [`highlight_fence`] takes the fence's whole info string (language plus
//!   options such as highlighted lines) and the code, and returns the finished
//!   `<pre>…</pre>` HTML;
//! - [`stylesheet`] returns the CSS for both themes, switched by
//!   `prefers-color-scheme`.

#[derive(Debug, thiserror::Error)]
pub enum HighlightError {
    #[error("unknown code block option `{0}`")]
    UnknownOption(String),
}

/// Placeholder until the syntect implementation lands: escapes the code.
pub fn highlight_fence(_info: &str, code: &str) -> Result<String, HighlightError> {
    let escaped = code.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    Ok(format!("<pre class=\"code\"><code>{escaped}</code></pre>"))
}

pub fn stylesheet() -> String {
    String::new()
}

//! `lkljs-site serve`: the development server with live reload.

use std::path::PathBuf;

/// What the server needs from the site builder. The build module implements it;
/// the server only knows this contract.
pub trait Rebuild: Send {
    /// Builds everything into [`Rebuild::output_dir`].
    fn build_all(&mut self) -> Result<BuildSummary, BuildFailure>;
    /// Rebuilds after the given input files changed (created, modified or removed).
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuildSummary, BuildFailure>;
    /// Directories and files to watch for changes.
    fn watch_paths(&self) -> Vec<PathBuf>;
    /// The directory being served.
    fn output_dir(&self) -> PathBuf;
}

/// What a successful (re)build changed, so the browser can be told the least it needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// URL paths of outputs that were written or removed, e.g. `/guide/intro/` or
    /// `/theme/site.1a2b3c4d.css`.
    pub changed_urls: Vec<String>,
    /// True when only stylesheets changed in substance, so the browser may swap
    /// them without a reload. Hashed stylesheet names have the form
    /// `name.<8 hex>.css`.
    pub only_css: bool,
}

/// A failed build: every error, already formatted for a person (file:line: cause).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildFailure {
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub bind: String,
    pub port: u16,
    pub open_browser: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("serve is not implemented yet")]
    NotImplemented,
}

pub fn serve(_builder: impl Rebuild + 'static, _config: ServeConfig) -> Result<(), ServeError> {
    Err(ServeError::NotImplemented)
}

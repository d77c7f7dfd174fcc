//! A small stand-in for the real site builder, so the server can be tested on its
//! own: it copies a source directory into the output, gives stylesheets content
//! hashes (`style.css` -> `style.1a2b3c4d.css`, referenced from HTML as
//! `{{style.css}}`), fails on a `BUILD-ERROR` marker, and reports what changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lkljs_site::serve::{BuildFailure, BuildSummary, Rebuild};
use sha2::{Digest, Sha256};

use super::files::copy_tree;

pub struct FixtureBuilder {
    source: PathBuf,
    output: PathBuf,
    /// Output path relative to the output root -> bytes, as last written.
    written: BTreeMap<String, Vec<u8>>,
}

/// The text that makes a fixture build fail, naming the file and line.
pub const BUILD_ERROR_MARKER: &str = "BUILD-ERROR";

impl FixtureBuilder {
    pub fn new(source: &Path, output: &Path) -> Self {
        Self { source: source.to_path_buf(), output: output.to_path_buf(), written: BTreeMap::new() }
    }

    fn render(&self) -> Result<BTreeMap<String, Vec<u8>>, BuildFailure> {
        let mut inputs = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&self.source).sort_by_file_name() {
            let entry = entry.map_err(|error| BuildFailure { message: error.to_string() })?;
            let name = entry.file_name().to_string_lossy();
            if !entry.file_type().is_file() || name.starts_with('.') || name.ends_with('~') {
                continue;
            }
            let relative = entry.path().strip_prefix(&self.source).unwrap().to_string_lossy().replace('\\', "/");
            let bytes = std::fs::read(entry.path())
                .map_err(|error| BuildFailure { message: format!("{relative}: {error}") })?;
            if let Ok(text) = std::str::from_utf8(&bytes)
                && let Some(line) = text.lines().position(|line| line.contains(BUILD_ERROR_MARKER))
            {
                return Err(BuildFailure {
                    message: format!("{relative}:{}: found {BUILD_ERROR_MARKER}; remove it", line + 1),
                });
            }
            inputs.insert(relative, bytes);
        }
        let hashed: BTreeMap<String, String> = inputs
            .iter()
            .filter(|(path, _)| path.ends_with(".css"))
            .map(|(path, bytes)| {
                let hash = hex::encode(&Sha256::digest(bytes)[..4]);
                (path.clone(), format!("{}.{hash}.css", path.trim_end_matches(".css")))
            })
            .collect();
        Ok(inputs
            .into_iter()
            .map(|(path, bytes)| match hashed.get(&path) {
                Some(hashed_path) => (hashed_path.clone(), bytes),
                None if path.ends_with(".html") => {
                    let mut text = String::from_utf8(bytes).expect("fixture HTML is UTF-8");
                    for (plain, hashed_path) in &hashed {
                        text = text.replace(&format!("{{{{{plain}}}}}"), &format!("/{hashed_path}"));
                    }
                    (path, text.into_bytes())
                }
                None => (path, bytes),
            })
            .collect())
    }

    fn publish(&mut self, changed_inputs: Option<&[PathBuf]>) -> Result<BuildSummary, BuildFailure> {
        let outputs = self.render()?;
        let mut changed_urls = Vec::new();
        for (path, bytes) in &outputs {
            if self.written.get(path) != Some(bytes) {
                let target = self.output.join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(&target, bytes).unwrap();
                changed_urls.push(url_of(path));
            }
        }
        for path in self.written.keys().filter(|path| !outputs.contains_key(*path)) {
            let _ = std::fs::remove_file(self.output.join(path));
            changed_urls.push(url_of(path));
        }
        self.written = outputs;
        let only_css = changed_inputs.is_some_and(|inputs| {
            !inputs.is_empty() && inputs.iter().all(|input| input.extension().is_some_and(|ext| ext == "css"))
        });
        Ok(BuildSummary { changed_urls, only_css, after_css_swap: false })
    }
}

/// `guide/index.html` -> `/guide/`, `style.1a2b3c4d.css` -> `/style.1a2b3c4d.css`.
fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(directory) => format!("/{directory}"),
        None => format!("/{path}"),
    }
}

impl Rebuild for FixtureBuilder {
    fn build_all(&mut self) -> Result<BuildSummary, BuildFailure> {
        self.publish(None)
    }

    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuildSummary, BuildFailure> {
        self.publish(Some(changed))
    }

    fn watch_paths(&self) -> Vec<PathBuf> {
        vec![self.source.clone()]
    }

    fn output_dir(&self) -> PathBuf {
        self.output.clone()
    }
}

/// A copy of `src/tests/fixtures/site` in a temporary directory, with an output
/// directory beside it and a secret file outside the output root.
pub struct FixtureDirs {
    pub temp: tempfile::TempDir,
    pub source: PathBuf,
    pub output: PathBuf,
}

/// Content of the file placed just outside the output root; no response may contain it.
pub const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-ROOT";

impl FixtureDirs {
    pub fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        let source = temp.path().join("site");
        let output = temp.path().join("public");
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/site"), &source);
        std::fs::write(temp.path().join("secret.txt"), SECRET).unwrap();
        Self { temp, source, output }
    }

    pub fn builder(&self) -> FixtureBuilder {
        FixtureBuilder::new(&self.source, &self.output)
    }

    /// Rewrites a source file the way an editor's atomic save does.
    pub fn save(&self, relative: &str, content: &str) {
        save_atomically(&self.source.join(relative), content);
    }

    pub fn read_source(&self, relative: &str) -> String {
        std::fs::read_to_string(self.source.join(relative)).unwrap()
    }
}

/// Rewrites `target` the way an editor's atomic save does: write a temporary
/// beside it, then rename it over the original.
pub fn save_atomically(target: &Path, content: &str) {
    let name = target.file_name().unwrap().to_string_lossy();
    let temporary = target.with_file_name(format!(".{name}.swp"));
    std::fs::write(&temporary, content).unwrap();
    std::fs::rename(&temporary, target).unwrap();
}

//! The load stage: configuration, templates, theme assets and content read
//! from disk (and the demo step run), in full or, for serve, only what an
//! edit touched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{BuildError, CONTENT, SITE_CONFIG, SiteBuilder, TEMPLATES, THEME};
use crate::config::SiteConfig;
use crate::content::{self, SourceFile};
use crate::demo::{self, DemoState};
use crate::diagnostic::{self, Diagnostic};
use crate::output::assets;
use crate::output::vendor;
use crate::render::Templates;

impl SiteBuilder {
    /// Reads everything and runs the demo step.
    pub fn load(&mut self) -> Result<(), BuildError> {
        let outcome = demo::prepare(&demo::DemoRequest::new(self.root.clone(), self.options.demo))?;
        self.demo = DemoState::from_outcome(outcome)?;
        self.load_inputs()
    }

    /// Reads configuration, templates, theme and content (not the demo: see [`SiteBuilder::set_demo`]).
    pub fn load_inputs(&mut self) -> Result<(), BuildError> {
        let mut diagnostics = Vec::new();
        self.reload_config().unwrap_or_else(|diagnostic| diagnostics.push(diagnostic));
        self.reload_templates().unwrap_or_else(|errors| diagnostics.extend(errors));
        self.reload_theme_assets().unwrap_or_else(|errors| diagnostics.extend(errors));
        self.rescan_content();
        if diagnostics.is_empty() { Ok(()) } else { Err(diagnostics.into()) }
    }

    fn reload_config(&mut self) -> Result<(), Diagnostic> {
        let relative = Path::new(CONTENT).join(SITE_CONFIG);
        let config = crate::config::load(&self.root.join(&relative), &relative, self.options.base_url.as_deref())?;
        self.config = Some(config);
        Ok(())
    }

    fn reload_templates(&mut self) -> Result<(), Vec<Diagnostic>> {
        let relative = Path::new(THEME).join(TEMPLATES);
        self.templates = None;
        self.templates = Some(Templates::load(&self.root.join(&relative), &relative)?);
        Ok(())
    }

    fn reload_theme_assets(&mut self) -> Result<(), Vec<Diagnostic>> {
        let base_path = self.config.as_ref().map_or("/", SiteConfig::base_path).to_string();
        let mut generated = vec![("highlight.css".to_string(), highlight_stylesheet().as_bytes().to_vec())];
        // The vendored browser code: the demo's terminal and the search engine.
        {
            let vendored = vendor::prepare(
                &self.root.join(THEME).join(vendor::VENDOR_DIR),
                &self.root.join("target").join("vendor"),
            )
            .map_err(|error| {
                let file = diagnostic::display_path(&self.root, error.file());
                vec![Diagnostic::new(file, error.to_string())]
            })?;
            generated.extend(vendored);
        }
        self.theme = assets::collect(
            &self.root.join(THEME),
            Path::new(THEME),
            &base_path,
            &generated,
            &mut self.prepared_assets,
        )?;
        Ok(())
    }

    fn rescan_content(&mut self) {
        let scan = content::scan(&self.root.join(CONTENT), Path::new(CONTENT));
        self.sources = scan.files.into_iter().map(|file| (file.source.clone(), file)).collect();
        self.content_assets = scan.assets;
        let benchmarks = self.load_benchmarks();
        self.source_errors = scan
            .problems
            .into_iter()
            .chain(benchmarks.err())
            .map(|problem| {
                (
                    problem.file.strip_prefix(CONTENT).map(Path::to_path_buf).unwrap_or_else(|_| problem.file.clone()),
                    problem,
                )
            })
            .collect();
    }

    /// Reads `content/benchmarks.json`, when the site has one: a JSON object of
    /// figures by benchmark, which pages quote as `bench.` facts.
    fn load_benchmarks(&mut self) -> Result<(), Diagnostic> {
        self.benchmarks = None;
        let relative = Path::new(CONTENT).join(content::BENCHMARKS);
        let text = match std::fs::read_to_string(self.root.join(&relative)) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(Diagnostic::new(&relative, format!("cannot be read: {error}"))),
        };
        let record = "record it again with `LKLJS_BENCH_RECORD=1 cargo bench --bench <name>` (README, Benchmarks)";
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(figures) if figures.is_object() => {
                self.benchmarks = Some(figures);
                Ok(())
            }
            Ok(_) => {
                Err(Diagnostic::new(&relative, format!("must be a JSON object of figures by benchmark; {record}")))
            }
            Err(error) => Err(Diagnostic::new(&relative, format!("is not valid JSON: {error}; fix it or {record}"))
                .at(error.line(), Some(error.column()))),
        }
    }

    /// Applies changed input files to the in-memory site.
    pub(super) fn apply_changes(&mut self, changed: &[PathBuf]) -> Result<AppliedChanges, BuildError> {
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        let mut diagnostics = Vec::new();
        let mut only_css = !changed.is_empty();
        let (mut templates, mut theme, mut config, mut rescan) = (false, false, false, false);
        let mut markdown = Vec::new();
        let mut edited_pages = BTreeSet::new();
        for path in changed {
            let relative = path
                .strip_prefix(&root)
                .or_else(|_| path.strip_prefix(&self.root))
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| path.clone());
            let is_css = relative.extension().is_some_and(|extension| extension == "css");
            if relative.starts_with(Path::new(THEME).join(TEMPLATES)) {
                templates = true;
            } else if relative.starts_with(THEME) {
                theme = true;
            } else if relative == Path::new(CONTENT).join(SITE_CONFIG) {
                config = true;
            } else if let Ok(inside) = relative.strip_prefix(CONTENT) {
                if content::is_ignored_path(inside) {
                    continue;
                }
                if inside.extension().is_some_and(|extension| extension == "md") && self.root.join(&relative).is_file()
                {
                    markdown.push(inside.to_path_buf());
                } else {
                    rescan = true;
                }
            } else {
                continue;
            }
            only_css &=
                is_css && relative.starts_with(THEME) && !relative.starts_with(Path::new(THEME).join(TEMPLATES));
        }
        if config {
            self.reload_config().unwrap_or_else(|diagnostic| diagnostics.push(diagnostic));
            theme = true;
        }
        if templates {
            self.reload_templates().unwrap_or_else(|errors| diagnostics.extend(errors));
        }
        if theme {
            self.reload_theme_assets().unwrap_or_else(|errors| diagnostics.extend(errors));
        }
        if rescan {
            self.rescan_content();
        } else {
            for source in markdown {
                let shown = Path::new(CONTENT).join(&source);
                match content::read_source(&self.root.join(&shown), &shown) {
                    Ok(parsed) => {
                        self.source_errors.remove(&source);
                        edited_pages.insert(source.clone());
                        self.sources.insert(source.clone(), SourceFile { source, parsed });
                    }
                    Err(error) => {
                        self.sources.remove(&source);
                        self.source_errors.insert(source, error);
                    }
                }
            }
        }
        if diagnostics.is_empty() { Ok(AppliedChanges { only_css, edited_pages }) } else { Err(diagnostics.into()) }
    }
}

/// The highlighting stylesheet, generated once per process: it depends only on
/// syntect's bundled themes, which would otherwise be loaded again on every
/// stylesheet edit under `serve` (part of build_speed's "load" for that edit).
fn highlight_stylesheet() -> &'static str {
    static STYLESHEET: OnceLock<String> = OnceLock::new();
    STYLESHEET.get_or_init(crate::highlight::stylesheet)
}

/// What [`SiteBuilder::apply_changes`] found.
pub(super) struct AppliedChanges {
    /// Every change was to a stylesheet.
    pub only_css: bool,
    /// The pages (by source, under `content/`) whose file was edited in place.
    pub edited_pages: BTreeSet<PathBuf>,
}

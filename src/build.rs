//! One build of the site, from `content/` and `theme/` to the output directory.

use std::path::PathBuf;

/// What to do about the kernel demo during a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoMode {
    /// Run the kernel build step (cached by a hash of its inputs).
    Build,
    /// Reuse the last demo build, or render an honest placeholder when there is none.
    ReuseLast,
}

#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub demo: DemoMode,
    /// Build everything in memory but write nothing (used by `check`).
    pub dry_run: bool,
}

impl BuildOptions {
    pub fn new(root: PathBuf, output: PathBuf) -> Self {
        Self { root, output, base_url: None, demo: DemoMode::Build, dry_run: false }
    }
    pub fn base_url(mut self, base_url: Option<String>) -> Self {
        self.base_url = base_url;
        self
    }
    pub fn demo(mut self, demo: DemoMode) -> Self {
        self.demo = demo;
        self
    }
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// The incremental builder kept alive by `serve`.
pub struct SiteBuilder {
    options: BuildOptions,
}

impl SiteBuilder {
    pub fn new(options: BuildOptions) -> anyhow::Result<Self> {
        Ok(Self { options })
    }
}

impl crate::serve::Rebuild for SiteBuilder {
    fn build_all(&mut self) -> Result<crate::serve::BuildSummary, crate::serve::BuildFailure> {
        Err(crate::serve::BuildFailure { message: "build is not implemented yet".into() })
    }
    fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<crate::serve::BuildSummary, crate::serve::BuildFailure> {
        self.build_all()
    }
    fn watch_paths(&self) -> Vec<PathBuf> {
        vec![self.options.root.join("content"), self.options.root.join("theme")]
    }
    fn output_dir(&self) -> PathBuf {
        self.options.output.clone()
    }
}

pub fn build(_options: &BuildOptions) -> anyhow::Result<()> {
    anyhow::bail!("build is not implemented yet")
}

//! The real site under the real development server: a copy of the repository's
//! `content/` and `theme/` in a temporary directory (so tests may edit it),
//! built by [`SiteBuilder`] without the kernel step (`DemoMode::ReuseLast` in a
//! fresh root always renders the demo placeholder) and served by `serve::start`.

use std::path::{Path, PathBuf};

use lkljs_site::build::{BuildOptions, DemoMode, SiteBuilder};
use lkljs_site::serve::{RunningServer, ServeConfig, start};

use super::files::copy_tree;
use super::fixture_site::save_atomically;

pub struct RealSite {
    /// The site root: `content/`, `theme/` and the output `public/`.
    pub root: PathBuf,
    pub server: RunningServer,
    _temp: tempfile::TempDir,
}

impl RealSite {
    /// Serves a copy of the repository's own content and theme.
    pub fn from_repository() -> Self {
        Self::with_content(|content| copy_tree(&repository().join("content"), content))
    }

    /// Serves the repository's theme with content written by `fill` into the
    /// (empty) `content/` directory it is given.
    pub fn with_content(fill: impl FnOnce(&Path)) -> Self {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("site");
        copy_tree(&repository().join("theme"), &root.join("theme"));
        share_vendor_cache(&root);
        std::fs::create_dir_all(root.join("content")).unwrap();
        fill(&root.join("content"));
        let options = BuildOptions::new(root.clone(), root.join("public")).demo(DemoMode::ReuseLast);
        let builder = SiteBuilder::new(options).expect("the output directory is acceptable");
        let server = start(builder, ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false })
            .expect("cannot serve the real site");
        Self { root, server, _temp: temp }
    }

    /// The served URL of a site path such as `/guide/`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.address())
    }

    /// Saves a file of the site root the way an editor does (see [`save_atomically`]).
    pub fn save(&self, relative: &str, content: &str) {
        save_atomically(&self.root.join(relative), content);
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap()
    }
}

/// A copy of the repository's `content/` and `theme/` at `site/` in a new
/// temporary directory, sharing the vendor cache: for tests that build the
/// real site rather than serve it. Keep the directory alive while using the root.
pub fn repository_copy() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("site");
    for part in ["content", "theme"] {
        copy_tree(&repository().join(part), &root.join(part));
    }
    share_vendor_cache(&root);
    (temp, root)
}

/// Points `root/target/vendor` at the repository's, so the theme's pinned
/// packages are fetched once rather than once per test. Only that directory:
/// the kernel cache stays out of reach, so the demo step shows its placeholder.
pub fn share_vendor_cache(root: &Path) {
    let shared = repository().join("target").join("vendor");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::create_dir_all(root.join("target")).unwrap();
    std::os::unix::fs::symlink(shared, root.join("target").join("vendor")).unwrap();
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

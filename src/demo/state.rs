//! The demo as the site sees it: the files published under `demo/`, the
//! manifest that shortcodes and templates quote, or why there is no demo.
//!
//! Every artefact is published under its own name (`demo/boot.js`), which the
//! documented node commands use (`node public/demo/boot.js`, `selftest.js`).
//! The files a page fetches ([`PAGE_FILES`]) are published a second time
//! under content-hashed names in [`HASHED_DIR`] (`demo/hashed/boot.1a2b3c4d.wasm`),
//! which hosts serve with an immutable cache header as they do the theme's
//! assets, so a repeat visit revalidates nothing. Both names share one copy
//! of the bytes in memory.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{DemoError, DemoOutcome};
use crate::output::assets::hashed_name;
use crate::output::{OutputFile, OutputTree};

/// The demo's files that a page downloads, by the names the kernel port gives them.
pub const PAGE_FILES: &[&str] = &["boot.js", "boot.worker.js", "boot.wasm", "userland.cpio"];

/// The output directory of the content-hashed copies of [`PAGE_FILES`].
pub const HASHED_DIR: &str = "demo/hashed";

#[derive(Clone, Debug, Default)]
pub struct DemoState {
    pub files: OutputTree,
    pub manifest: Option<serde_json::Value>,
    pub placeholder: Option<String>,
    /// Each of [`PAGE_FILES`] that the build has → its hashed output path
    /// (`demo/hashed/boot.1a2b3c4d.wasm`), relative to the site's base.
    pub page_files: BTreeMap<String, String>,
}

impl DemoState {
    /// Publishes the artefacts under `demo/` (and the page's files also under
    /// hashed names, see the module comment), plus the manifest.
    pub fn from_outcome(outcome: DemoOutcome) -> Result<Self, DemoError> {
        match outcome {
            DemoOutcome::Placeholder { reason } => Ok(Self { placeholder: Some(reason), ..Self::default() }),
            DemoOutcome::Ready(artifacts) => {
                let unpublishable = |source| DemoError::PublishManifest { dir: artifacts.dir.clone(), source };
                let manifest = serde_json::to_value(&artifacts.manifest).map_err(unpublishable)?;
                let mut files = OutputTree::new();
                let mut page_files = BTreeMap::new();
                for name in &artifacts.files {
                    let source = artifacts.dir.join(name);
                    if !PAGE_FILES.contains(&name.as_str()) {
                        files.insert(format!("demo/{name}"), OutputFile::Copy(source));
                        continue;
                    }
                    let bytes = Arc::new(std::fs::read(&source).map_err(DemoError::io("read", &source))?);
                    let hashed = format!("{HASHED_DIR}/{}", hashed_name(name, &bytes));
                    files.insert(hashed.clone(), OutputFile::Shared(Arc::clone(&bytes)));
                    files.insert(format!("demo/{name}"), OutputFile::Shared(bytes));
                    page_files.insert(name.clone(), hashed);
                }
                let mut json = serde_json::to_string_pretty(&manifest).map_err(unpublishable)?;
                json.push('\n');
                files.insert("demo/manifest.json".to_string(), OutputFile::Bytes(json.into_bytes()));
                Ok(Self { files, manifest: Some(manifest), placeholder: None, page_files })
            }
        }
    }

    /// [`Self::page_files`] as URLs under `base_path` (`/repo/`), for the page's loader.
    pub fn page_file_urls(&self, base_path: &str) -> BTreeMap<String, String> {
        self.page_files.iter().map(|(name, path)| (name.clone(), format!("{base_path}{path}"))).collect()
    }
}

//! The demo as the site sees it: the files published under `demo/`, the
//! manifest that shortcodes and templates quote, or why there is no demo.

use super::{DemoError, DemoOutcome};
use crate::output::{OutputFile, OutputTree};

#[derive(Clone, Debug, Default)]
pub struct DemoState {
    pub files: OutputTree,
    pub manifest: Option<serde_json::Value>,
    pub placeholder: Option<String>,
}

impl DemoState {
    /// Publishes the artefacts under `demo/` with their names unchanged, plus the manifest.
    pub fn from_outcome(outcome: DemoOutcome) -> Result<Self, DemoError> {
        match outcome {
            DemoOutcome::Placeholder { reason } => Ok(Self { placeholder: Some(reason), ..Self::default() }),
            DemoOutcome::Ready(artifacts) => {
                let unpublishable = |source| DemoError::PublishManifest { dir: artifacts.dir.clone(), source };
                let manifest = serde_json::to_value(&artifacts.manifest).map_err(unpublishable)?;
                let mut files: OutputTree = artifacts
                    .files
                    .iter()
                    .map(|name| (format!("demo/{name}"), OutputFile::Copy(artifacts.dir.join(name))))
                    .collect();
                let mut json = serde_json::to_string_pretty(&manifest).map_err(unpublishable)?;
                json.push('\n');
                files.insert("demo/manifest.json".to_string(), OutputFile::Bytes(json.into_bytes()));
                Ok(Self { files, manifest: Some(manifest), placeholder: None })
            }
        }
    }
}

//! STAND-IN for the demo build step, which helper D writes in parallel
//! (`demo-step` branch). It has the agreed public API so that the site builder
//! can be written and tested against it; the lead replaces this file at merge.
//! It never builds the kernel: `prepare` always answers with a placeholder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::DemoMode;

pub struct DemoRequest {
    pub site_root: PathBuf,
    pub mode: DemoMode,
}

pub enum DemoOutcome {
    Ready(DemoArtifacts),
    Placeholder { reason: String },
}

pub struct DemoArtifacts {
    /// Where the artefacts are.
    pub dir: PathBuf,
    /// File names in `dir` to publish under `/demo/`.
    pub files: Vec<String>,
    pub manifest: Manifest,
}

/// The real manifest is a struct with named fields; any JSON object stands in for it here.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot read the demo manifest {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid demo manifest {}: {source}", path.display())]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
}

pub fn prepare(_request: &DemoRequest) -> Result<DemoOutcome, DemoError> {
    Ok(DemoOutcome::Placeholder {
        reason: "this build of lkljs-site does not include the kernel build step yet".to_string(),
    })
}

pub fn read_manifest(path: &Path) -> Result<Manifest, DemoError> {
    let text = std::fs::read_to_string(path).map_err(|source| DemoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| DemoError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

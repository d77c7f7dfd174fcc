//! The real kernel for the tests that boot it: the demo step's build, or its
//! cached result under `target/demo/cache/`.

use std::path::Path;

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DemoArtifacts, DemoOutcome, DemoRequest, prepare};

/// Runs the demo step for the site at `root`, building the kernel when the
/// cache does not already hold it.
pub fn build(root: &Path) -> DemoArtifacts {
    match prepare(&DemoRequest::new(root, DemoMode::Build)) {
        Ok(DemoOutcome::Ready(artifacts)) => artifacts,
        Ok(DemoOutcome::Placeholder { reason }) => panic!("a build never gives a placeholder: {reason}"),
        Err(error) => panic!("the demo step failed: {error}"),
    }
}

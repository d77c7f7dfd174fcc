//! The demo build of this repository for the benches that run its kernel
//! under node: built first if the cache has none; a failed build ends the
//! bench with its error.

use std::path::Path;

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DemoArtifacts, DemoOutcome, DemoRequest, prepare};

/// The built demo, its kernel's version and directory printed first.
pub fn built_demo(bench: &str) -> DemoArtifacts {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let artifacts = match prepare(&DemoRequest::new(root, DemoMode::Build)) {
        Ok(DemoOutcome::Ready(artifacts)) => artifacts,
        Ok(DemoOutcome::Placeholder { reason }) => panic!("a build never gives a placeholder: {reason}"),
        Err(error) => {
            eprintln!("{bench}: the demo build failed: {error}");
            std::process::exit(1);
        }
    };
    println!("kernel: Linux {} ({})", artifacts.manifest.kernel_version, artifacts.dir.display());
    artifacts
}

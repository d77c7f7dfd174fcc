//! The real kernel for the tests that boot it: the demo step's build, or its
//! cached result under `target/demo/cache/`.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

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

/// Held while a test boots a kernel in a browser: one at a time across the
/// whole test binary, so that two boots do not share two cores and turn a
/// slow machine into timeouts.
pub fn one_browser_boot_at_a_time() -> MutexGuard<'static, ()> {
    static BROWSER_BOOT: Mutex<()> = Mutex::new(());
    BROWSER_BOOT.lock().unwrap_or_else(PoisonError::into_inner)
}

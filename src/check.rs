//! `lkljs-site check`: a build that writes nothing and reports every broken
//! internal link or anchor, missing image or asset, and every other error.

use crate::build::{BuildError, BuildOptions, BuildReport};

/// Builds the site in memory only. Any problem makes it fail with the full list.
pub fn check(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    crate::build::build(&options.clone().dry_run(true))
}

//! `lkljs-site check`: a build that writes nothing and reports every broken reference.

use crate::build::BuildOptions;

pub fn check(_options: &BuildOptions) -> anyhow::Result<()> {
    anyhow::bail!("check is not implemented yet")
}

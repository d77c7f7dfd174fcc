//! `lkljs-site serve`: the development server.

use crate::build::BuildOptions;

pub fn serve_site(_options: BuildOptions, _bind: &str, _port: u16, _open: bool) -> anyhow::Result<()> {
    anyhow::bail!("serve is not implemented yet")
}

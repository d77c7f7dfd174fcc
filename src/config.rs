//! The site configuration, read from `content/site.toml`.

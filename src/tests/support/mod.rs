//! What the integration tests share (and the benchmarks, which include this
//! module by path and use parts of it).

pub mod chromium;
pub mod files;
pub mod fixture_site;
pub mod kernel;
pub mod npm_tools;
pub mod processes;
pub mod raw_http;
pub mod real_site;
pub mod static_hosts;

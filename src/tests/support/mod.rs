//! Shared by the serve and browser tests and the live-reload benchmark.
#![allow(dead_code)] // each test binary uses a different part of it

pub mod chromium;
pub mod fixture_site;
pub mod kernel;
pub mod npm_tools;
pub mod raw_http;
pub mod real_site;
pub mod static_hosts;

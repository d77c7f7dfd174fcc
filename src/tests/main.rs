//! The integration tests: one binary (so `support/` and the crate are compiled
//! once), one module a subject. A new test file is one `mod` line below.
//!
//! `cargo test --locked --test integration MODULE::` runs one module, e.g.
//! `cargo test --locked --test integration demo_hosting::`.

mod support;

mod browser;
mod busybox_applets;
mod console_programs;
mod console_tty;
mod demo_hosting;
mod demo_page;
mod demo_step;
mod deploy_files;
mod guide_figures;
mod kernel_boot;
mod page_audit;
mod reader;
mod screenshots;
mod serve_http;
mod site_build;
mod site_e2e;
mod slides_deck;
mod user_libc;

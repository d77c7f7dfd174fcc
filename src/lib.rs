//! `lkljs-site`: a static-site generator for a guide, a slide deck and a live
//! Linux-in-WebAssembly demo.
//!
//! A build ([`build`]) runs four stages, in this order:
//! 1. **load**: `content/site.toml` ([`config`]), the templates, the theme's
//!    assets, the Markdown sources ([`content`]) and the kernel demo step
//!    ([`demo`]);
//! 2. **render**: each page's Markdown to HTML ([`markdown`], [`highlight`],
//!    [`slides`]), then through its template with its navigation ([`render`]);
//! 3. **output**: every step of [`output::OUTPUT_STEPS`] (pages, assets, the
//!    demo's files, the search index, feeds, deploy files) adds its files to
//!    one output tree;
//! 4. **link check**: every internal link and anchor against that tree
//!    ([`content::links`]);
//!
//! then the tree is published atomically ([`output::publish`]). Every stage
//! reports every problem it finds as a located [`diagnostic::Diagnostic`], so
//! one run lists them all. [`check`] is a build that writes nothing; [`serve`]
//! keeps the builder alive, rebuilds what an edit touched and reloads the
//! browser. Library code never prints: progress and messages go through
//! [`report`], which the command line sets up (`--quiet`, `--verbose`,
//! `NO_COLOR`). [`html`] holds the escaping every stage shares.

/// The global allocator of the command line and of the benches that time the
/// builder (`#[global_allocator] static ALLOCATOR: Allocator = Allocator;`): a
/// build makes millions of small allocations on both cores, for which glibc's
/// malloc cost a third of its CPU time.
pub use mimalloc::MiMalloc as Allocator;

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod demo;
pub mod diagnostic;
pub mod highlight;
pub mod html;
pub mod markdown;
pub mod output;
pub mod render;
pub mod report;
pub mod serve;
pub mod slides;
pub mod timing;

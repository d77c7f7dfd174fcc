//! `lkljs-site`: a static-site generator for a guide, a slide deck and a live
//! Linux-in-WebAssembly demo.
//!
//! The pipeline, one module a stage:
//! - [`diagnostic`], the located problems every stage reports;
//! - [`config`], `content/site.toml`;
//! - [`content`], pages, sections, front matter, slugs and internal links;
//! - [`markdown`], Markdown to HTML, headings, table of contents, shortcodes;
//! - [`highlight`], syntect highlighting with CSS classes;
//! - [`html`], the HTML escaping every stage shares;
//! - [`slides`], a Markdown deck split into slides and speaker notes;
//! - [`render`], Tera templates that turn the content model into pages;
//! - [`output`], minification, hashed assets, feeds, deploy files, atomic publish;
//! - [`demo`], the kernel-to-WebAssembly build step and its manifest;
//! - [`build`], one build from inputs to the published directory;
//! - [`check`], a build without writing that reports every broken reference;
//! - [`serve`], the development server with live reload.

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
pub mod serve;
pub mod slides;

//! The output steps for pages: every rendered page, the 404 page, and the
//! assets under `content/` copied to the same paths.

use std::sync::Arc;

use super::{Emitter, OutputContext, OutputFile, OutputStep};
use crate::content::{CONTENT_DIR, file_for_url_path};
use crate::render::page::render_not_found;

/// Each page that rendered, at the file that serves its URL.
pub struct PageFiles;

impl OutputStep for PageFiles {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        for (page, html) in context.site.pages.iter().zip(&context.page_files) {
            if let Some(html) = html {
                let origin = format!("{CONTENT_DIR}/{}", page.source.display());
                out.add(file_for_url_path(&page.path), OutputFile::Shared(Arc::clone(html)), origin);
            }
        }
    }
}

/// Every file under `content/` that is not a page, copied to the same path.
pub struct ContentAssets;

impl OutputStep for ContentAssets {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        for asset in &context.site.assets {
            let path = asset.to_string_lossy().replace('\\', "/");
            let origin = format!("{CONTENT_DIR}/{}", asset.display());
            out.add(path, OutputFile::Copy(context.root.join(CONTENT_DIR).join(asset)), origin);
        }
    }
}

/// `404.html`, from the theme's template of that name.
pub struct NotFoundPage;

impl OutputStep for NotFoundPage {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        match render_not_found(context.site, context.common, context.templates) {
            Ok(page) => out.add("404.html", OutputFile::Bytes(page.html), "theme/templates/404.html"),
            Err(problem) => out.problem(problem),
        }
    }
}

//! Full-build throughput on a synthetic 1,000-page site, and the time of a
//! one-page rebuild under `serve`. Where `hugo` or `mdbook` are installed, the
//! same corpus is rendered with them too and the time ratios are printed.
//!
//! Run with `cargo bench --bench build_speed` (release profile). Set
//! `BENCH_PAGES` to change the corpus size.

mod corpus;
#[allow(dead_code, reason = "the benchmark only copies")]
#[path = "../tests/support/files.rs"]
mod files;

use files::copy_tree;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use lkljs_site::build::{BuildOptions, DemoMode, SiteBuilder};
use lkljs_site::serve::Rebuild;

const RUNS: usize = 5;

fn main() {
    let pages: usize = std::env::var("BENCH_PAGES").ok().and_then(|value| value.parse().ok()).unwrap_or(1000);
    let site = tempfile::tempdir().unwrap();
    let markdown_bytes = corpus::write_corpus(site.path(), pages);
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("theme"), &site.path().join("theme"));
    // The theme's pinned browser packages, fetched once into the repository's target/ (not timed).
    let vendor_cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/vendor");
    std::fs::create_dir_all(&vendor_cache).unwrap();
    std::fs::create_dir_all(site.path().join("target")).unwrap();
    std::os::unix::fs::symlink(&vendor_cache, site.path().join("target/vendor")).unwrap();
    println!(
        "corpus: {pages} pages, {:.1} MiB of Markdown, 5 code blocks and 10 links a page",
        markdown_bytes as f64 / 1048576.0
    );

    let output = site.path().join("public");
    let options = BuildOptions::new(site.path().to_path_buf(), output.clone()).demo(DemoMode::ReuseLast);
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let report = lkljs_site::build::build(&options).expect("the corpus builds");
        times.push(start.elapsed());
        assert_eq!(report.pages, pages + pages.div_ceil(50) + 1);
    }
    let ours = median(&mut times);
    println!(
        "lkljs-site full build: median {:.3} s over {RUNS} runs ({:.0} pages/s), fastest {:.3} s",
        ours.as_secs_f64(),
        pages as f64 / ours.as_secs_f64(),
        times[0].as_secs_f64()
    );

    let mut builder = SiteBuilder::new(options.clone()).unwrap();
    builder.build_all().unwrap();
    let page = site.path().join("content/part-00/page-0007.md");
    let original = std::fs::read_to_string(&page).unwrap();
    let mut rebuilds = Vec::new();
    for edit in 0..RUNS {
        std::fs::write(&page, original.replace("## Topic 0", &format!("Edit {edit}.\n\n## Topic 0"))).unwrap();
        let start = Instant::now();
        let summary = builder.rebuild(std::slice::from_ref(&page)).unwrap();
        rebuilds.push(start.elapsed());
        assert!(summary.changed_urls.contains(&"/part-00/page-0007/".to_string()));
    }
    println!(
        "lkljs-site one-page body edit (serve rebuild, incl. writes): median {:.1} ms",
        median(&mut rebuilds).as_secs_f64() * 1000.0
    );

    compare("hugo", ours, || hugo_build(site.path(), pages));
    compare("mdbook", ours, || mdbook_build(site.path(), pages));
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn on_path(tool: &str) -> bool {
    Command::new(tool).arg("version").output().is_ok() || Command::new(tool).arg("--version").output().is_ok()
}

fn compare(tool: &str, ours: Duration, run: impl Fn() -> Option<Duration>) {
    if !on_path(tool) {
        println!("{tool}: not on PATH, comparison skipped");
        return;
    }
    let mut times: Vec<Duration> = (0..RUNS).filter_map(|_| run()).collect();
    if times.is_empty() {
        println!("{tool}: the build failed, comparison skipped");
        return;
    }
    let theirs = median(&mut times);
    println!(
        "{tool}: median {:.3} s; lkljs-site takes {:.2}× {tool}'s time",
        theirs.as_secs_f64(),
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
}

/// Hugo reads the same `+++` TOML front matter; minimal layouts render each page.
fn hugo_build(corpus: &Path, pages: usize) -> Option<Duration> {
    let site = tempfile::tempdir().ok()?;
    copy_tree(&corpus.join("content"), &site.path().join("content"));
    std::fs::remove_file(site.path().join("content/site.toml")).ok()?;
    std::fs::write(
        site.path().join("hugo.toml"),
        "baseURL = \"https://bench.example/\"\ntitle = \"Benchmark\"\n[markup.highlight]\nnoClasses = false\n",
    )
    .ok()?;
    let layouts = site.path().join("layouts/_default");
    std::fs::create_dir_all(&layouts).ok()?;
    let page = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><nav>{{ range .Site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav><main>{{ .TableOfContents }}{{ .Content }}</main></body></html>";
    std::fs::write(layouts.join("single.html"), page).ok()?;
    std::fs::write(layouts.join("list.html"), page).ok()?;
    let start = Instant::now();
    let status = Command::new("hugo").arg("--quiet").arg("--source").arg(site.path()).status().ok()?;
    let elapsed = start.elapsed();
    let rendered = site.path().join(format!("public/part-{:02}/page-{:04}/index.html", (pages - 1) / 50, pages - 1));
    (status.success() && rendered.exists()).then_some(elapsed)
}

/// mdBook needs a SUMMARY.md; the pages are the same Markdown (front matter shows as text there).
fn mdbook_build(corpus: &Path, pages: usize) -> Option<Duration> {
    let book = tempfile::tempdir().ok()?;
    let src = book.path().join("src");
    copy_tree(&corpus.join("content"), &src);
    let mut summary = String::from("# Summary\n\n");
    for page in 0..pages {
        summary.push_str(&format!("- [Page {page}](part-{:02}/page-{page:04}.md)\n", page / 50));
    }
    std::fs::write(src.join("SUMMARY.md"), summary).ok()?;
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = \"Benchmark\"\n").ok()?;
    let start = Instant::now();
    let status = Command::new("mdbook").arg("build").arg(book.path()).status().ok()?;
    status.success().then(|| start.elapsed())
}

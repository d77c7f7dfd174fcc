//! Full-build time on a synthetic 1,000-page site against Hugo and mdBook in
//! the same run, the rebuild time of each kind of edit under `serve`, and
//! where the time goes, by phase ([`lkljs_site::timing`]).
//!
//! Run with `cargo bench --bench build_speed` (release profile). Set
//! `BENCH_PAGES` to change the corpus size and `BENCH_RUNS` the number of runs
//! (5 by default; every figure is the median), and `BENCH_KEEP=1` to keep
//! the corpus and its output. Hugo (Debian's package) and a
//! pinned mdBook are installed on first use (see `tools.rs`); a tool that cannot
//! be installed is left out of the comparison with a message.
//!
//! The three generators take turns within each round, so that a change in the
//! machine's load during the run weighs on all of them alike: compare the
//! ratios, which come from the same run, rather than absolute times across runs.
//! Each generator's CPU time (user and system, all threads) is printed too:
//! on a machine busy with other work it moves much less than the wall-clock time.
//!
//! With `LKLJS_BENCH_RECORD=1` the full-build figures are also written to
//! `content/benchmarks.json` as `build_speed`, for the guide's results page (record.rs).

/// The command line's allocator, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: lkljs_site::Allocator = lkljs_site::Allocator;

mod corpus;
#[allow(dead_code, reason = "the benchmark only copies")]
#[path = "../tests/support/files.rs"]
mod files;
mod record;
#[allow(dead_code, reason = "a benchmark uses a part of the summaries")]
mod stats;
mod tools;

use files::copy_tree;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lkljs_site::build::{BuildOptions, DemoMode, SiteBuilder};
use lkljs_site::serve::Rebuild;
use lkljs_site::timing::{self, PhaseTimes};

fn main() {
    let pages: usize = env_number("BENCH_PAGES", 1000);
    let runs: usize = env_number("BENCH_RUNS", 5).max(1);
    // `BENCH_KEEP=1` keeps the corpus and our output, to look at them afterwards.
    let keep = std::env::var_os("BENCH_KEEP").is_some();
    let site = tempfile::Builder::new().prefix("lkljs-bench-").disable_cleanup(keep).tempdir().unwrap();
    if keep {
        println!("corpus kept in {}", site.path().display());
    }
    let markdown_bytes = corpus::write_corpus(site.path(), pages);
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("theme"), &site.path().join("theme"));
    // The theme's pinned browser packages, fetched once into the repository's target/ (not timed).
    let vendor_cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/vendor");
    std::fs::create_dir_all(&vendor_cache).unwrap();
    std::fs::create_dir_all(site.path().join("target")).unwrap();
    std::os::unix::fs::symlink(&vendor_cache, site.path().join("target/vendor")).unwrap();
    println!(
        "corpus: {pages} pages, {:.1} MiB of Markdown, 5 code blocks and 10 links a page; {runs} runs, medians shown",
        markdown_bytes as f64 / 1048576.0
    );

    let others: Vec<Competitor> = [
        Competitor::prepare("hugo", tools::hugo(), |tool, dir| HugoSite::new(tool, site.path(), dir, pages)),
        Competitor::prepare("mdbook", tools::mdbook(), |tool, dir| MdBook::new(tool, site.path(), dir, pages)),
    ]
    .into_iter()
    .flatten()
    .collect();

    // Before the runs: how busy the machine was before this benchmark loaded it.
    let machine = record::machine();
    let output = site.path().join("public");
    let options = BuildOptions::new(site.path().to_path_buf(), output.clone()).demo(DemoMode::ReuseLast);
    let mut ours = Vec::new();
    let mut ours_cpu = Vec::new();
    let mut ours_phases = Vec::new();
    let mut theirs: Vec<Vec<Duration>> = vec![Vec::new(); others.len()];
    let mut theirs_cpu: Vec<Vec<Duration>> = vec![Vec::new(); others.len()];
    for round in 0..runs {
        // Every generator builds into an empty directory, its last output
        // removed before the clock starts (as Hugo's and mdBook's are below).
        let _ = std::fs::remove_dir_all(&output);
        timing::take();
        let (start, cpu_before) = (Instant::now(), CpuTimes::now());
        let report = lkljs_site::build::build(&options).expect("the corpus builds");
        ours.push(start.elapsed());
        ours_cpu.push(CpuTimes::now().own - cpu_before.own);
        ours_phases.push(timing::take());
        assert_eq!(report.pages, pages + pages.div_ceil(50) + 1);
        for ((other, times), cpu) in others.iter().zip(&mut theirs).zip(&mut theirs_cpu) {
            let cpu_before = CpuTimes::now();
            match other.build() {
                Ok(time) => {
                    times.push(time);
                    cpu.push(CpuTimes::now().children - cpu_before.children);
                }
                Err(error) => println!("{}: round {} failed: {error}", other.name, round + 1),
            }
        }
    }
    let seconds = |times: &[Duration]| times.iter().map(Duration::as_secs_f64).collect::<Vec<f64>>();
    let mut recorded = serde_json::json!({
        "command": "cargo bench --bench build_speed",
        "machine": machine,
        "pages": pages,
        "runs": runs,
        "lkljs_site_seconds": record::spread(&seconds(&ours), 3),
        "lkljs_site_cpu_seconds": record::spread(&seconds(&ours_cpu), 3),
    });
    let fastest = ours.iter().min().copied().unwrap_or_default();
    let ours = stats::median_duration(&ours);
    let ours_cpu = stats::median_duration(&ours_cpu);
    println!(
        "lkljs-site full build: median {:.3} s ({:.0} pages/s), fastest {:.3} s, CPU time median {:.2} s; by phase:\n{}",
        ours.as_secs_f64(),
        pages as f64 / ours.as_secs_f64(),
        fastest.as_secs_f64(),
        ours_cpu.as_secs_f64(),
        PhaseTimes::median(&ours_phases)
    );
    for ((other, times), cpu) in others.iter().zip(&mut theirs).zip(&mut theirs_cpu) {
        if times.is_empty() {
            println!("{}: every build failed, comparison skipped", other.name);
            continue;
        }
        let (time_values, cpu_values) = (seconds(times), seconds(cpu));
        let (time, cpu) = (stats::median_duration(times), stats::median_duration(cpu));
        let ratio = |ours: Duration, theirs: Duration| {
            (ours.as_secs_f64() / theirs.as_secs_f64().max(f64::MIN_POSITIVE) * 100.0).round() / 100.0
        };
        recorded[other.name] = serde_json::json!({
            // The name and version only: `hugo version` goes on with its build date.
            "version": other.version.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
            "seconds": record::spread(&time_values, 3),
            "cpu_seconds": record::spread(&cpu_values, 3),
            "time_ratio": ratio(ours, time),
            "cpu_ratio": ratio(ours_cpu, cpu),
        });
        println!(
            "{} ({}): median {:.3} s; lkljs-site takes {:.2}× {}'s time; CPU time median {:.2} s, lkljs-site takes {:.2}× that",
            other.name,
            other.version,
            time.as_secs_f64(),
            ours.as_secs_f64() / time.as_secs_f64(),
            other.name,
            cpu.as_secs_f64(),
            ours_cpu.as_secs_f64() / cpu.as_secs_f64().max(f64::MIN_POSITIVE)
        );
    }

    record::record("build_speed", recorded);
    edits(&options, site.path(), runs);
}

/// Each kind of edit under `serve`: the builder's rebuild, writes included
/// (the watcher and the push to the browser are `edit_reload_real`'s part).
fn edits(options: &BuildOptions, root: &Path, runs: usize) {
    let mut builder = SiteBuilder::new(options.clone()).unwrap();
    builder.build_all().unwrap();
    let page = root.join("content/part-00/page-0007.md");
    let page_text = std::fs::read_to_string(&page).unwrap();
    let stylesheet = root.join("theme/css/site.css");
    let stylesheet_text = std::fs::read_to_string(&stylesheet).unwrap();
    let kinds: [(&str, &Path, &EditedText); 3] = [
        ("body edit of one page", &page, &|edit| {
            page_text.replace("## Topic 0", &format!("Edit {edit}.\n\n## Topic 0"))
        }),
        ("title edit (the sidebar of every page changes)", &page, &|edit| {
            page_text.replace("title = \"Page 7\"", &format!("title = \"Page 7, edit {edit}\""))
        }),
        ("stylesheet edit", &stylesheet, &|edit| format!("{stylesheet_text}\n:root {{ --bench-edit: {edit}; }}\n")),
    ];
    for (label, path, edited) in kinds {
        let original = std::fs::read_to_string(path).unwrap();
        let (mut quick_times, mut quick_phases) = (Vec::new(), Vec::new());
        let (mut rest_times, mut rest_phases) = (Vec::new(), Vec::new());
        for edit in 0..runs {
            std::fs::write(path, edited(edit)).unwrap();
            timing::take();
            let start = Instant::now();
            let summary = builder.rebuild(&[path.to_path_buf()]).expect("the edited corpus builds");
            quick_times.push(start.elapsed());
            quick_phases.push(timing::take());
            // What the browser is told first: the edited page, or a stylesheet swap.
            if path == stylesheet.as_path() {
                assert!(summary.only_css, "{label}: not announced as a stylesheet swap: {summary:?}");
            } else {
                assert!(
                    summary.changed_urls.contains(&"/part-00/page-0007/".to_string()),
                    "{label}: the edited page is not in the first message: {summary:?}"
                );
            }
            let start = Instant::now();
            if let Some(result) = builder.finish() {
                result.expect("the edited corpus builds");
            }
            rest_times.push(start.elapsed());
            rest_phases.push(timing::take());
        }
        std::fs::write(path, &original).unwrap();
        builder.rebuild(&[path.to_path_buf()]).unwrap();
        builder.finish();
        println!(
            "lkljs-site {label}, serve rebuild up to the browser message (writes included): median {:.1} ms; by phase:\n{}",
            stats::median_duration(&quick_times).as_secs_f64() * 1000.0,
            PhaseTimes::median(&quick_phases)
        );
        println!(
            "lkljs-site {label}, the rest of the rebuild, after the message: median {:.1} ms; by phase:\n{}",
            stats::median_duration(&rest_times).as_secs_f64() * 1000.0,
            PhaseTimes::median(&rest_phases)
        );
    }
}

/// CPU time (user and system, every thread) of this process and of its
/// children that have been waited for, from `/proc/self/stat` (zero where
/// there is no such file).
#[derive(Clone, Copy, Default)]
struct CpuTimes {
    own: Duration,
    children: Duration,
}

impl CpuTimes {
    fn now() -> Self {
        // Fields 14 to 17 of the file (utime, stime, cutime, cstime), counted
        // after the command name, which may itself hold spaces.
        let ticks = std::fs::read_to_string("/proc/self/stat").ok().and_then(|stat| {
            let fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11).take(4);
            fields.map(|field| field.parse::<u64>().ok()).collect::<Option<Vec<u64>>>()
        });
        let Some([utime, stime, cutime, cstime]) = ticks.as_deref().and_then(|ticks| <[u64; 4]>::try_from(ticks).ok())
        else {
            return Self::default();
        };
        let seconds = |ticks: u64| Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second());
        Self { own: seconds(utime + stime), children: seconds(cutime + cstime) }
    }
}

/// The kernel's clock tick for process times (`getconf CLK_TCK`, 100 almost everywhere).
fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        let output = Command::new("getconf").arg("CLK_TCK").output().ok();
        output.and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse().ok()).unwrap_or(100.0)
    })
}

/// The text of an edited file, given the edit's number.
type EditedText<'a> = dyn Fn(usize) -> String + 'a;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// Another generator, with its copy of the corpus ready to build.
struct Competitor {
    name: &'static str,
    version: String,
    site: Box<dyn ForeignSite>,
    _dir: tempfile::TempDir,
}

trait ForeignSite {
    /// Builds once, returning the time; checks that the last page was rendered.
    fn build(&self) -> Result<Duration, String>;
}

impl Competitor {
    fn prepare<S: ForeignSite + 'static>(
        name: &'static str,
        tool: Result<PathBuf, String>,
        make: impl FnOnce(PathBuf, &Path) -> S,
    ) -> Option<Competitor> {
        let tool = tool.map_err(|error| println!("{name}: left out of the comparison: {error}")).ok()?;
        let version = tools::version(&tool).unwrap_or_default();
        let dir = tempfile::tempdir().unwrap();
        let site = make(tool, dir.path());
        Some(Competitor { name, version, site: Box::new(site), _dir: dir })
    }

    fn build(&self) -> Result<Duration, String> {
        self.site.build()
    }
}

/// Runs a generator quietly, timing it.
fn timed(mut command: Command) -> Result<Duration, String> {
    let start = Instant::now();
    let output = command.stdout(Stdio::null()).stderr(Stdio::piped()).output().map_err(|error| error.to_string())?;
    let elapsed = start.elapsed();
    if output.status.success() {
        Ok(elapsed)
    } else {
        Err(format!("{}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim()))
    }
}

/// The corpus as a Hugo site: Hugo reads the same `+++` TOML front matter, and
/// minimal layouts render each page with a navigation and a table of contents.
struct HugoSite {
    hugo: PathBuf,
    root: PathBuf,
    last_page: PathBuf,
}

impl HugoSite {
    fn new(hugo: PathBuf, corpus: &Path, root: &Path, pages: usize) -> Self {
        copy_tree(&corpus.join("content"), &root.join("content"));
        std::fs::remove_file(root.join("content/site.toml")).unwrap();
        std::fs::write(
            root.join("hugo.toml"),
            "baseURL = \"https://bench.example/\"\ntitle = \"Benchmark\"\n[markup.highlight]\nnoClasses = false\n",
        )
        .unwrap();
        let layouts = root.join("layouts/_default");
        std::fs::create_dir_all(&layouts).unwrap();
        let page = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><nav>{{ range .Site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav><main>{{ .TableOfContents }}{{ .Content }}</main></body></html>";
        std::fs::write(layouts.join("single.html"), page).unwrap();
        std::fs::write(layouts.join("list.html"), page).unwrap();
        let last_page = root.join(format!("public/part-{:02}/page-{:04}/index.html", (pages - 1) / 50, pages - 1));
        Self { hugo, root: root.to_path_buf(), last_page }
    }
}

impl ForeignSite for HugoSite {
    fn build(&self) -> Result<Duration, String> {
        let _ = std::fs::remove_dir_all(self.root.join("public"));
        let mut command = Command::new(&self.hugo);
        command.arg("--quiet").arg("--source").arg(&self.root);
        let time = timed(command)?;
        self.last_page.exists().then_some(time).ok_or_else(|| format!("{} is missing", self.last_page.display()))
    }
}

/// The corpus as a book: mdBook needs a SUMMARY.md; the pages are the same
/// Markdown (their front matter shows as text there).
struct MdBook {
    mdbook: PathBuf,
    root: PathBuf,
    last_page: PathBuf,
}

impl MdBook {
    fn new(mdbook: PathBuf, corpus: &Path, root: &Path, pages: usize) -> Self {
        let src = root.join("src");
        copy_tree(&corpus.join("content"), &src);
        let mut summary = String::from("# Summary\n\n");
        for page in 0..pages {
            summary.push_str(&format!("- [Page {page}](part-{:02}/page-{page:04}.md)\n", page / 50));
        }
        std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
        std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Benchmark\"\n").unwrap();
        let last_page = root.join(format!("book/part-{:02}/page-{:04}.html", (pages - 1) / 50, pages - 1));
        Self { mdbook, root: root.to_path_buf(), last_page }
    }
}

impl ForeignSite for MdBook {
    fn build(&self) -> Result<Duration, String> {
        let _ = std::fs::remove_dir_all(self.root.join("book"));
        let mut command = Command::new(&self.mdbook);
        command.arg("build").arg(&self.root).env("RUST_LOG", "warn");
        let time = timed(command)?;
        self.last_page.exists().then_some(time).ok_or_else(|| format!("{} is missing", self.last_page.display()))
    }
}

//! The `lkljs-site` command line: the only place that turns library errors into
//! `anyhow` reports and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use lkljs_site::build::{BuildOptions, DemoMode};
use lkljs_site::demo::{DemoArtifacts, DemoOutcome, DemoRequest};
use lkljs_site::report::{self, Kind, Reporter, Verbosity};
use lkljs_site::serve::ServeConfig;

#[global_allocator]
static ALLOCATOR: lkljs_site::Allocator = lkljs_site::Allocator;

#[derive(Parser)]
#[command(
    name = "lkljs-site",
    version,
    about = "Builds and serves the Linux-in-WebAssembly guide, slides and live demo"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Show only warnings and errors (no progress).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also show details: cache keys, log paths, what each rebuild changed.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Render content/ with theme/ into the output directory (public/ by default).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Override the base URL from content/site.toml.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Build, serve on loopback, rebuild on change and reload the browser.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Port to listen on; the next free one is used if it is taken.
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser once it is served.
        #[arg(long)]
        open: bool,
    },
    /// Build without writing and report every broken link, anchor or asset.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build only the kernel demo (or reuse its cache) and describe it.
    Demo {
        #[command(flatten)]
        site: SiteArgs,
        /// Print the whole manifest as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// The site's root directory (holding content/ and theme/).
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Reuse the last kernel demo build instead of compiling the kernel.
    #[arg(long)]
    skip_demo: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    };
    // Colour only on a terminal, and never with NO_COLOR set.
    Reporter::for_stderr(verbosity).install();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report::emit(Kind::Error, format_args!("error: {error:#}"));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build { site, output, base_url } => {
            let options = BuildOptions::new(site.root, output).base_url(base_url).demo(demo_mode(site.skip_demo));
            let report = lkljs_site::build::build(&options)?;
            print_report("built", &report);
        }
        Command::Serve { site, output, port, bind, open } => {
            let options = BuildOptions::new(site.root, output).demo(demo_mode(site.skip_demo));
            let builder = lkljs_site::build::SiteBuilder::new(options)?;
            lkljs_site::serve::serve(builder, ServeConfig { bind, port, open_browser: open })?;
        }
        Command::Check { site } => {
            let options =
                BuildOptions::new(site.root, PathBuf::from("public")).demo(demo_mode(site.skip_demo)).dry_run(true);
            let report = lkljs_site::check::check(&options)?;
            print_report("checked", &report);
        }
        Command::Demo { site, json } => {
            let request = DemoRequest::new(site.root, demo_mode(site.skip_demo));
            match lkljs_site::demo::prepare(&request)? {
                DemoOutcome::Ready(artifacts) if json => print!("{}", artifacts.manifest.to_json()),
                DemoOutcome::Ready(artifacts) => print_demo_summary(&artifacts),
                DemoOutcome::Placeholder { reason } => anyhow::bail!("{reason}"),
            }
        }
    }
    Ok(())
}

fn print_report(verb: &str, report: &lkljs_site::build::BuildReport) {
    report::emit(
        Kind::Status,
        format_args!(
            "{verb} {} pages, {} files; {} internal links verified; search index {:.1} KiB",
            report.pages,
            report.files,
            report.links_checked,
            report.search_index_bytes as f64 / 1024.0
        ),
    );
    if let Some(reason) = &report.demo_placeholder {
        report::emit(Kind::Warning, format_args!("note: the demo page shows a placeholder: {reason}"));
    }
}

fn print_demo_summary(artifacts: &DemoArtifacts) {
    let manifest = &artifacts.manifest;
    println!(
        "Linux {} from {} ({}), built by {}",
        manifest.kernel_version, manifest.source_file, manifest.source_version, manifest.toolchain
    );
    println!(
        "boot.wasm: {} bytes, {} with gzip, {} with Brotli; JavaScript: {} bytes",
        manifest.wasm_bytes, manifest.wasm_gzip_bytes, manifest.wasm_brotli_bytes, manifest.js_bytes
    );
    println!(
        "boot check: exit code {}, last console line after {} s",
        manifest.boot.exit_code, manifest.boot.seconds_to_last_line
    );
    if let Some(selftest) = &manifest.selftest {
        println!("self-test: {} passed, {} failed", selftest.passed, selftest.failed);
    }
    println!("{}: {}", artifacts.dir.display(), artifacts.files.join(" "));
}

fn demo_mode(skip_demo: bool) -> DemoMode {
    if skip_demo { DemoMode::ReuseLast } else { DemoMode::Build }
}

//! The other generators the build benchmark compares with, installed on first
//! use (never by CI: benchmarks are not part of `.ci/run`):
//! - Hugo: Debian's package (`apt-get install hugo`, 0.111 on Debian 12);
//! - mdBook: not packaged by Debian 12, so a pinned version is built with
//!   `cargo install --locked` into `target/bench-tools/` and reused from there.
//!
//! Each installation writes its output to `target/bench-tools/<tool>-install.log`
//! and shows its progress; a tool that cannot be installed is skipped with a
//! message saying why and how to install it by hand.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The mdBook release compared with (the last 0.4, which mdBook's users mostly run).
pub const MDBOOK_VERSION: &str = "0.4.40";

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-tools")
}

/// The first line of `program --version`, if it runs.
pub fn version(program: &Path) -> Option<String> {
    let output = Command::new(program).arg("version").output().ok().filter(|output| output.status.success());
    let output = output.or_else(|| Command::new(program).arg("--version").output().ok())?;
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success().then(|| text.lines().next().unwrap_or_default().trim().to_string())
}

/// Debian's `hugo`, installed with apt when missing.
pub fn hugo() -> Result<PathBuf, String> {
    let hugo = PathBuf::from("hugo");
    if version(&hugo).is_some() {
        return Ok(hugo);
    }
    let how = "install it with `apt-get install hugo` (Debian 12 packages 0.111)";
    if Command::new("apt-get").arg("--version").output().is_err() {
        return Err(format!("hugo is not installed and there is no apt-get here; {how}"));
    }
    println!(
        "hugo: not installed; installing Debian's package with apt-get (log in target/bench-tools/hugo-install.log)"
    );
    let mut apt = Command::new("apt-get");
    apt.args(["install", "-y", "--no-install-recommends", "hugo"]).env("DEBIAN_FRONTEND", "noninteractive");
    run_logged(apt, "hugo").map_err(|error| format!("{error}; {how} (it needs root)"))?;
    version(&hugo).map(|_| hugo).ok_or_else(|| format!("apt-get ran but `hugo version` still fails; {how}"))
}

/// mdBook [`MDBOOK_VERSION`], built into `target/bench-tools/` on first use.
pub fn mdbook() -> Result<PathBuf, String> {
    let root = tools_dir();
    let mdbook = root.join("bin/mdbook");
    let wanted = format!("mdbook v{MDBOOK_VERSION}");
    if version(&mdbook).as_deref() == Some(wanted.as_str()) {
        return Ok(mdbook);
    }
    println!(
        "mdbook: building {wanted} with cargo into target/bench-tools/ (once; a few minutes; log in target/bench-tools/mdbook-install.log)"
    );
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args(["install", "--locked", "--no-default-features", "--root"])
        .arg(&root)
        .arg(format!("mdbook@{MDBOOK_VERSION}"));
    let how = format!("run `cargo install --locked mdbook@{MDBOOK_VERSION} --root target/bench-tools` by hand");
    run_logged(cargo, "mdbook").map_err(|error| format!("{error}; {how}"))?;
    match version(&mdbook) {
        Some(found) if found == wanted => Ok(mdbook),
        found => Err(format!("cargo install finished but {} reports {found:?}; {how}", mdbook.display())),
    }
}

/// Runs an installer, copying its output to `target/bench-tools/<tool>-install.log`
/// and showing one line of progress per line it prints.
fn run_logged(mut command: Command, tool: &str) -> Result<(), String> {
    std::fs::create_dir_all(tools_dir()).map_err(|error| format!("cannot create target/bench-tools: {error}"))?;
    let log_path = tools_dir().join(format!("{tool}-install.log"));
    let mut log =
        std::fs::File::create(&log_path).map_err(|error| format!("cannot write {}: {error}", log_path.display()))?;
    // Both streams into one pipe, so the log keeps their order.
    let (reader, writer) = std::io::pipe().map_err(|error| format!("cannot create a pipe: {error}"))?;
    let writer_clone = writer.try_clone().map_err(|error| format!("cannot create a pipe: {error}"))?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer_clone)
        .spawn()
        .map_err(|error| format!("cannot run the {tool} installer: {error}"))?;
    drop(command);
    let terminal = std::io::stdout().is_terminal();
    for line in BufReader::new(reader).lines().map_while(Result::ok) {
        let _ = writeln!(log, "{line}");
        let shown: String = line.trim().chars().take(100).collect();
        if shown.is_empty() {
            continue;
        }
        if terminal {
            // One line that follows the installer, rather than hundreds.
            print!("\r\x1b[2K  {tool}: {shown}");
            let _ = std::io::stdout().flush();
        } else {
            println!("  {tool}: {shown}");
        }
    }
    if terminal {
        println!();
    }
    let status = child.wait().map_err(|error| format!("the {tool} installer vanished: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("installing {tool} failed ({status}); see {}", log_path.display()))
    }
}

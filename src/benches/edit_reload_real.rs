//! Edit-to-reload latency of the REAL builder under `serve`, on a synthetic
//! corpus of 1,000 guide pages (`BENCH_PAGES` to change it) rendered with the
//! repository's theme: from an
//! editor-style save (write a temporary, rename it over the original) to the
//! message arriving on the live-reload WebSocket. Three kinds of edit:
//! - a page body (re-renders that page),
//! - a page title (every page's sidebar changes: the edited page reloads, the
//!   others are re-rendered after the message, see `SiteBuilder`'s `Deferred`),
//! - a stylesheet (swapped in place by the browser, no reload).
//!
//! `cargo bench --bench edit_reload_real` prints min / median / p90 / max for each.
//! Compare with `live_reload`, which measures the server alone with a stand-in builder.

/// The command line's allocator, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: lkljs_site::Allocator = lkljs_site::Allocator;

#[allow(dead_code, reason = "a benchmark uses a part of the tests' support")]
#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use support::real_site::RealSite;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

const EDITS: usize = 15;
const EDITED_PAGE: &str = "content/guide/page-0050.md";

type LiveSocket = WebSocket<MaybeTlsStream<TcpStream>>;

fn main() {
    let pages: usize = std::env::var("BENCH_PAGES").ok().and_then(|value| value.parse().ok()).unwrap_or(1000);
    assert!(pages >= 50, "BENCH_PAGES must be at least 50: page 50 is the one edited");
    let started = Instant::now();
    let site = RealSite::with_content(|content| write_corpus(content, pages));
    let mut socket = connect(&site);
    println!(
        "edit_reload_real: {pages} pages served after {:.0} ms (first full build included)",
        ms(started.elapsed())
    );

    let page = site.read(EDITED_PAGE);
    let output = |relative: &str| std::fs::read_to_string(site.root.join("public").join(relative)).unwrap_or_default();
    measure(
        "body edit of one page -> reload",
        &mut socket,
        |edit| {
            site.save(EDITED_PAGE, &page.replace("Paragraph one", &format!("Paragraph one, edit {edit}")));
            "/guide/page-0050/"
        },
        "\"reload\"",
        // Last of all, the search index.
        &|edit| output("search-index.json").contains(&format!("Paragraph one, edit {edit}")),
    );
    site.save(EDITED_PAGE, &page);
    drain(&mut socket);

    let last_page = format!("guide/page-{pages:04}/index.html");
    measure(
        "title edit (all pages re-render) -> reload",
        &mut socket,
        |edit| {
            site.save(EDITED_PAGE, &page.replace("title = \"Page 50\"", &format!("title = \"Page 50 ({edit})\"")));
            "/guide/page-0050/"
        },
        "\"reload\"",
        // Pages are written in path order: the last one shows the new title last.
        &|edit| output(&last_page).contains(&format!("Page 50 ({edit})")),
    );

    let css = site.read("theme/css/site.css");
    measure(
        "stylesheet edit -> css swap",
        &mut socket,
        |edit| {
            site.save("theme/css/site.css", &format!("{css}\n:root {{ --bench-edit: {edit}; }}\n"));
            "site."
        },
        "\"css\"",
        // The last page links the new stylesheet, and the old one is gone.
        &|_| {
            let stylesheets: Vec<String> = std::fs::read_dir(site.root.join("public/theme"))
                .map(|entries| {
                    entries.flatten().map(|entry| entry.file_name().to_string_lossy().into_owned()).collect()
                })
                .unwrap_or_default();
            let current: Vec<&String> =
                stylesheets.iter().filter(|name| name.starts_with("site.") && name.ends_with(".css")).collect();
            current.len() == 1 && output(&last_page).contains(current[0].as_str())
        },
    );
}

fn write_corpus(content: &Path, pages: usize) {
    let write = |relative: &str, text: &str| {
        let path = content.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "site.toml",
        "title = \"Benchmark site\"\nbase_url = \"https://bench.example.org/\"\nauthor = \"Bench\"\n\
         description = \"A synthetic corpus.\"\nlanguage = \"en\"\n",
    );
    write("_index.md", "+++\ntitle = \"Benchmark site\"\n+++\n\nSee [the guide](guide/_index.md).\n");
    write("guide/_index.md", "+++\ntitle = \"Guide\"\nweight = 1\n+++\n\nThe pages of the corpus.\n");
    for number in 1..=pages {
        let mut text = format!(
            "+++\ntitle = \"Page {number}\"\ndescription = \"Synthetic page {number}.\"\nweight = {number}\n+++\n\n\
             ## Section\n\nParagraph one of page {number}, with `inline code` and **bold** text.\n\n"
        );
        if number > 1 {
            writeln!(text, "Back to [page {}](page-{:04}.md).\n", number - 1, number - 1).unwrap();
        }
        text.push_str("```c\nstatic int add(int a, int b)\n{\n\treturn a + b;\n}\n```\n\n");
        for paragraph in 0..8 {
            writeln!(text, "Paragraph {paragraph}: the kernel initialises memory, the scheduler and the console.\n")
                .unwrap();
        }
        write(&format!("guide/page-{number:04}.md"), &text);
    }
}

fn connect(site: &RealSite) -> LiveSocket {
    let (mut socket, _) = tungstenite::connect(format!("ws://{}/__lkljs/live", site.server.address())).unwrap();
    set_timeout(&mut socket, Duration::from_secs(60));
    let hello = next_text(&mut socket).expect("no hello from the live channel");
    assert!(hello.contains("hello"), "unexpected first message {hello}");
    socket
}

/// Saves `EDITS` times and prints the latency figures: to the message, and to
/// the whole output being up to date (`done` says so, given the edit's number;
/// it is polled every 5 ms). `edit` makes the save and returns text the
/// answering message must contain, besides `kind`.
fn measure(
    label: &str,
    socket: &mut LiveSocket,
    mut edit: impl FnMut(usize) -> &'static str,
    kind: &str,
    done: &dyn Fn(usize) -> bool,
) {
    let mut latencies = Vec::with_capacity(EDITS);
    let mut completions = Vec::with_capacity(EDITS);
    for number in 0..EDITS {
        // Let the watcher settle, as between two real saves.
        std::thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        let expected = edit(number);
        let message = next_text(socket).expect("no live-reload message within 60 s");
        latencies.push(started.elapsed());
        assert!(message.contains(kind) && message.contains(expected), "{label}: unexpected message {message}");
        while !done(number) {
            assert!(started.elapsed() < Duration::from_secs(120), "{label}: the output is not up to date after 120 s");
            std::thread::sleep(Duration::from_millis(5));
        }
        completions.push(started.elapsed());
        drain(socket);
    }
    print_figures(&format!("{label} message"), &mut latencies);
    print_figures(&format!("{label}, whole output up to date"), &mut completions);
}

fn print_figures(label: &str, latencies: &mut [Duration]) {
    latencies.sort();
    let at = |fraction: f64| latencies[((latencies.len() - 1) as f64 * fraction).round() as usize];
    println!(
        "edit_reload_real: {label}, {EDITS} edits: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(latencies[0]),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(latencies[latencies.len() - 1])
    );
}

/// Discards messages of a batch the watcher split in two, so they are not
/// mistaken for the next edit's answer.
fn drain(socket: &mut LiveSocket) {
    set_timeout(socket, Duration::from_millis(300));
    while next_text(socket).is_some() {}
    set_timeout(socket, Duration::from_secs(60));
}

fn next_text(socket: &mut LiveSocket) -> Option<String> {
    loop {
        match socket.read() {
            Ok(Message::Text(text)) => return Some(text.to_string()),
            Ok(_) => continue,
            Err(tungstenite::Error::Io(error))
                if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                return None;
            }
            Err(error) => panic!("live channel lost: {error}"),
        }
    }
}

fn set_timeout(socket: &mut LiveSocket, timeout: Duration) {
    if let MaybeTlsStream::Plain(stream) = socket.get_mut() {
        stream.set_read_timeout(Some(timeout)).unwrap();
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

//! Edit-to-reload latency of the REAL builder under `serve`, on a synthetic
//! corpus of 100 guide pages rendered with the repository's theme: from an
//! editor-style save (write a temporary, rename it over the original) to the
//! message arriving on the live-reload WebSocket. Three kinds of edit:
//! - a page body (re-renders that page),
//! - a page title (every page's sidebar changes, so every page re-renders),
//! - a stylesheet (swapped in place by the browser, no reload).
//!
//! `cargo bench --bench edit_reload_real` prints min / median / p90 / max for each.
//! Compare with `live_reload`, which measures the server alone with a stand-in builder.

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

const PAGES: usize = 100;
const EDITS: usize = 15;
const EDITED_PAGE: &str = "content/guide/page-050.md";

type LiveSocket = WebSocket<MaybeTlsStream<TcpStream>>;

fn main() {
    let started = Instant::now();
    let site = RealSite::with_content(write_corpus);
    let mut socket = connect(&site);
    println!(
        "edit_reload_real: {PAGES} pages served after {:.0} ms (first full build included)",
        ms(started.elapsed())
    );

    let page = site.read(EDITED_PAGE);
    measure(
        "body edit of one page -> reload",
        &mut socket,
        |edit| {
            site.save(EDITED_PAGE, &page.replace("Paragraph one", &format!("Paragraph one, edit {edit}")));
            "/guide/page-050/"
        },
        "\"reload\"",
    );
    site.save(EDITED_PAGE, &page);
    drain(&mut socket);

    measure(
        "title edit (all pages re-render) -> reload",
        &mut socket,
        |edit| {
            site.save(EDITED_PAGE, &page.replace("title = \"Page 50\"", &format!("title = \"Page 50 ({edit})\"")));
            "/guide/page-050/"
        },
        "\"reload\"",
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
    );
}

fn write_corpus(content: &Path) {
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
    for number in 1..=PAGES {
        let mut text = format!(
            "+++\ntitle = \"Page {number}\"\ndescription = \"Synthetic page {number}.\"\nweight = {number}\n+++\n\n\
             ## Section\n\nParagraph one of page {number}, with `inline code` and **bold** text.\n\n"
        );
        if number > 1 {
            writeln!(text, "Back to [page {}](page-{:03}.md).\n", number - 1, number - 1).unwrap();
        }
        text.push_str("```c\nstatic int add(int a, int b)\n{\n\treturn a + b;\n}\n```\n\n");
        for paragraph in 0..8 {
            writeln!(text, "Paragraph {paragraph}: the kernel initialises memory, the scheduler and the console.\n")
                .unwrap();
        }
        write(&format!("guide/page-{number:03}.md"), &text);
    }
}

fn connect(site: &RealSite) -> LiveSocket {
    let (mut socket, _) = tungstenite::connect(format!("ws://{}/__lkljs/live", site.server.address())).unwrap();
    set_timeout(&mut socket, Duration::from_secs(60));
    let hello = next_text(&mut socket).expect("no hello from the live channel");
    assert!(hello.contains("hello"), "unexpected first message {hello}");
    socket
}

/// Saves `EDITS` times and prints the latency figures. `edit` makes the save and
/// returns text the answering message must contain, besides `kind`.
fn measure(label: &str, socket: &mut LiveSocket, mut edit: impl FnMut(usize) -> &'static str, kind: &str) {
    let mut latencies = Vec::with_capacity(EDITS);
    for number in 0..EDITS {
        // Let the watcher settle, as between two real saves.
        std::thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        let expected = edit(number);
        let message = next_text(socket).expect("no live-reload message within 60 s");
        latencies.push(started.elapsed());
        assert!(message.contains(kind) && message.contains(expected), "{label}: unexpected message {message}");
        drain(socket);
    }
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

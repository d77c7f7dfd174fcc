//! Edit-to-reload latency under `serve`: from an editor-style save of one page
//! (write a temporary, rename it over the original) to the reload message
//! arriving on the live-reload WebSocket. Uses the fixture builder, so the
//! figure is the server's own overhead: watcher debounce, rebuild dispatch, push.
//!
//! `cargo bench --bench live_reload` prints min / median / p90 / max over the edits.

#[allow(dead_code, reason = "a benchmark uses a part of the tests' support")]
#[path = "../tests/support/mod.rs"]
mod support;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use lkljs_site::serve::{ServeConfig, start};
use support::fixture_site::FixtureDirs;
use tungstenite::Message;
use tungstenite::stream::MaybeTlsStream;

const EDITS: usize = 20;

fn main() {
    let dirs = FixtureDirs::new();
    let server = start(dirs.builder(), ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false })
        .expect("cannot start the server");
    let (mut socket, _) = tungstenite::connect(format!("ws://{}/__lkljs/live", server.address())).unwrap();
    if let MaybeTlsStream::Plain(stream) = socket.get_mut() {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    }
    let next_text = |socket: &mut tungstenite::WebSocket<MaybeTlsStream<TcpStream>>| loop {
        match socket.read().expect("no live-reload message within 10 s") {
            Message::Text(text) => return text.to_string(),
            _ => continue,
        }
    };
    assert!(next_text(&mut socket).contains("hello"));

    let original = dirs.read_source("guide/index.html");
    let mut latencies = Vec::with_capacity(EDITS);
    for edit in 0..EDITS {
        // Let the watcher settle, as between two real saves.
        std::thread::sleep(Duration::from_millis(150));
        let started = Instant::now();
        dirs.save("guide/index.html", &original.replace("<h1>Guide</h1>", &format!("<h1>Guide {edit}</h1>")));
        let message = next_text(&mut socket);
        latencies.push(started.elapsed());
        assert!(message.contains("\"reload\"") && message.contains("/guide/"), "unexpected message {message}");
    }
    latencies.sort();
    let at = |fraction: f64| latencies[((latencies.len() - 1) as f64 * fraction).round() as usize];
    println!(
        "live_reload: one-page edit -> reload message over {EDITS} edits: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(latencies[0]),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(latencies[latencies.len() - 1])
    );
    server.stop();
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

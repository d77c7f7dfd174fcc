//! The development server over real TCP: headers, content types, caching,
//! path safety, robustness and the live-reload WebSocket.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::support::fixture_site::{BUILD_ERROR_MARKER, FixtureDirs, SECRET};
use crate::support::raw_http::{RawResponse, get, read_response, request, send_raw, send_raw_head};
use lkljs_site::serve::{RunningServer, ServeConfig, start};
use serde_json::{Value, json};

fn serve(dirs: &FixtureDirs) -> RunningServer {
    start(dirs.builder(), ServeConfig { bind: "127.0.0.1".into(), port: 0, open_browser: false }).unwrap()
}

fn assert_common_headers(response: &RawResponse, what: &str) {
    for (name, value) in [
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-embedder-policy", "require-corp"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cache-control", "no-cache"),
    ] {
        assert_eq!(response.header(name), Some(value), "{name} on {what}: {response:?}");
    }
}

#[test]
fn every_response_carries_isolation_and_cache_headers() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let responses = [
        ("200", get(address, "/")),
        ("404", get(address, "/missing.html")),
        ("403", get(address, "/%2e%2e/secret.txt")),
        ("405", request(address, "POST", "/", &["Content-Length: 0"])),
        ("308", get(address, "/guide")),
        ("HEAD", request(address, "HEAD", "/app.js", &[])),
        ("client script", get(address, "/__lkljs/live.js")),
        ("426", get(address, "/__lkljs/live")),
        ("400 from the connection layer", send_raw(address, b"GARBAGE\r\n\r\n")),
    ];
    for (what, response) in &responses {
        assert_common_headers(response, what);
    }
    let etag = get(address, "/").header("etag").unwrap().to_owned();
    let not_modified = request(address, "GET", "/", &[&format!("If-None-Match: {etag}")]);
    assert_eq!(not_modified.status, 304);
    assert_common_headers(&not_modified, "304");
}

#[test]
fn content_types_are_exact_for_each_extension() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let css = std::fs::read_dir(&dirs.output)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .find(|name| name.ends_with(".css"))
        .unwrap();
    for (target, expected) in [
        ("/", "text/html; charset=utf-8"),
        ("/404.html", "text/html; charset=utf-8"),
        (&*format!("/{css}"), "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/module.mjs", "text/javascript; charset=utf-8"),
        ("/boot.wasm", "application/wasm"),
        ("/data.json", "application/json; charset=utf-8"),
        ("/icon.svg", "image/svg+xml; charset=utf-8"),
        ("/pixel.png", "image/png"),
        ("/photo.jpg", "image/jpeg"),
        ("/font.woff2", "font/woff2"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/notes.txt", "text/plain; charset=utf-8"),
    ] {
        let response = get(server.address(), target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.header("content-type"), Some(expected), "{target}");
    }
    let wasm = get(server.address(), "/boot.wasm");
    assert_eq!(wasm.body, b"\0asm\x01\0\0\0", "binary files are served byte for byte");
}

#[test]
fn etags_answer_conditional_requests_with_304() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let first = get(address, "/app.js");
    let etag = first.header("etag").unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10, "strong ETag: {etag}");
    assert_eq!(get(address, "/app.js").header("etag"), Some(etag.as_str()), "stable for the same content");
    assert_ne!(get(address, "/data.json").header("etag"), Some(etag.as_str()));
    for condition in [etag.clone(), format!("\"nope\", {etag}"), "*".into(), format!("W/{etag}")] {
        let response = request(address, "GET", "/app.js", &[&format!("If-None-Match: {condition}")]);
        assert_eq!(response.status, 304, "If-None-Match: {condition}");
        assert!(response.body.is_empty());
        assert_eq!(response.header("etag"), Some(etag.as_str()));
        assert_eq!(response.header("content-length"), Some(first.body.len().to_string().as_str()));
    }
    let changed = request(address, "GET", "/app.js", &["If-None-Match: \"something-else\""]);
    assert_eq!(changed.status, 200);
    assert_eq!(changed.body, first.body);
    // A new build of the file gets a new ETag, even at the same size.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(dirs.output.join("app.js"), "console.log(\"ppa\");\n").unwrap();
    let rebuilt = request(address, "GET", "/app.js", &[&format!("If-None-Match: {etag}")]);
    assert_eq!(rebuilt.status, 200);
    assert_eq!(rebuilt.text(), "console.log(\"ppa\");\n");
    assert_ne!(rebuilt.header("etag"), Some(etag.as_str()));
}

#[test]
fn head_sends_headers_and_length_without_a_body() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    for target in ["/", "/notes.txt", "/boot.wasm"] {
        let full = get(server.address(), target);
        let head = request(server.address(), "HEAD", target, &[]);
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty(), "HEAD {target} sent a body");
        assert_eq!(head.header("content-length"), Some(full.body.len().to_string().as_str()), "{target}");
        assert_eq!(head.header("etag"), full.header("etag"));
        assert_eq!(head.header("content-type"), full.header("content-type"));
    }
}

#[test]
fn other_methods_are_refused_with_allow() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let response = request(server.address(), method, "/", &["Content-Length: 0"]);
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn directories_serve_their_index_and_redirect_without_slash() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let redirect = get(server.address(), "/guide?tab=2");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/guide/?tab=2"));
    let index = get(server.address(), "/guide/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("<h1>Guide</h1>"));
}

#[test]
fn missing_pages_get_the_404_page_or_plain_text() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let missing = get(server.address(), "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Fixture 404 page"));
    assert_eq!(missing.header("content-type"), Some("text/html; charset=utf-8"));
    std::fs::remove_file(dirs.output.join("404.html")).unwrap();
    let plain = get(server.address(), "/no/such/page/");
    assert_eq!(plain.status, 404);
    assert_eq!(plain.header("content-type"), Some("text/plain; charset=utf-8"));
}

#[test]
fn html_gets_the_live_client_only_as_served() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let page = get(server.address(), "/").text();
    let tag_at = page.find("<script src=\"/__lkljs/live.js\"").expect("client injected");
    assert!(tag_at < page.rfind("</body>").unwrap());
    let on_disk = std::fs::read_to_string(dirs.output.join("index.html")).unwrap();
    assert!(!on_disk.contains("__lkljs"), "the build output must stay production-identical");
    let script = get(server.address(), "/__lkljs/live.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("WebSocket"));
}

#[test]
fn no_request_reaches_outside_the_output_root() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    std::os::unix::fs::symlink(dirs.temp.path().join("secret.txt"), dirs.output.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(dirs.temp.path(), dirs.output.join("up")).unwrap();
    let long = format!("/{}", "a".repeat(5000));
    let deep = "/x".repeat(200);
    let targets = [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/guide/%2E%2E/%2e%2e/secret.txt",
        "/..%2Fsecret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/..%5Csecret.txt",
        "/secret.txt%00.html",
        "/%00",
        "/leak.txt",
        "/up/secret.txt",
        "http://127.0.0.1/../secret.txt",
        "http://example.com/secret.txt",
        "//example.com/../secret.txt",
        "*",
        &long,
        &deep,
    ];
    for target in targets {
        let response = send_raw(
            server.address(),
            format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert!(matches!(response.status, 400 | 403 | 404 | 414 | 431), "{target} -> {}", response.status);
        assert!(!response.text().contains(SECRET), "{target} leaked the secret");
        assert!(!response.text().contains("root:"), "{target} leaked /etc/passwd");
    }
    assert_eq!(get(server.address(), "/").status, 200, "still serving");
}

#[test]
fn malformed_requests_and_disconnects_do_not_stop_the_server() {
    let dirs = FixtureDirs::new();
    std::fs::write(dirs.source.join("large.bin"), vec![7u8; 4 * 1024 * 1024]).unwrap();
    let server = serve(&dirs);
    let address = server.address();
    let garbage: [&[u8]; 8] = [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"\x00\xff\xfe\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n",
        b"\r\n\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    ];
    for raw in garbage {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = stream.write_all(raw);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    }
    let mut huge_header = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    huge_header.extend(vec![b'a'; 1024 * 1024]);
    huge_header.extend(b"\r\n\r\n");
    let mut stream = TcpStream::connect(address).unwrap();
    let _ = stream.write_all(&huge_header);
    drop(stream);
    for _ in 0..10 {
        // Half a request, then gone.
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(b"GET /large.bin HTTP/1.1\r\nHo").unwrap();
        drop(stream);
        // A whole request for a large file, then gone after the first bytes.
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(b"GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut first = [0u8; 64];
        let _ = stream.read(&mut first);
        drop(stream);
    }
    let large = get(address, "/large.bin");
    assert_eq!(large.status, 200);
    assert_eq!(large.body.len(), 4 * 1024 * 1024);
    assert_eq!(get(address, "/").status, 200);
}

#[test]
fn serves_many_connections_at_once() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    // Idle keep-alive connections must not starve the workers.
    let idle: Vec<TcpStream> = (0..32).map(|_| TcpStream::connect(address).unwrap()).collect();
    let threads: Vec<_> = (0..48)
        .map(|index| {
            std::thread::spawn(move || {
                let targets = ["/", "/guide/", "/app.js", "/boot.wasm", "/missing"];
                (0..10).map(|round| get(address, targets[(index + round) % targets.len()]).status).collect::<Vec<_>>()
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().flat_map(|thread| thread.join().unwrap()).collect();
    assert_eq!(statuses.len(), 480);
    assert!(statuses.iter().all(|status| matches!(status, 200 | 404)), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|status| **status == 404).count(), 96);
    drop(idle);
}

/// Browsers open several connections at once and keep idle ones open. Every new
/// connection must be answered however many others sit idle (tiny_http lost the
/// wake-up of one of two connections accepted back to back, which then waited
/// for some other connection to close: a stylesheet on /demo/ hung for minutes).
#[test]
fn a_burst_of_connections_beside_idle_ones_is_answered_at_once() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    for round in 0..5 {
        let idle: Vec<TcpStream> = (0..6).map(|_| TcpStream::connect(address).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(100));
        let mut burst: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(address).unwrap()).collect();
        for stream in &mut burst {
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            stream.write_all(format!("GET /app.js HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes()).unwrap();
        }
        // All connections stay open until every answer is in: none may rely on another closing.
        let answers: Vec<_> = std::thread::scope(|scope| {
            let readers: Vec<_> =
                burst.iter_mut().map(|stream| scope.spawn(move || read_response(stream, false))).collect();
            readers.into_iter().map(|reader| reader.join().unwrap()).collect()
        });
        for (index, answer) in answers.iter().enumerate() {
            let response = answer.as_ref().unwrap_or_else(|bytes| {
                panic!(
                    "round {round}: connection {index} got no answer within 10 s: {:?}",
                    String::from_utf8_lossy(bytes)
                )
            });
            assert_eq!(response.status, 200, "round {round}, connection {index}");
            assert_eq!(response.text(), "console.log(\"app\");\n");
        }
        drop(idle);
    }
}

/// Sends `raw` on an open connection and reads one response.
fn exchange(stream: &mut TcpStream, raw: &str) -> RawResponse {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    read_response(stream, raw.starts_with("HEAD "))
        .unwrap_or_else(|bytes| panic!("no response to {raw:?}: {:?}", String::from_utf8_lossy(&bytes)))
}

/// Whether the server closed `stream` (after whatever it sent already).
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => !matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    }
}

#[test]
fn requests_the_connection_layer_refuses_get_full_responses() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let huge_header = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(100 * 1024));
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(10 * 1024));
    let many_headers: String = (0..100).map(|n| format!("X-{n}: v\r\n")).collect();
    let many_headers = format!("GET / HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n");
    let cases: [(&str, &str, u16); 9] = [
        ("malformed request line", "GARBAGE / HTTP/1.1 extra\r\n\r\n", 400),
        ("unknown version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
        ("no Host", "GET / HTTP/1.1\r\n\r\n", 400),
        ("a body on GET", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 413),
        ("a body on POST", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 405),
        ("both lengths", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("a huge header", &huge_header, 431),
        ("a long target", &long_target, 414),
        ("too many headers", &many_headers, 431),
    ];
    for (what, raw, status) in cases {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let response = exchange(&mut stream, raw);
        assert_eq!(response.status, status, "{what}: {response:?}");
        assert_common_headers(&response, what);
        assert_eq!(response.header("content-length"), Some(response.body.len().to_string().as_str()), "{what}");
        assert_eq!(response.header("connection"), Some("close"), "{what}");
        assert!(closed_by_server(&mut stream), "{what}: the connection stays open after a refusal");
    }
    assert_eq!(get(address, "/").status, 200, "still serving");
}

#[test]
fn connections_persist_across_requests_unless_asked_to_close() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    for target in ["/app.js", "/notes.txt", "/missing", "/guide", "/app.js"] {
        let response = exchange(&mut stream, &format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(matches!(response.status, 200 | 308 | 404), "{target}: {response:?}");
        assert_eq!(response.header("connection"), None, "{target}");
    }
    let head = exchange(&mut stream, "HEAD /app.js HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(head.body.is_empty());
    // Two requests in one write (pipelining): two answers, in order, nothing mixed up.
    stream.write_all(b"GET /app.js HTTP/1.1\r\nHost: x\r\n\r\nGET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let first = read_response(&mut stream, false).unwrap();
    let second = read_response(&mut stream, false).unwrap();
    assert_eq!(first.text(), "console.log(\"app\");\n");
    assert_eq!(second.text(), std::fs::read_to_string(dirs.output.join("notes.txt")).unwrap());
    let last = exchange(&mut stream, "GET /app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!((last.status, last.header("connection")), (200, Some("close")));
    assert!(closed_by_server(&mut stream), "Connection: close is honoured");

    // HTTP/1.0 closes unless the client asks to keep the connection.
    let mut old = TcpStream::connect(address).unwrap();
    assert_eq!(exchange(&mut old, "GET /app.js HTTP/1.0\r\n\r\n").header("connection"), Some("close"));
    assert!(closed_by_server(&mut old));
    let mut kept = TcpStream::connect(address).unwrap();
    let response = exchange(&mut kept, "GET /app.js HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(response.header("connection"), Some("keep-alive"));
    assert_eq!(exchange(&mut kept, "GET /app.js HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status, 200);
}

#[test]
fn a_request_head_that_never_completes_is_timed_out() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let mut stream = TcpStream::connect(server.address()).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
    // The server allows 10 s for a whole head; the client's read gives it 20.
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let response = read_response(&mut stream, false).expect("a 408 before the client gives up");
    assert_eq!(response.status, 408);
    assert_common_headers(&response, "408");
}

#[test]
fn stopping_the_server_closes_idle_keep_alive_connections() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let mut used = TcpStream::connect(address).unwrap();
    used.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(exchange(&mut used, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
    let mut never_used = TcpStream::connect(address).unwrap();
    server.stop();
    assert!(closed_by_server(&mut used), "an idle keep-alive connection outlived the server");
    assert!(closed_by_server(&mut never_used), "a connection without a request outlived the server");
    TcpListener::bind(address).expect("the port is free again");
}

#[test]
fn single_byte_ranges_get_partial_content() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let content: Vec<u8> = (0..1000u32).map(|n| (n % 251) as u8).collect();
    std::fs::write(dirs.output.join("data.bin"), &content).unwrap();
    let whole = get(address, "/data.bin");
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    let etag = whole.header("etag").unwrap().to_owned();
    for (range, part, content_range) in [
        ("bytes=0-99", 0..100, "bytes 0-99/1000"),
        ("bytes=990-", 990..1000, "bytes 990-999/1000"),
        ("bytes=-5", 995..1000, "bytes 995-999/1000"),
        ("bytes=500-5000", 500..1000, "bytes 500-999/1000"),
    ] {
        let response = request(address, "GET", "/data.bin", &[&format!("Range: {range}")]);
        assert_eq!(response.status, 206, "{range}");
        assert_eq!(response.header("content-range"), Some(content_range), "{range}");
        assert_eq!(response.body, content[part.clone()], "{range}");
        assert_eq!(response.header("content-length"), Some(part.len().to_string().as_str()), "{range}");
        assert_common_headers(&response, range);
    }
    let beyond = request(address, "GET", "/data.bin", &["Range: bytes=1000-"]);
    assert_eq!((beyond.status, beyond.header("content-range")), (416, Some("bytes */1000")));
    assert_common_headers(&beyond, "416");
    // Several ranges, a stale If-Range or HEAD: the whole file.
    for headers in [&["Range: bytes=0-1,5-6"][..], &["Range: bytes=0-1", "If-Range: \"stale\""]] {
        let response = request(address, "GET", "/data.bin", headers);
        assert_eq!((response.status, response.body.len()), (200, 1000), "{headers:?}");
    }
    let current = request(address, "GET", "/data.bin", &["Range: bytes=0-1", &format!("If-Range: {etag}")]);
    assert_eq!((current.status, current.body.as_slice()), (206, &content[..2]));
    let head = request(address, "HEAD", "/data.bin", &["Range: bytes=0-1"]);
    assert_eq!((head.status, head.header("content-length")), (200, Some("1000")));
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let dirs = FixtureDirs::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = start(dirs.builder(), ServeConfig { bind: "127.0.0.1".into(), port, open_browser: false }).unwrap();
    assert_ne!(server.address().port(), port);
    assert!(server.address().port() > port && server.address().port() <= port.saturating_add(10));
    assert_eq!(get(server.address(), "/").status, 200);
}

type Live = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

fn connect_live(address: SocketAddr) -> Live {
    let (mut socket, response) = tungstenite::connect(format!("ws://{address}/__lkljs/live")).unwrap();
    assert_eq!(response.status(), 101);
    assert_eq!(response.headers()["cross-origin-opener-policy"], "same-origin");
    if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_mut() {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    }
    socket
}

fn next_message(socket: &mut Live) -> Value {
    loop {
        match socket.read().expect("no live-reload message within 10 s") {
            tungstenite::Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            _ => continue,
        }
    }
}

#[test]
fn live_reload_round_trip_over_websocket() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let mut live = connect_live(server.address());
    assert_eq!(next_message(&mut live), json!({ "type": "hello", "generation": 1 }));

    let started = Instant::now();
    dirs.save(
        "guide/index.html",
        &dirs.read_source("guide/index.html").replace("<h1>Guide</h1>", "<h1>Guide, edited</h1>"),
    );
    let reload = next_message(&mut live);
    eprintln!("page edit -> reload message in {:?}", started.elapsed());
    assert_eq!(reload, json!({ "type": "reload", "urls": ["/guide/"] }));
    let edited = get(server.address(), "/guide/").text();
    assert!(edited.contains("Guide, edited"));
    // Pages and newcomers learn the new generation, so a page served just before
    // a rebuild notices the difference when its client connects.
    assert!(edited.contains("data-generation=\"2\""), "{edited}");
    assert_eq!(next_message(&mut connect_live(server.address())), json!({ "type": "hello", "generation": 2 }));

    let old_css = get(server.address(), "/").text();
    dirs.save("style.css", "body { color: rgb(200, 0, 0); }\n");
    let swap = next_message(&mut live);
    assert_eq!(swap["type"], "css", "{swap}");
    let new_urls = swap["urls"].as_array().unwrap();
    assert_eq!(new_urls.len(), 1, "only the new stylesheet: {swap}");
    let new_url = new_urls[0].as_str().unwrap();
    assert!(!old_css.contains(new_url), "a new content hash");
    assert!(get(server.address(), new_url).text().contains("200, 0, 0"));

    dirs.save("index.html", &format!("{}{BUILD_ERROR_MARKER}\n", dirs.read_source("index.html")));
    let error = next_message(&mut live);
    assert_eq!(error["type"], "error");
    let message = error["message"].as_str().unwrap();
    assert!(message.starts_with("index.html:13:"), "names file and line: {message}");
    // A browser connecting while the build is broken hears about it at once.
    let mut late = connect_live(server.address());
    assert_eq!(next_message(&mut late)["type"], "hello");
    assert_eq!(next_message(&mut late)["type"], "error");
    assert_eq!(get(server.address(), "/").status, 200, "the last good build is still served");

    dirs.save("index.html", &dirs.read_source("index.html").replace(BUILD_ERROR_MARKER, ""));
    assert_eq!(next_message(&mut live), json!({ "type": "reload", "urls": null }));
    assert_eq!(next_message(&mut late), json!({ "type": "reload", "urls": null }));
}

#[test]
fn other_sites_cannot_listen_to_the_live_channel() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let handshake = |origin: &str| {
        let address = server.address();
        let raw = format!(
            "GET /__lkljs/live HTTP/1.1\r\nHost: {address}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {origin}\r\n\r\n"
        );
        send_raw_head(address, raw.as_bytes())
    };
    assert_eq!(handshake("http://evil.example").status, 403);
    let own = handshake(&format!("http://{}", server.address()));
    assert_eq!(own.status, 101);
    // RFC 6455's worked example of the accept key.
    assert_eq!(own.header("sec-websocket-accept"), Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

#[test]
fn editor_temporaries_alone_trigger_nothing() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let mut live = connect_live(server.address());
    next_message(&mut live);
    std::fs::write(dirs.source.join(".index.html.swp"), "swap").unwrap();
    std::fs::write(dirs.source.join("index.html~"), "backup").unwrap();
    std::fs::write(dirs.source.join("4913"), "").unwrap();
    std::fs::remove_file(dirs.source.join("4913")).unwrap();
    // Then a real change: the first message must be about it, not about the temporaries.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dirs.source.join("notes.txt"), "new notes").unwrap();
    assert_eq!(next_message(&mut live), json!({ "type": "reload", "urls": ["/notes.txt"] }));
}

#[test]
fn every_way_editors_save_triggers_a_rebuild() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let mut live = connect_live(server.address());
    next_message(&mut live);
    let page = dirs.source.join("guide/index.html");
    let original = dirs.read_source("guide/index.html");
    type Save<'a> = &'a dyn Fn(&str);
    // (how, whether the save is atomic, the save). The atomic one comes
    // first, while no earlier save's announcement can still be on its way.
    let saves: [(&str, bool, Save); 3] = [
        ("write a temporary, rename it over", true, &|content| dirs.save("guide/index.html", content)),
        ("write in place", false, &|content| std::fs::write(&page, content).unwrap()),
        ("remove, then create", false, &|content| {
            std::fs::remove_file(&page).unwrap();
            std::fs::write(&page, content).unwrap();
        }),
    ];
    for (round, (how, atomic, save)) in saves.iter().enumerate() {
        let heading = format!("Guide {round}");
        save(&original.replace("<h1>Guide</h1>", &format!("<h1>{heading}</h1>")));
        // An atomic save is announced once, with the saved page. The others
        // are two steps: on a busy machine the test can be descheduled
        // between them for longer than the debounce, and then the half-saved
        // page (empty, or gone) is rebuilt and announced first, then the
        // saved one. Every announcement is of this page, and one of them,
        // within next_message's timeout, must show the saved text.
        loop {
            assert_eq!(next_message(&mut live), json!({ "type": "reload", "urls": ["/guide/"] }), "{how}");
            let shows_the_save = get(server.address(), "/guide/").text().contains(&heading);
            assert!(shows_the_save || !atomic, "{how}: the page after its announcement lacks the saved text");
            if shows_the_save {
                break;
            }
        }
    }
}

#[test]
fn a_failed_first_build_is_served_as_an_error_page_and_recovers() {
    let dirs = FixtureDirs::new();
    let broken = format!("{}{BUILD_ERROR_MARKER}\n", dirs.read_source("index.html"));
    std::fs::write(dirs.source.join("index.html"), &broken).unwrap();
    let server = serve(&dirs);
    let page = get(server.address(), "/");
    assert_eq!(page.status, 500);
    assert!(page.text().contains("index.html:13: found BUILD-ERROR"), "{}", page.text());
    assert!(page.text().contains("/__lkljs/live.js"), "the error page reloads itself once fixed");
    let mut live = connect_live(server.address());
    next_message(&mut live);
    assert_eq!(next_message(&mut live)["type"], "error");
    dirs.save("index.html", &broken.replace(BUILD_ERROR_MARKER, ""));
    assert_eq!(next_message(&mut live), json!({ "type": "reload", "urls": null }));
    assert_eq!(get(server.address(), "/").status, 200);
}

#[test]
fn stopping_the_server_closes_live_connections() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let mut live = connect_live(address);
    next_message(&mut live);
    server.stop();
    loop {
        match live.read() {
            Ok(tungstenite::Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        }
    }
}

/// A body of `size` bytes that compresses well but not trivially, like code.
fn compressible_body(prefix: &[u8], size: usize) -> Vec<u8> {
    let mut body = prefix.to_vec();
    let mut line = 0u32;
    while body.len() < size {
        body.extend_from_slice(
            format!("function step{line}(x) {{ return x * {} + {}; }}\n", line % 97, line % 13).as_bytes(),
        );
        line += 1;
    }
    body.truncate(size);
    body
}

fn decode(coding: Option<&str>, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut decoded = Vec::new();
    match coding {
        Some("br") => brotli::Decompressor::new(body, 4096).read_to_end(&mut decoded).unwrap(),
        Some("gzip") => flate2::read::GzDecoder::new(body).read_to_end(&mut decoded).unwrap(),
        None => return body.to_vec(),
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    };
    decoded
}

#[test]
fn bodies_are_compressed_as_the_browser_accepts() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let script = compressible_body(b"", 200_000);
    let wasm = compressible_body(b"\0asm\x01\0\0\0", 300_000);
    std::fs::write(dirs.output.join("big.js"), &script).unwrap();
    std::fs::write(dirs.output.join("big.wasm"), &wasm).unwrap();
    let browser = "Accept-Encoding: gzip, deflate, br, zstd";
    for (target, original, content_type) in
        [("/big.js", &script, "text/javascript; charset=utf-8"), ("/big.wasm", &wasm, "application/wasm")]
    {
        let mut etags = Vec::new();
        for (accept, coding) in
            [(browser, Some("br")), ("Accept-Encoding: gzip", Some("gzip")), ("Accept-Encoding: identity", None)]
        {
            let response = request(address, "GET", target, &[accept]);
            let what = format!("{target} with {accept}");
            assert_eq!(response.status, 200, "{what}");
            assert_eq!(response.header("content-encoding"), coding, "{what}");
            assert_eq!(response.header("vary"), Some("Accept-Encoding"), "{what}");
            assert_eq!(response.header("content-type"), Some(content_type), "{what}");
            assert_eq!(response.header("content-length"), Some(response.body.len().to_string().as_str()), "{what}");
            if coding.is_some() {
                assert!(response.body.len() < original.len() / 3, "{what}: {} bytes", response.body.len());
            }
            assert!(decode(coding, &response.body) == *original, "{what}: the body does not decode to the file");
            etags.push(response.header("etag").unwrap().to_owned());
        }
        etags.sort();
        etags.dedup();
        assert_eq!(etags.len(), 3, "one ETag per coding for {target}: {etags:?}");
        // Without Accept-Encoding: identity, as for a client that does not say what it decodes.
        assert_eq!(get(address, target).header("content-encoding"), None);
    }
}

#[test]
fn conditional_and_head_requests_answer_for_the_negotiated_coding() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    std::fs::write(dirs.output.join("big.js"), compressible_body(b"", 100_000)).unwrap();
    let brotli = request(address, "GET", "/big.js", &["Accept-Encoding: br"]);
    let brotli_etag = brotli.header("etag").unwrap().to_owned();
    let again = request(address, "GET", "/big.js", &["Accept-Encoding: br", &format!("If-None-Match: {brotli_etag}")]);
    assert_eq!(again.status, 304);
    assert_eq!(again.header("vary"), Some("Accept-Encoding"));
    assert_eq!(again.header("content-length"), Some(brotli.body.len().to_string().as_str()));
    // The brotli tag does not validate the gzip representation.
    let gzip = request(address, "GET", "/big.js", &["Accept-Encoding: gzip", &format!("If-None-Match: {brotli_etag}")]);
    assert_eq!(gzip.status, 200);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    let head = request(address, "HEAD", "/big.js", &["Accept-Encoding: br"]);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-encoding"), Some("br"));
    assert_eq!(head.header("content-length"), Some(brotli.body.len().to_string().as_str()));
    assert_eq!(head.header("etag"), Some(brotli_etag.as_str()));
    // A rebuilt file is compressed afresh: new tag, new bytes.
    std::thread::sleep(Duration::from_millis(20));
    let rebuilt = compressible_body(b"// rebuilt\n", 100_000);
    std::fs::write(dirs.output.join("big.js"), &rebuilt).unwrap();
    let fresh = request(address, "GET", "/big.js", &["Accept-Encoding: br", &format!("If-None-Match: {brotli_etag}")]);
    assert_eq!(fresh.status, 200);
    assert_ne!(fresh.header("etag"), Some(brotli_etag.as_str()));
    assert!(decode(Some("br"), &fresh.body) == rebuilt);
}

#[test]
fn pages_are_compressed_with_their_live_client_and_images_are_not() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let page = request(address, "GET", "/", &["Accept-Encoding: br"]);
    assert_eq!(page.header("content-encoding"), Some("br"));
    let text = String::from_utf8(decode(Some("br"), &page.body)).unwrap();
    assert!(text.contains("/__lkljs/live.js"), "the live client is injected before compression: {text}");
    let image = request(address, "GET", "/pixel.png", &["Accept-Encoding: br"]);
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-encoding"), None, "PNG is compressed already");
    assert_eq!(image.header("vary"), None);
    // Too small to gain anything: sent as is, though the answer still varies with the header.
    let tiny = request(address, "GET", "/boot.wasm", &["Accept-Encoding: br"]);
    assert_eq!(tiny.header("content-encoding"), None);
    assert_eq!(tiny.body, b"\0asm\x01\0\0\0");
    assert_eq!(tiny.header("vary"), Some("Accept-Encoding"));
}

/// Content-hashed files get the deploy rules' immutable `Cache-Control`
/// (src/output/deploy.rs), so a repeat visit revalidates nothing; every other
/// response keeps `no-cache`.
#[test]
fn content_hashed_files_are_immutable_and_the_rest_revalidates() {
    let dirs = FixtureDirs::new();
    for path in ["theme/app.1a2b3c4d.js", "demo/hashed/boot.1a2b3c4d.wasm"] {
        let file = dirs.source.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, b"\0asm\x01\0\0\0").unwrap();
    }
    let server = serve(&dirs);
    let address = server.address();
    for target in ["/theme/app.1a2b3c4d.js", "/demo/hashed/boot.1a2b3c4d.wasm"] {
        let response = get(address, target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.header("cache-control"), Some("public, max-age=31536000, immutable"), "{target}");
        assert_eq!(response.headers.iter().filter(|(name, _)| name == "cache-control").count(), 1, "{response:?}");
        let etag = response.header("etag").unwrap().to_owned();
        let again = request(address, "GET", target, &[&format!("If-None-Match: {etag}")]);
        assert_eq!(again.status, 304);
        assert_eq!(again.header("cache-control"), Some("public, max-age=31536000, immutable"), "304 for {target}");
    }
    assert_eq!(get(address, "/app.js").header("cache-control"), Some("no-cache"));
    assert_eq!(get(address, "/theme/missing.1a2b3c4d.js").header("cache-control"), Some("no-cache"), "a 404");
}

/// The build's Brotli at quality 11 (`x.br` beside `x`, src/output/precompress.rs)
/// is what a browser that accepts Brotli gets, byte for byte, with the
/// original's type, its own tag, ranges and 304s; other clients, an older
/// sibling and a sibling that is a link get what the server makes itself.
#[test]
fn the_builds_brotli_beside_a_file_is_sent_as_it_is() {
    let dirs = FixtureDirs::new();
    let server = serve(&dirs);
    let address = server.address();
    let wasm = compressible_body(b"\0asm\x01\0\0\0", 300_000);
    let precompressed = lkljs_site::output::precompress::compress(&wasm);
    std::fs::write(dirs.output.join("kernel.wasm"), &wasm).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(dirs.output.join("kernel.wasm.br"), &precompressed).unwrap();

    let browser = "Accept-Encoding: gzip, deflate, br, zstd";
    let brotli = request(address, "GET", "/kernel.wasm", &[browser]);
    assert_eq!(brotli.status, 200);
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert_eq!(brotli.header("content-type"), Some("application/wasm"));
    assert_eq!(brotli.header("vary"), Some("Accept-Encoding"));
    assert_eq!(brotli.header("content-length"), Some(precompressed.len().to_string().as_str()));
    assert!(brotli.body == precompressed, "the file's own bytes, not a compression made on request");
    assert!(decode(Some("br"), &brotli.body) == wasm);
    let etag = brotli.header("etag").unwrap().to_owned();
    let identity = request(address, "GET", "/kernel.wasm", &["Accept-Encoding: identity"]);
    let gzip = request(address, "GET", "/kernel.wasm", &["Accept-Encoding: gzip"]);
    assert_eq!(identity.header("content-encoding"), None);
    assert!(identity.body == wasm);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert!(decode(Some("gzip"), &gzip.body) == wasm);
    let mut etags =
        vec![etag.clone(), identity.header("etag").unwrap().to_owned(), gzip.header("etag").unwrap().to_owned()];
    etags.sort();
    etags.dedup();
    assert_eq!(etags.len(), 3, "{etags:?}");

    let again = request(address, "GET", "/kernel.wasm", &[browser, &format!("If-None-Match: {etag}")]);
    assert_eq!(again.status, 304);
    assert_eq!(again.header("content-length"), Some(precompressed.len().to_string().as_str()));
    let head = request(address, "HEAD", "/kernel.wasm", &[browser]);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-encoding"), Some("br"));
    assert_eq!(head.header("content-length"), Some(precompressed.len().to_string().as_str()));
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    // A range is of the bytes sent, and resumes only the same representation.
    let part =
        request(address, "GET", "/kernel.wasm", &[browser, "Range: bytes=100-199", &format!("If-Range: {etag}")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-encoding"), Some("br"));
    assert_eq!(part.header("content-range"), Some(format!("bytes 100-199/{}", precompressed.len()).as_str()));
    assert!(part.body == precompressed[100..200]);
    let stale_range = request(
        address,
        "GET",
        "/kernel.wasm",
        &["Accept-Encoding: gzip", "Range: bytes=100-199", &format!("If-Range: {etag}")],
    );
    assert_eq!(stale_range.status, 200, "a brotli tag does not resume gzip bytes");
    // The sibling itself is an ordinary file, as static hosts send it.
    let sibling = request(address, "GET", "/kernel.wasm.br", &[browser]);
    assert_eq!(sibling.header("content-encoding"), None);
    assert_eq!(sibling.header("content-type"), Some("application/x-brotli"));
    assert!(sibling.body == precompressed);

    // The file rewritten after its sibling: the sibling is of an older version.
    std::thread::sleep(Duration::from_millis(20));
    let rebuilt = compressible_body(b"\0asm\x01\0\0\0// rebuilt", 300_000);
    std::fs::write(dirs.output.join("kernel.wasm"), &rebuilt).unwrap();
    let fresh = request(address, "GET", "/kernel.wasm", &[browser]);
    assert_eq!(fresh.header("content-encoding"), Some("br"));
    assert!(decode(Some("br"), &fresh.body) == rebuilt);
    assert_ne!(fresh.header("etag"), Some(etag.as_str()));

    // A sibling that is a link is never followed, wherever it points.
    let outside = dirs.output.parent().unwrap().join("outside.br");
    std::fs::write(&outside, lkljs_site::output::precompress::compress(SECRET.as_bytes())).unwrap();
    std::fs::write(dirs.output.join("notes.txt"), compressible_body(b"", 10_000)).unwrap();
    std::os::unix::fs::symlink(&outside, dirs.output.join("notes.txt.br")).unwrap();
    let notes = request(address, "GET", "/notes.txt", &[browser]);
    assert_eq!(notes.status, 200);
    assert!(decode(notes.header("content-encoding"), &notes.body) == compressible_body(b"", 10_000));
}

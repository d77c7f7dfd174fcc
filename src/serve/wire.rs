//! HTTP/1.1 messages on the wire (RFC 9112): parsing request heads, deciding
//! whether a request is one this server answers, and writing responses with the
//! headers every response of the server carries.

use std::io::{self, Write};
use std::net::TcpStream;
use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

/// Most header lines accepted in a request; browsers send about twenty.
pub(super) const MAX_HEADERS: usize = 64;
/// Largest request head (request line and headers) accepted. Browsers stay far
/// below it unless cookies set for `localhost` by other tools pile up.
pub(super) const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Longest request target accepted on the request line.
const MAX_TARGET_BYTES: usize = 8 * 1024;

/// Responses at most this large go out in one write: head and body in one packet.
const SINGLE_WRITE_LIMIT: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Version {
    Http10,
    Http11,
}

/// A request head. Bodies are never read: no method this server answers has one.
#[derive(Debug)]
pub(super) struct Request {
    pub(super) method: String,
    /// The request target exactly as sent (still percent-encoded).
    pub(super) target: String,
    pub(super) version: Version,
    /// Header lines in order, names as sent; values decoded lossily (only ASCII ones matter here).
    headers: Vec<(String, String)>,
}

/// What the buffered bytes hold so far.
#[derive(Debug)]
pub(super) enum Parsed {
    /// A whole head, and how many bytes of the buffer it took.
    Complete(Request, usize),
    /// Not yet a whole head: read more.
    Partial,
}

/// Parses the request head at the start of `bytes`. An `Err` is the response to
/// send before closing the connection.
pub(super) fn parse_head(bytes: &[u8]) -> Result<Parsed, Response> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut fields);
    let length = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) if bytes.len() >= MAX_HEAD_BYTES => return Err(oversized_head(bytes)),
        Ok(httparse::Status::Partial) => return Ok(Parsed::Partial),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Response::text(431, &format!("More than {MAX_HEADERS} header lines.\n")));
        }
        Err(httparse::Error::Version) => {
            return Err(Response::text(505, "Only HTTP/1.0 and HTTP/1.1 are supported.\n"));
        }
        Err(error) => return Err(Response::text(400, &format!("Malformed request head: {error}.\n"))),
    };
    let (Some(method), Some(target), Some(minor)) = (parsed.method, parsed.path, parsed.version) else {
        return Err(Response::text(400, "Malformed request line.\n"));
    };
    if target.len() > MAX_TARGET_BYTES {
        return Err(Response::text(414, &format!("Request targets are limited to {MAX_TARGET_BYTES} bytes.\n")));
    }
    let headers = parsed
        .headers
        .iter()
        .map(|field| (field.name.to_owned(), String::from_utf8_lossy(field.value).into_owned()))
        .collect();
    let version = if minor == 0 { Version::Http10 } else { Version::Http11 };
    Ok(Parsed::Complete(Request { method: method.to_owned(), target: target.to_owned(), version, headers }, length))
}

/// The refusal for a head that outgrew [`MAX_HEAD_BYTES`]: the request line or the headers.
fn oversized_head(bytes: &[u8]) -> Response {
    let request_line_complete = bytes.windows(2).any(|pair| pair == b"\r\n");
    if request_line_complete {
        Response::text(431, &format!("Request heads are limited to {MAX_HEAD_BYTES} bytes.\n"))
    } else {
        Response::text(414, &format!("Request lines are limited to {MAX_HEAD_BYTES} bytes.\n"))
    }
}

impl Request {
    /// The value of the first header named `name` (case-insensitive).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.headers.iter().filter(move |(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Whether a comma-separated header (`Connection`, `Upgrade`) lists `token`, in any of its lines.
    pub(super) fn lists_token(&self, name: &str, token: &str) -> bool {
        self.values(name).flat_map(|value| value.split(',')).any(|member| member.trim().eq_ignore_ascii_case(token))
    }

    pub(super) fn is_head(&self) -> bool {
        self.method == "HEAD"
    }

    /// HTTP/1.1 connections persist unless either side says `close`; HTTP/1.0 ones
    /// only when the client asks for `keep-alive` (RFC 9112 §9.3).
    pub(super) fn keeps_alive(&self) -> bool {
        match self.version {
            Version::Http11 => !self.lists_token("Connection", "close"),
            Version::Http10 => self.lists_token("Connection", "keep-alive"),
        }
    }

    /// Checks what the connection layer must before the request is answered: a
    /// method this server supports, a Host, and no body (none is ever read, so
    /// one would be taken for the next request). `Err` is the refusal to send
    /// before closing the connection.
    pub(super) fn check(&self) -> Result<(), Response> {
        let mut lengths = self.values("Content-Length").flat_map(|value| value.split(',')).map(str::trim);
        let length = match lengths.next() {
            None => None,
            Some(first) => {
                // A repeated length must repeat the same number (RFC 9112 §6.3).
                let Ok(length) = first.parse::<u64>() else {
                    return Err(Response::text(400, "Content-Length is not a number.\n"));
                };
                if lengths.any(|other| other != first) {
                    return Err(Response::text(400, "Conflicting Content-Length values.\n"));
                }
                Some(length)
            }
        };
        let chunked = self.header("Transfer-Encoding").is_some();
        if chunked && length.is_some() {
            // The classic request-smuggling ambiguity: refuse rather than guess.
            return Err(Response::text(400, "Transfer-Encoding and Content-Length together.\n"));
        }
        let has_body = chunked || length.is_some_and(|length| length > 0);
        if self.method != "GET" && self.method != "HEAD" {
            return Err(Response::text(405, "Only GET and HEAD are supported.\n").with_header("Allow", "GET, HEAD"));
        }
        if has_body {
            return Err(Response::text(413, "GET and HEAD requests to this server carry no body.\n"));
        }
        let hosts = self.values("Host").count();
        if self.version == Version::Http11 && hosts != 1 {
            return Err(Response::text(400, "HTTP/1.1 requests need exactly one Host header.\n"));
        }
        Ok(())
    }
}

/// A response body, owned or shared with a cache (the kernel's compressed wasm is
/// sent from the cache, not copied for every request).
pub(super) enum Body {
    Owned(Vec<u8>),
    Shared(Arc<Vec<u8>>),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Owned(bytes) => bytes,
            Body::Shared(bytes) => bytes,
        }
    }
}

/// What answering a request comes to: a response, or a switch to another
/// protocol (the live-reload WebSocket).
pub(super) enum Outcome {
    Reply(Response),
    /// Switch protocols: send `switching`, then hand the connection to `run`
    /// with any bytes already read past the request head.
    Upgrade {
        switching: Response,
        run: Box<dyn FnOnce(TcpStream, Vec<u8>) + Send>,
    },
}

pub(super) struct Response {
    pub(super) status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

impl Response {
    pub(super) fn new(status: u16, content_type: &str, body: Body) -> Self {
        Self { status, headers: vec![("Content-Type", content_type.to_owned())], body }
    }

    pub(super) fn text(status: u16, text: &str) -> Self {
        Self::new(status, "text/plain; charset=utf-8", Body::Owned(text.as_bytes().to_vec()))
    }

    /// A response without content (101 Switching Protocols).
    pub(super) fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Body::Owned(Vec::new()) }
    }

    pub(super) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The part `range` of this response's content, as 206 Partial Content.
    pub(super) fn into_partial(mut self, range: Range<usize>) -> Self {
        let total = self.body.bytes().len();
        let content_range = format!("bytes {}-{}/{total}", range.start, range.end.saturating_sub(1));
        self.body = Body::Owned(self.body.bytes()[range].to_vec());
        self.status = 206;
        self.with_header("Content-Range", content_range)
    }

    pub(super) fn content_length(&self) -> usize {
        self.body.bytes().len()
    }

    /// The response to a conditional GET whose validator matched: the same
    /// headers, and no content (the body is kept only for its length).
    pub(super) fn into_not_modified(mut self) -> Self {
        self.status = 304;
        self.headers.retain(|(name, _)| *name != "Content-Type" && *name != "Content-Encoding");
        self
    }
}

/// What the `Connection` header of a response says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Persistence {
    /// The connection stays open, as HTTP/1.1 has it by default: no header.
    KeepAlive,
    /// The connection stays open for an HTTP/1.0 client that asked for it.
    KeepAliveHttp10,
    Close,
    Upgrade,
}

/// Writes `response` with the headers every response carries, its length, and
/// its body unless the request was HEAD or the status has none.
pub(super) fn write_response(
    out: &mut impl Write,
    response: &Response,
    head_only: bool,
    persistence: Persistence,
) -> io::Result<()> {
    let status = response.status;
    let mut head = Vec::with_capacity(512);
    write!(head, "HTTP/1.1 {status} {}\r\n", reason_phrase(status))?;
    write!(head, "Date: {}\r\n", http_date(SystemTime::now()))?;
    for (name, value) in COMMON_HEADERS {
        // A response may set its own (content-hashed files are immutable).
        if !response.headers.iter().any(|(own, _)| own.eq_ignore_ascii_case(name)) {
            write!(head, "{name}: {value}\r\n")?;
        }
    }
    for (name, value) in &response.headers {
        write!(head, "{name}: {value}\r\n")?;
    }
    let body = response.body.bytes();
    // 1xx and 204 have no length; a 304 states the length a 200 would have had (RFC 9110 §8.6).
    let has_length = !(100..200).contains(&status) && status != 204;
    if has_length {
        write!(head, "Content-Length: {}\r\n", body.len())?;
    }
    match persistence {
        Persistence::KeepAlive => {}
        Persistence::KeepAliveHttp10 => head.extend_from_slice(b"Connection: keep-alive\r\n"),
        Persistence::Close => head.extend_from_slice(b"Connection: close\r\n"),
        Persistence::Upgrade => head.extend_from_slice(b"Connection: Upgrade\r\n"),
    }
    head.extend_from_slice(b"\r\n");
    let send_body = has_length && !head_only && status != 304;
    if send_body && body.len() <= SINGLE_WRITE_LIMIT {
        head.extend_from_slice(body);
        out.write_all(&head)?;
    } else {
        out.write_all(&head)?;
        if send_body {
            out.write_all(body)?;
        }
    }
    out.flush()
}

/// Headers on every response: cross-origin isolation (the kernel demo needs
/// SharedArrayBuffer) and revalidation on every load, so an author never sees
/// a stale page, unless the response sets its own `Cache-Control` (a file
/// under a content-hashed name, which never goes stale).
const COMMON_HEADERS: [(&str, &str); 5] = [
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cache-Control", "no-cache"),
    ("X-Content-Type-Options", "nosniff"),
];

fn reason_phrase(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        304 => "Not Modified",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// The IMF-fixdate form of `time` (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(time: SystemTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from(time).format(format).expect("every date has an IMF-fixdate form")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Request, u16> {
        match parse_head(raw.as_bytes()) {
            Ok(Parsed::Complete(request, length)) => {
                assert_eq!(length, raw.len());
                Ok(request)
            }
            Ok(Parsed::Partial) => panic!("partial: {raw:?}"),
            Err(response) => Err(response.status),
        }
    }

    fn check(raw: &str) -> Result<(), u16> {
        parse(raw).unwrap().check().map_err(|response| response.status)
    }

    fn written(response: &Response, head_only: bool, persistence: Persistence) -> String {
        let mut out = Vec::new();
        write_response(&mut out, response, head_only, persistence).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn parses_heads_and_waits_for_the_rest() {
        let request = parse("GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nconnection: Keep-Alive, Upgrade\r\n\r\n").unwrap();
        assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/a%20b?x=1"));
        assert_eq!(request.header("HOST"), Some("h"));
        assert!(request.lists_token("Connection", "upgrade"));
        assert!(matches!(parse_head(b"GET / HTTP/1.1\r\nHost: h\r\n"), Ok(Parsed::Partial)));
        // Pipelined: only the first head is taken.
        let two = b"GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\n";
        let Ok(Parsed::Complete(first, length)) = parse_head(two) else { panic!() };
        assert_eq!((first.target.as_str(), &two[length..]), ("/1", &b"GET /2 HTTP/1.1\r\n"[..]));
    }

    #[test]
    fn refuses_malformed_and_oversized_heads() {
        assert_eq!(parse("GARBAGE\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("GET / HTTP/9.9\r\n\r\n").unwrap_err(), 505);
        assert_eq!(parse("GET / HTTP/1.1\r\nNo colon here\r\n\r\n").unwrap_err(), 400);
        let many: String = (0..MAX_HEADERS + 1).map(|n| format!("X-{n}: v\r\n")).collect();
        assert_eq!(parse(&format!("GET / HTTP/1.1\r\n{many}\r\n")).unwrap_err(), 431);
        assert_eq!(parse(&format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET_BYTES))).unwrap_err(), 414);
        let long_line = format!("GET /{}", "a".repeat(MAX_HEAD_BYTES));
        assert_eq!(parse_head(long_line.as_bytes()).unwrap_err().status, 414);
        let long_header = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD_BYTES));
        assert_eq!(parse_head(long_header.as_bytes()).unwrap_err().status, 431);
    }

    #[test]
    fn only_bodiless_get_and_head_with_a_host_are_answered() {
        assert_eq!(check("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), Ok(()));
        assert_eq!(check("HEAD / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"), Ok(()));
        assert_eq!(check("GET / HTTP/1.0\r\n\r\n"), Ok(()));
        assert_eq!(check("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"), Err(405));
        assert_eq!(check("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"), Err(413));
        assert_eq!(check("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), Err(413));
        assert_eq!(check("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: banana\r\n\r\n"), Err(400));
        assert_eq!(check("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\n"), Err(400));
        assert_eq!(
            check("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(400)
        );
        assert_eq!(check("GET / HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(check("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), Err(400));
    }

    #[test]
    fn persistence_follows_the_version_and_connection_header() {
        assert!(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").unwrap().keeps_alive());
        assert!(!parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n").unwrap().keeps_alive());
        assert!(!parse("GET / HTTP/1.0\r\n\r\n").unwrap().keeps_alive());
        assert!(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").unwrap().keeps_alive());
    }

    #[test]
    fn every_response_states_its_length_and_isolation() {
        let response = Response::text(404, "gone\n");
        let text = written(&response, false, Persistence::Close);
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\nDate: "), "{text}");
        for line in [
            "Cross-Origin-Opener-Policy: same-origin",
            "Cross-Origin-Embedder-Policy: require-corp",
            "Content-Length: 5",
            "Connection: close",
            "Content-Type: text/plain; charset=utf-8",
        ] {
            assert!(text.contains(&format!("\r\n{line}\r\n")), "{line} in {text}");
        }
        assert!(text.ends_with("\r\n\r\ngone\n"));
        let head = written(&response, true, Persistence::KeepAlive);
        assert!(head.ends_with("Content-Length: 5\r\n\r\n") && !head.contains("Connection:"), "{head}");
        let not_modified = written(&Response::text(200, "body").into_not_modified(), false, Persistence::KeepAlive);
        assert!(not_modified.starts_with("HTTP/1.1 304 ") && not_modified.ends_with("Content-Length: 4\r\n\r\n"));
        assert!(!not_modified.contains("\r\nContent-Type:"), "{not_modified}");
        let switching = written(&Response::empty(101), false, Persistence::Upgrade);
        assert!(switching.ends_with("Connection: Upgrade\r\n\r\n") && !switching.contains("Content-Length"));
    }

    #[test]
    fn dates_are_imf_fixdates() {
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
    }
}

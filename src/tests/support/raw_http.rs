//! HTTP over a bare TcpStream: request lines go out exactly as written (HTTP
//! client libraries would normalise the paths the tests need to send).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == &name.to_ascii_lowercase()).map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `raw` as is and reads the whole response: up to the end its length or
/// chunking announces, or else until the server closes (it does after HEAD and
/// 304 when the caller asked for `Connection: close`).
pub fn send_raw(address: SocketAddr, raw: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    // Servers that keep the connection open anyway (node's) are not waited for.
    while !announced_end_reached(&bytes) {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => bytes.extend_from_slice(&buffer[..read]),
            // A reset after the response is complete is fine; what was read is what counts.
            Err(_) => break,
        }
    }
    parse(&bytes).unwrap_or_else(|| {
        panic!("unparseable response to {:?}: {:?}", String::from_utf8_lossy(raw), String::from_utf8_lossy(&bytes))
    })
}

/// Reads exactly one response from a connection that may carry more: the head,
/// then as many body bytes as its Content-Length announces (none after HEAD or
/// for a 304). On failure, the bytes that were read.
pub fn read_response(stream: &mut TcpStream, to_head: bool) -> Result<RawResponse, Vec<u8>> {
    let head = read_head(stream);
    let mut response = parse(&head).ok_or_else(|| head.clone())?;
    let length = match response.header("content-length") {
        _ if to_head || response.status == 304 => 0,
        Some(length) => length.parse().map_err(|_| head.clone())?,
        None => 0,
    };
    response.body = vec![0; length];
    stream.read_exact(&mut response.body).map_err(|_| head)?;
    Ok(response)
}

/// Reads byte by byte up to the end of a response head (or until the connection ends).
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        bytes.push(byte[0]);
    }
    bytes
}

/// Sends `raw` and reads only up to the end of the response head, for responses
/// after which the connection stays open (101 Switching Protocols).
pub fn send_raw_head(address: SocketAddr, raw: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(raw).unwrap();
    let bytes = read_head(&mut stream);
    parse(&bytes).unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&bytes)))
}

/// A request with the given method, target and extra header lines.
pub fn request(address: SocketAddr, method: &str, target: &str, extra_headers: &[&str]) -> RawResponse {
    let mut raw = format!("{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for line in extra_headers {
        raw.push_str(line);
        raw.push_str("\r\n");
    }
    raw.push_str("\r\n");
    send_raw(address, raw.as_bytes())
}

pub fn get(address: SocketAddr, target: &str) -> RawResponse {
    request(address, "GET", target, &[])
}

/// Whether `bytes` hold a response head and all the body its head announces.
fn announced_end_reached(bytes: &[u8]) -> bool {
    let Some(end) = bytes.windows(4).position(|window| window == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let body = &bytes[end + 4..];
    let field =
        |name: &str| head.split("\r\n").find_map(|line| line.strip_prefix(name).map(str::trim).map(str::to_owned));
    if field("transfer-encoding:").is_some_and(|coding| coding == "chunked") {
        return body.ends_with(b"0\r\n\r\n");
    }
    field("content-length:").and_then(|length| length.parse::<usize>().ok()).is_some_and(|length| body.len() >= length)
}

fn parse(bytes: &[u8]) -> Option<RawResponse> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut response = RawResponse { status, headers, body: bytes[end + 4..].to_vec() };
    if response.header("transfer-encoding").is_some_and(|coding| coding.eq_ignore_ascii_case("chunked")) {
        response.body = dechunk(&response.body)?;
    }
    Some(response)
}

/// The payload of a chunked body (hosts other than ours chunk large files).
fn dechunk(mut chunked: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = chunked.windows(2).position(|window| window == b"\r\n")?;
        let size_field = std::str::from_utf8(&chunked[..line_end]).ok()?;
        let size = usize::from_str_radix(size_field.split(';').next()?.trim(), 16).ok()?;
        chunked = &chunked[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(chunked.get(..size)?);
        chunked = chunked.get(size + 2..)?;
    }
}

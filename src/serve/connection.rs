//! The connection layer: accepting TCP connections, one thread each, reading
//! request heads under size and time limits, keeping connections alive between
//! requests, and closing every one of them when the server stops.
//!
//! A thread per connection is what makes idle keep-alive connections harmless:
//! a browser keeps several open, and none of them can hold up another.

use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::ServerState;
use super::http::handle;
use super::wire::{self, Outcome, Parsed, Persistence, Request, Response, Version};
use crate::report;

/// An idle keep-alive connection is closed after this long without a request
/// (browsers reopen one when they need it).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Once a request head has begun, all of it must arrive within this time, so
/// that a client dribbling bytes (slowloris) cannot hold a thread for long.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A client that stops reading a response loses its connection after this long.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; beyond it new ones are refused with 503.
const MAX_CONNECTIONS: usize = 512;
/// After a refusal, how long the client's unread bytes are drained so that
/// closing does not reset the connection before the refusal is read.
const LINGER: Duration = Duration::from_secs(1);
/// How long `stop` waits for connection threads after closing their sockets.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The accepting thread and the connections it started.
pub(super) struct Listener {
    address: SocketAddr,
    accepting: Option<JoinHandle<()>>,
    connections: Arc<Connections>,
}

/// Starts accepting connections on `listener`, each served on a thread of its own.
pub(super) fn listen(listener: TcpListener, state: &Arc<ServerState>) -> io::Result<Listener> {
    let address = listener.local_addr()?;
    let connections = Arc::new(Connections::default());
    let accepting = {
        let state = Arc::clone(state);
        let connections = Arc::clone(&connections);
        std::thread::Builder::new()
            .name("serve-accept".into())
            .spawn(move || accept_loop(&listener, &state, &connections))?
    };
    Ok(Listener { address, accepting: Some(accepting), connections })
}

impl Listener {
    /// Blocks until the accepting thread ends, that is until [`Listener::stop`].
    pub(super) fn wait(&mut self) {
        if let Some(accepting) = self.accepting.take() {
            let _ = accepting.join();
        }
    }

    /// Stops accepting, closes every connection (idle keep-alive ones included)
    /// and waits for their threads. The server's `stopping` flag must be set first.
    pub(super) fn stop(&mut self) {
        if let Some(accepting) = self.accepting.take() {
            // `accept` has no way to be interrupted: a connection of our own wakes it,
            // and it sees the flag. Bound to every interface, it is reached through loopback.
            let wake = SocketAddr::new(super::browsable_ip(self.address.ip()), self.address.port());
            if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok() {
                let _ = accepting.join();
            }
        }
        // HTTP connections first; live-reload ones end by themselves once told to close.
        self.connections.shut_down(false);
        if !self.connections.wait_until_all_closed(STOP_GRACE) {
            self.connections.shut_down(true);
            self.connections.wait_until_all_closed(STOP_GRACE);
        }
    }
}

fn accept_loop(listener: &TcpListener, state: &Arc<ServerState>, connections: &Arc<Connections>) {
    for incoming in listener.incoming() {
        if state.stopping.load(Ordering::SeqCst) {
            return;
        }
        match incoming {
            Ok(stream) => connections.start(stream, state),
            // Out of file descriptors or a connection reset before it was accepted:
            // pause instead of spinning, and go on.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Every open connection, so that `stop` can close them.
#[derive(Default)]
struct Connections {
    open: Mutex<OpenConnections>,
    /// Signalled whenever a connection ends.
    closed: Condvar,
}

#[derive(Default)]
struct OpenConnections {
    next_id: u64,
    /// A second handle on each connection's socket, for shutting it down from
    /// outside its thread, and whether it carries the live-reload WebSocket now.
    sockets: HashMap<u64, (TcpStream, bool)>,
}

impl Connections {
    fn start(self: &Arc<Self>, stream: TcpStream, state: &Arc<ServerState>) {
        let Ok(handle) = stream.try_clone() else { return };
        let id = {
            let mut open = self.lock();
            if open.sockets.len() >= MAX_CONNECTIONS {
                drop(open);
                // Answered from the accepting thread, so without lingering: the
                // answer is small and the client is told to come back.
                let busy =
                    Response::text(503, "Too many connections; retry in a moment.\n").with_header("Retry-After", "1");
                let _ = wire::write_response(&mut &stream, &busy, false, Persistence::Close);
                return;
            }
            open.next_id += 1;
            let id = open.next_id;
            open.sockets.insert(id, (handle, false));
            id
        };
        let registration = Registration { connections: Arc::clone(self), id };
        let state = Arc::clone(state);
        let spawned = std::thread::Builder::new()
            .name("serve-connection".into())
            .spawn(move || serve_connection(stream, &state, &registration));
        if let Err(error) = spawned {
            // The registration went down with the closure, and the socket with it.
            report::error!("serve: cannot start a connection thread: {error}");
        }
    }

    /// Shuts down the sockets of HTTP connections, and of WebSocket ones too when
    /// `websockets_too`, which wakes their threads from any read or write.
    fn shut_down(&self, websockets_too: bool) {
        for (socket, websocket) in self.lock().sockets.values() {
            if websockets_too || !websocket {
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }

    /// Whether every connection thread ended within `limit`.
    fn wait_until_all_closed(&self, limit: Duration) -> bool {
        let open = self.lock();
        let (open, _) = self
            .closed
            .wait_timeout_while(open, limit, |open| !open.sockets.is_empty())
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        open.sockets.is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, OpenConnections> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection's entry in [`Connections`], removed when its thread ends.
struct Registration {
    connections: Arc<Connections>,
    id: u64,
}

impl Registration {
    fn now_websocket(&self) {
        if let Some(entry) = self.connections.lock().sockets.get_mut(&self.id) {
            entry.1 = true;
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.lock().sockets.remove(&self.id);
        self.connections.closed.notify_all();
    }
}

/// Answers requests on one connection until either side closes it.
fn serve_connection(mut stream: TcpStream, state: &Arc<ServerState>, registration: &Registration) {
    // Small responses go out at once rather than after the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    // Bytes read but not yet used: the start of the next request when a client pipelines.
    let mut buffered = Vec::new();
    loop {
        let request = match read_head(&mut stream, &mut buffered, state) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(refusal) => return close_after_refusal(stream, &refusal),
        };
        if let Err(refusal) = request.check() {
            return close_after_refusal(stream, &refusal);
        }
        // A bug in one response must not take the connection's thread down unanswered.
        let (response, keep_alive) = match catch_unwind(AssertUnwindSafe(|| handle(&request, state))) {
            Ok(Outcome::Reply(response)) => (response, request.keeps_alive() && !state.stopping.load(Ordering::SeqCst)),
            Ok(Outcome::Upgrade { switching, run }) => {
                if wire::write_response(&mut stream, &switching, false, Persistence::Upgrade).is_err() {
                    return;
                }
                registration.now_websocket();
                let _ = stream.set_read_timeout(None);
                return run(stream, std::mem::take(&mut buffered));
            }
            Err(_) => {
                report::error!(
                    "serve: internal error while answering {} {} (see the panic message above)",
                    request.method,
                    request.target
                );
                (Response::text(500, "Internal error in the preview server; see its output.\n"), false)
            }
        };
        let persistence = match (keep_alive, request.version) {
            (false, _) => Persistence::Close,
            (true, Version::Http11) => Persistence::KeepAlive,
            (true, Version::Http10) => Persistence::KeepAliveHttp10,
        };
        if wire::write_response(&mut stream, &response, request.is_head(), persistence).is_err() || !keep_alive {
            return;
        }
    }
}

/// Reads until `buffered` holds a whole request head, and takes it out.
/// `Ok(None)`: the client closed the connection or left it idle too long, or the
/// server is stopping. `Err`: the refusal to send before closing.
fn read_head(stream: &mut TcpStream, buffered: &mut Vec<u8>, state: &ServerState) -> Result<Option<Request>, Response> {
    let mut head_began: Option<Instant> = None;
    loop {
        if !buffered.is_empty() {
            head_began.get_or_insert_with(Instant::now);
            if let Parsed::Complete(request, length) = wire::parse_head(buffered)? {
                buffered.drain(..length);
                return Ok(Some(request));
            }
        }
        if state.stopping.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let timeout = match head_began {
            None => IDLE_TIMEOUT,
            Some(began) => match HEAD_TIMEOUT.checked_sub(began.elapsed()) {
                Some(left) if !left.is_zero() => left,
                _ => return Err(head_timeout()),
            },
        };
        let _ = stream.set_read_timeout(Some(timeout));
        let filled = buffered.len();
        buffered.resize(filled + 16 * 1024, 0);
        let read = stream.read(&mut buffered[filled..]);
        buffered.truncate(filled + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) if matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return if head_began.is_some() { Err(head_timeout()) } else { Ok(None) };
            }
            Err(_) => return Ok(None),
        }
    }
}

fn head_timeout() -> Response {
    Response::text(408, &format!("The request head did not arrive within {} s.\n", HEAD_TIMEOUT.as_secs()))
}

/// Sends a refusal and closes the connection, first draining what the client
/// still sends for a moment: closing with unread data would reset the
/// connection, and the client might never see the refusal.
fn close_after_refusal(mut stream: TcpStream, refusal: &Response) {
    if wire::write_response(&mut stream, refusal, false, Persistence::Close).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER));
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 16 * 1024];
    while Instant::now() < deadline && matches!(stream.read(&mut sink), Ok(read) if read > 0) {}
}

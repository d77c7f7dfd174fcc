//! `lkljs-site serve`: the development server with live reload.
//!
//! The server is built from seven parts, one file each:
//! - [`connection`]: accepting connections, a thread each, keep-alive, limits and stopping;
//! - [`wire`]: HTTP/1.1 request heads and responses as bytes, with the headers every response carries;
//! - [`files`]: turning a request target into a file under the output root, safely;
//! - [`http`]: the responses themselves (ETags, conditional requests, HTML injection);
//! - [`encoding`]: brotli and gzip as static hosts send them, negotiated and cached;
//! - [`live`]: the WebSocket that tells browsers to reload, swap CSS or show an error;
//! - [`watch`]: the file watcher and the loop that rebuilds and notifies.
//!
//! The build output on disk is exactly what production gets: the live-reload
//! client is injected into HTML only as it is served.

mod connection;
mod encoding;
mod files;
mod http;
mod live;
mod watch;
mod wire;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::report;

pub use encoding::is_compressible;
pub use files::{Resolved, resolve_target};
pub use http::content_type;
pub use live::{LIVE_CLIENT_PATH, LIVE_SOCKET_PATH};

/// What the server needs from the site builder. The build module implements it;
/// the server only knows this contract.
pub trait Rebuild: Send {
    /// Builds everything into [`Rebuild::output_dir`].
    fn build_all(&mut self) -> Result<BuildSummary, BuildFailure>;
    /// Rebuilds after the given input files changed (created, modified or removed).
    ///
    /// Paths are spelled like [`Rebuild::watch_paths`] (a watched `./content` yields
    /// `./content/guide/intro.md`), sorted and without duplicates; they may name
    /// directories or files that no longer exist. Editors' temporary files and
    /// anything under the output directory are left out. A watched path itself
    /// means "anything below may have changed" (after the watcher lost events).
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuildSummary, BuildFailure>;
    /// Work that [`Rebuild::rebuild`] left for after the browsers were told
    /// about its result, so that they hear of the edit sooner; `None` when there
    /// is none. Called after every rebuild; its result is reported the same way.
    fn finish(&mut self) -> Option<Result<BuildSummary, BuildFailure>> {
        None
    }
    /// Directories and files to watch for changes.
    fn watch_paths(&self) -> Vec<PathBuf>;
    /// The directory being served.
    fn output_dir(&self) -> PathBuf;
}

/// What a successful (re)build changed, so the browser can be told the least it needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// URL paths of outputs that were written or removed, e.g. `/guide/intro/` or
    /// `/theme/site.1a2b3c4d.css`.
    pub changed_urls: Vec<String>,
    /// True when only stylesheets changed in substance, so the browser may swap
    /// them without a reload. Hashed stylesheet names have the form
    /// `name.<8 hex>.css`.
    pub only_css: bool,
    /// True for the second half of a rebuild (see [`Rebuild::finish`]) whose
    /// first half had the browsers swap stylesheets: the pages changed only in
    /// the names they link them by, so there is nothing to tell the browsers.
    pub after_css_swap: bool,
}

/// A failed build: every error, already formatted for a person (file:line: cause).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildFailure {
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Address to bind, `127.0.0.1` unless the author asks otherwise.
    pub bind: String,
    /// First port to try; the next few are tried when it is taken. 0 picks a free one.
    pub port: u16,
    /// Open the served URL with `xdg-open` once the server is up.
    pub open_browser: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address}: {source}; pass another --bind or --port")]
    Bind { address: String, source: io::Error },
    #[error("ports {first} to {last} on {bind} are all in use; stop the other server or pass --port with a free port")]
    NoFreePort { bind: String, first: u16, last: u16 },
    #[error("cannot create the output directory {}: {source}", path.display())]
    OutputDir { path: PathBuf, source: io::Error },
    #[error("cannot watch {} for changes: {source}", path.display())]
    Watch { path: PathBuf, source: notify::Error },
    #[error("cannot start the file watcher: {0}")]
    Watcher(notify::Error),
    #[error("cannot start the HTTP server on {address}: {message}")]
    Server { address: SocketAddr, message: String },
}

/// How many further ports are tried when the requested one is taken.
const PORT_ATTEMPTS: u16 = 10;

/// Builds the site, serves it and rebuilds on change until the process ends.
pub fn serve(builder: impl Rebuild + 'static, config: ServeConfig) -> Result<(), ServeError> {
    let open_browser = config.open_browser;
    let running = start(builder, config)?;
    if open_browser {
        open_in_browser(&running.url());
    }
    running.wait();
    Ok(())
}

/// A running server: its address, and the means to stop it (used by tests and benchmarks).
pub struct RunningServer {
    address: SocketAddr,
    state: Arc<ServerState>,
    listener: connection::Listener,
    rebuilder: Option<watch::Rebuilder>,
}

/// What request handlers share with the rebuild loop.
pub(crate) struct ServerState {
    /// The canonical output directory; nothing outside it is ever served.
    root: PathBuf,
    hub: live::Hub,
    etags: http::EtagCache,
    /// Brotli and gzip bodies, compressed once per file version.
    compressed: encoding::CompressedCache,
    stopping: AtomicBool,
}

/// Builds once, then starts the watcher and the HTTP workers and returns.
pub fn start(mut builder: impl Rebuild + 'static, config: ServeConfig) -> Result<RunningServer, ServeError> {
    let output = builder.output_dir();
    std::fs::create_dir_all(&output).map_err(|source| ServeError::OutputDir { path: output.clone(), source })?;
    let root = output.canonicalize().map_err(|source| ServeError::OutputDir { path: output.clone(), source })?;

    // The watcher starts before the first build so that edits made while it runs are not lost.
    let (watcher, signals, changes) = watch::watch(&builder.watch_paths(), &root)?;

    report::status!("Building the site into {} ...", output.display());
    let started = Instant::now();
    let first = builder.build_all();
    let error = match first {
        Ok(summary) => {
            report::status!("Built in {} ({} outputs).", watch::format_elapsed(started), summary.changed_urls.len());
            None
        }
        Err(failure) => {
            report::error!("Build failed; serving anyway, fix the error and save to retry:\n{}", failure.message);
            Some(failure.message)
        }
    };

    let state = Arc::new(ServerState {
        root,
        hub: live::Hub::new(live::BuildState { generation: 1, error }),
        etags: http::EtagCache::default(),
        compressed: encoding::CompressedCache::default(),
        stopping: AtomicBool::new(false),
    });

    let listener = bind(&config)?;
    let address = listener.local_addr().map_err(|source| ServeError::Bind { address: config.bind.clone(), source })?;
    let listener = connection::listen(listener, &state)
        .map_err(|error| ServeError::Server { address, message: error.to_string() })?;
    let rebuilder = watch::Rebuilder::spawn(Box::new(builder), watcher, signals, changes, Arc::clone(&state));

    let running = RunningServer { address, state, listener, rebuilder: Some(rebuilder) };
    report::status!("Serving {} at {} (live reload on; Ctrl+C stops)", output.display(), running.url());
    if !address.ip().is_loopback() {
        report::warning!(
            "Note: bound to {}, so other machines on the network can reach this server too.",
            address.ip()
        );
    }
    Ok(running)
}

impl RunningServer {
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The site's root URL, e.g. `http://127.0.0.1:1111/` (loopback when bound to
    /// every interface, since `0.0.0.0` is not an address to browse to).
    pub fn url(&self) -> String {
        format!("http://{}/", SocketAddr::new(browsable_ip(self.address.ip()), self.address.port()))
    }

    /// Blocks until the server is stopped (in practice: until the process ends).
    pub fn wait(mut self) {
        self.listener.wait();
    }

    /// Stops watching and serving, closes every connection (live-reload ones with
    /// a WebSocket close, idle keep-alive ones too) and waits for the threads to
    /// finish. The port is free again afterwards.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        if let Some(rebuilder) = self.rebuilder.take() {
            rebuilder.stop();
        }
        self.state.hub.close_all();
        self.listener.stop();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Binds the configured port, or the next free one, saying so when it moves.
fn bind(config: &ServeConfig) -> Result<TcpListener, ServeError> {
    let last = if config.port == 0 { 0 } else { config.port.saturating_add(PORT_ATTEMPTS) };
    for port in config.port..=last {
        match TcpListener::bind((config.bind.as_str(), port)) {
            Ok(listener) => {
                if port != config.port {
                    report::warning!("Port {} is in use; using port {port} instead.", config.port);
                }
                return Ok(listener);
            }
            Err(error) if error.kind() == io::ErrorKind::AddrInUse => continue,
            Err(source) => {
                return Err(ServeError::Bind { address: format!("{}:{port}", config.bind), source });
            }
        }
    }
    Err(ServeError::NoFreePort { bind: config.bind.clone(), first: config.port, last })
}

/// The address to reach a server bound to `ip`: loopback when bound to every
/// interface, since `0.0.0.0` is not an address to connect to.
fn browsable_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}

/// Opens the URL with the desktop's handler; a missing handler is reported, not fatal.
fn open_in_browser(url: &str) {
    match std::process::Command::new("xdg-open").arg(url).spawn() {
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            report::warning!("--open: xdg-open is not installed; open {url} in a browser yourself.");
        }
        Err(error) => report::warning!("--open: could not run xdg-open ({error}); open {url} in a browser yourself."),
    }
}

impl ServerState {
    fn build_state(&self) -> live::BuildState {
        self.hub.build_state()
    }

    fn root(&self) -> &Path {
        &self.root
    }
}

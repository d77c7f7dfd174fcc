//! `public/` served the way static hosts serve it:
//! - [`PagesDev`]: Cloudflare's `wrangler pages dev`, which applies `_headers` as
//!   Cloudflare Pages does, pinned by `src/tests/fixtures/host-emulator/`;
//! - [`PlainServer`]: a file server that sends no isolation headers, like GitHub Pages.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lkljs_site::serve::content_type;

/// The compatibility date the emulated Pages worker runs with: fixed, so a run
/// does not depend on the day (the pinned runtime supports dates up to this one).
const COMPATIBILITY_DATE: &str = "2025-07-18";
const STARTUP_LIMIT: Duration = Duration::from_secs(90);
/// Tries at starting the emulator on new ports when another program took one.
const PORT_ATTEMPTS: u32 = 3;

/// Installs the pinned emulator (once per lockfile version, under
/// `target/host-emulator/`) and returns the directory holding its `node_modules`.
/// `None` (with a notice) when node or npm is missing, unless `CI` is set.
pub fn install_emulator() -> Option<PathBuf> {
    super::npm_tools::install("host-emulator", "node_modules/wrangler/bin/wrangler.js")
}

/// `wrangler pages dev` serving a directory, stopped (with its workerd) on drop.
pub struct PagesDev {
    child: Child,
    pub address: SocketAddr,
    log: Arc<Mutex<String>>,
    _home: tempfile::TempDir,
}

impl PagesDev {
    /// Serves `public` as Cloudflare Pages would, or `None` when the emulator
    /// cannot be installed here (see [`install_emulator`]).
    pub fn start(public: &Path) -> Option<Self> {
        let installed = install_emulator()?;
        // The ports come from `free_port`, which must let go of each before
        // wrangler binds it: another test may take one in between. Then
        // wrangler fails at once, saying so, and new ports are tried.
        for attempt in 1..=PORT_ATTEMPTS {
            let mut emulator = Self::launch(&installed, public);
            match emulator.wait_until_ready() {
                Ok(address) => {
                    emulator.address = address;
                    return Some(emulator);
                }
                Err(status) if attempt < PORT_ATTEMPTS && emulator.log().contains("Address already in use") => {
                    eprintln!("wrangler pages dev lost a port to another program ({status}); trying other ports");
                }
                Err(status) => panic!("wrangler pages dev exited with {status} before serving:\n{}", emulator.log()),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    /// Starts `wrangler pages dev` on `public`, on ports free a moment ago.
    fn launch(installed: &Path, public: &Path) -> Self {
        // Wrangler writes its state (`.wrangler/`), logs and settings next to it
        // and under the user's config directory: keep all of that out of the way.
        let home = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new("node");
        command
            .arg(installed.join("node_modules/wrangler/bin/wrangler.js"))
            .args(["pages", "dev"])
            .arg(public)
            .args(["--ip", "127.0.0.1", "--port", &port.to_string()])
            .args(["--inspector-port", &free_port().to_string()])
            .arg(format!("--compatibility-date={COMPATIBILITY_DATE}"))
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("WRANGLER_SEND_METRICS", "false")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group, so that stopping it also stops the workerd it starts.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("cannot start node");
        let log = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let requested = SocketAddr::from(([127, 0, 0, 1], port));
        Self { child, address: requested, log, _home: home }
    }

    /// Waits for "Ready on http://ADDRESS" and returns that address (wrangler
    /// moves to another port when the requested one was taken meanwhile), or
    /// how wrangler exited if it did first.
    fn wait_until_ready(&mut self) -> Result<SocketAddr, std::process::ExitStatus> {
        let deadline = Instant::now() + STARTUP_LIMIT;
        loop {
            let log = self.log();
            let announced = log.lines().find_map(|line| {
                let rest = line.split("Ready on http://").nth(1)?;
                rest.split(|c: char| c == '/' || c.is_whitespace()).next()?.parse::<SocketAddr>().ok()
            });
            if let Some(address) = announced
                && TcpStream::connect(address).is_ok()
            {
                return Ok(address);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(status);
            }
            assert!(Instant::now() < deadline, "wrangler pages dev did not start within {STARTUP_LIMIT:?}:\n{log}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Everything the emulator printed so far (for failure messages).
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for PagesDev {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A static server that sends no isolation headers, like GitHub Pages.
pub struct PlainServer {
    pub address: SocketAddr,
}

impl PlainServer {
    pub fn start(root: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || answer_plainly(stream, &root));
            }
        });
        Self { address }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

fn answer_plainly(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let target = request_line.split(' ').nth(1).unwrap_or("/").split('?').next().unwrap().to_owned();
    let file = target.strip_prefix('/').map(|rest| {
        let path = root.join(rest);
        if rest.is_empty() || rest.ends_with('/') { path.join("index.html") } else { path }
    });
    let (status, content_type, body) = match file.as_deref().map(|file| (file, std::fs::read(file))) {
        Some((file, Ok(body))) if !target.contains("..") => ("200 OK", content_type(file), body),
        _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

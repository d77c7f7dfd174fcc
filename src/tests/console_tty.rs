//! The console tty of the real kernel: `/init` (PID 1, the init program)
//! starts the shell on it, node's stdin is typed into it, and the kernel's
//! line discipline does echo, erase, ^C and the window size.
//! `fixtures/console/console-session.js` types through `Module.lkljs.console`.
//! Programs that must be the console's foreground job in a known state
//! (`/bin/tty-test`) are started by the host and take the console; job
//! control is typed into the shell.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::kernel::{SessionResults, build, run_console_script, run_with_input_and_watchdog, site_root};
use crate::support::processes::{children_of, is_running};

/// Runs `node boot.js` in `dir` with `input` as its stdin (`None`: /dev/null),
/// killing it if it outlives `limit`.
fn boot_with_stdin(dir: &Path, input: Option<&[u8]>, limit: Duration) -> Output {
    run_with_input_and_watchdog(&mut boot_command(dir), input, limit)
}

/// `node boot.js` in `dir`, with the boot's own timeout at 60 s.
fn boot_command(dir: &Path) -> Command {
    let mut command = Command::new("node");
    command.args(["--no-experimental-fetch", "boot.js"]).current_dir(dir).env("LKLJS_BOOT_TIMEOUT_SECONDS", "60");
    command
}

/// `node boot.js` in `dir` with its standard streams piped, but stderr as given.
fn start_boot_with_pipes(dir: &Path, stderr: Stdio) -> Child {
    boot_command(dir).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(stderr).spawn().unwrap()
}

fn context(output: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn piped_stdin_is_typed_into_the_shell_and_node_exits_with_its_status() {
    let artifacts = build(&site_root());
    let output =
        boot_with_stdin(&artifacts.dir, Some(b"echo hi\necho hi | tr a-z A-Z\nexit 3\n"), Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "exit 3 in the shell must be node's status\n{}", context(&output));
    // The echo of the typed line shows "echo hi"; only the command prints "hi" alone.
    assert!(stdout.lines().any(|line| line == "hi"), "no line 'hi'\n{}", context(&output));
    assert!(stdout.lines().any(|line| line == "HI"), "no line 'HI' from the pipeline\n{}", context(&output));
    assert!(stdout.lines().last().unwrap_or_default().ends_with("reboot: System halted"), "{}", context(&output));
    assert!(!stdout.contains('\r'), "a pipe gets '\\n' line ends\n{}", context(&output));
}

/// The tty's output reaches the host through a 64 KiB ring that the main
/// thread drains without the writer waiting (host/console.c): a burst
/// several times the ring's size must arrive whole and in order, and a
/// kernel log line written after it must come after it.
#[test]
fn output_larger_than_the_ring_arrives_whole_and_in_order() {
    const LAST: u32 = 40_000; // about 230 KB of output
    let artifacts = build(&site_root());
    let input =
        format!("seq 1 {LAST}\necho '<2>lkljs-after-the-burst' > /dev/kmsg\necho 'shell after the log line'\nexit 4\n");
    let output = boot_with_stdin(&artifacts.dir, Some(input.as_bytes()), Duration::from_secs(120));
    assert_eq!(output.status.code(), Some(4), "{}", context(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let numbers: Vec<u32> = lines.iter().filter_map(|line| line.parse().ok()).collect();
    let expected: Vec<u32> = (1..=LAST).collect();
    assert!(numbers == expected, "seq's lines are not 1 to {LAST} in order ({} numbers)", numbers.len());
    let position = |wanted: &dyn Fn(&str) -> bool, what: &str| {
        lines.iter().position(|line| wanted(line)).unwrap_or_else(|| panic!("no {what}\n{}", context(&output)))
    };
    let last_number = position(&|line| line == LAST.to_string(), "last number");
    // The kernel log's line, "[ seconds] text", not the echo of the command.
    let log_line = position(&|line| line.starts_with('[') && line.ends_with("] lkljs-after-the-burst"), "log line");
    let shell_line = position(&|line| line == "shell after the log line", "line after it");
    assert!(last_number < log_line && log_line < shell_line, "out of order: {last_number}, {log_line}, {shell_line}");
}

/// The README's interactive use: `node boot.js` with a terminal (a pty
/// from Python's pty module) puts it in raw mode, so keys reach the
/// kernel's tty: the shell's line editing, ^C, the window size and `exit 3`.
#[test]
fn a_terminal_on_stdin_is_used_in_raw_mode() {
    let artifacts = build(&site_root());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/console/interactive-boot.py");
    let output = run_with_input_and_watchdog(
        Command::new("python3").arg(&script).arg(&artifacts.dir).env("LKLJS_BOOT_TIMEOUT_SECONDS", "60"),
        None,
        Duration::from_secs(120),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for check in ["prompt", "pipeline", "ctrl_c"] {
        assert!(stdout.lines().any(|line| line == format!("@@result {check} true")), "{check}\n{}", context(&output));
    }
    assert!(stdout.contains("\n24 80\r\n"), "stty size\n{}", context(&output));
    assert_eq!(output.status.code(), Some(3), "exit 3 in the shell must be node's status\n{}", context(&output));
}

#[test]
fn stdin_at_its_end_makes_the_shell_exit_zero_and_the_machine_halt() {
    let artifacts = build(&site_root());
    for input in [None, Some(&b""[..]), Some(&b"echo 'no newline at the end'"[..])] {
        let output = boot_with_stdin(&artifacts.dir, input, Duration::from_secs(120));
        assert_eq!(output.status.code(), Some(0), "input {input:?}\n{}", context(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("lkljs-init: PID 1 ready"), "{}", context(&output));
        assert!(stdout.lines().last().unwrap_or_default().ends_with("reboot: System halted"), "{}", context(&output));
        if input.is_some_and(|bytes| !bytes.is_empty()) {
            assert!(stdout.lines().any(|line| line == "no newline at the end"), "{}", context(&output));
        }
    }
}

/// `node boot.js` runs itself again in a second node (with stack switching,
/// host/lkljs-coroutines.js), which holds the kernel. Killing the first one
/// with a signal that it cannot catch must end the second too: else it
/// would go on reading the terminal that the user's shell has taken back.
#[test]
fn killing_node_ends_the_node_that_holds_the_kernel() {
    let artifacts = build(&site_root());
    let mut first = start_boot_with_pipes(&artifacts.dir, Stdio::null());
    // Both stay open until the end, so that neither the end of input nor a
    // broken pipe can be what ends the second node.
    let mut stdin = first.stdin.take().unwrap();
    let mut stdout = BufReader::new(first.stdout.take().unwrap());
    stdin.write_all(b"echo lkljs-shell-up\n").unwrap();
    let mut line = String::new();
    while line.trim_end() != "lkljs-shell-up" {
        line.clear();
        assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "node ended before the shell ran a command");
    }
    let second = children_of(first.id());
    assert_eq!(second.len(), 1, "the first node runs exactly one other: {second:?}");
    first.kill().unwrap();
    first.wait().unwrap();
    let ended = poll_until(Duration::from_secs(30), || !is_running(second[0]));
    if !ended {
        let _ = Command::new("kill").args(["-KILL", &second[0].to_string()]).status();
    }
    assert!(ended, "the second node outlived the first by 30 s");
    drop((stdin, stdout));
}

/// `node boot.js | head -1`: once the reader has gone, node ends as a
/// program that SIGPIPE ends, with status 128 + 13 and no stack trace.
#[test]
fn a_reader_that_goes_away_ends_node_quietly() {
    let artifacts = build(&site_root());
    let mut node = start_boot_with_pipes(&artifacts.dir, Stdio::piped());
    let mut first_line = String::new();
    BufReader::new(node.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    assert!(first_line.contains("Linux version"), "the kernel log's first line: {first_line}");
    // The reader is gone; the stdin stays open, so that only a write can end node.
    let mut stdin = node.stdin.take().unwrap();
    stdin.write_all(b"seq 1 100000\n").unwrap();
    let mut stderr = node.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let mut status = None;
    if !poll_until(Duration::from_secs(60), || {
        status = node.try_wait().unwrap();
        status.is_some()
    }) {
        let _ = node.kill();
        panic!("node went on for 60 s without a reader");
    }
    let stderr = stderr.join().unwrap();
    assert_eq!(status.and_then(|status| status.code()), Some(128 + 13), "stderr:\n{stderr}");
    assert!(!stderr.contains("EPIPE"), "no stack trace:\n{stderr}");
    drop(stdin);
}

/// Checks `done` every 50 ms until it holds (true) or `limit` has passed (false).
fn poll_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if done() {
            return true;
        }
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What console-session.js reported. One session serves every test that
/// judges it.
fn console_session() -> &'static SessionResults {
    static SESSION: OnceLock<SessionResults> = OnceLock::new();
    SESSION.get_or_init(|| run_console_script("console-session.js", Duration::from_secs(240)))
}

#[test]
fn the_line_discipline_edits_echoes_signals_and_knows_the_window_size() {
    let session = console_session();
    let stdout = &session.stdout;
    let result = |name: &str| session.get(name).clone();

    // DEL erases the "c" in canonical mode; the tty echoes the erase as "\b \b".
    let erase = result("erase");
    assert_eq!(erase["read"], "abd", "{stdout}");
    assert!(erase["echoed"].as_str().unwrap().contains("abc\u{8} \u{8}d"), "{stdout}");

    // With ECHO off (read -s) the typed word is read but not shown.
    let echo_off = result("echo_off");
    assert_eq!(echo_off["read"], "hidden", "{stdout}");
    assert!(!echo_off["echoed"].as_str().unwrap().contains("hidden"), "{stdout}");

    // PID 1 is the init program, the shell's parent; the host's calls run
    // in lkljs-host, another process.
    let processes = result("processes");
    assert_eq!(processes["pid1_cmdline"], "/init", "{stdout}");
    assert_eq!(processes["shell_parent"], 1, "{stdout}");
    assert_eq!(processes["host_comm"], "lkljs-host", "{stdout}");
    assert!(processes["host_pid"].as_i64().unwrap() > 1, "{stdout}");

    // TIOCGWINSZ after the host's resize, from stty and from a program, and
    // SIGWINCH to the foreground job on the next resize.
    let window = result("window_size");
    assert_eq!(window["stty"], "37 101", "{stdout}");
    assert_eq!(window["stty_status"], 0, "{stdout}");
    assert_eq!(window["before"], "101x37", "{stdout}");
    assert_eq!(window["after"], "SIGWINCH, 90x30", "{stdout}");
    assert_eq!(window["status"], 0, "{stdout}");

    // ^C kills the foreground job, blocked reading the console, with SIGINT
    // (wait status 2: signalled, no core); the tty echoes it as "^C".
    let ctrl_c = result("ctrl_c");
    assert_eq!(ctrl_c["status"], 2, "{stdout}");
    assert!(ctrl_c["echoed"].as_str().unwrap().contains("^C"), "{stdout}");

    let figure = |name: &str| session.figure(name);
    println!("keystroke -> echo round trip through Module.lkljs.console: median {} ms", figure("keystroke_echo_ms"));
    println!("^C -> SIGINT reaped: {} ms", ctrl_c["ms"]);
    println!(
        "^C -> prompt: sleep {} ms, a shell loop {} ms; echo beside a CPU-bound job {} ms",
        figure("ctrl_c_sleep_ms"),
        figure("ctrl_c_shell_loop_ms"),
        figure("echo_beside_yes_ms")
    );
}

#[test]
fn the_shell_on_the_console_has_pipelines_and_job_control() {
    let session = console_session();
    let stdout = &session.stdout;
    let job_control = session.get("job_control");

    assert_eq!(job_control["pipeline"], "HI", "{stdout}");
    // ^C on an external command: SIGINT to the foreground group, $? 130.
    assert_eq!(job_control["sleep_status"], 130, "{stdout}");
    // ^C on `while :; do :; done`, which makes no system call, brought the
    // prompt back (the session waits for it). hush's $? afterwards depends
    // on where in the loop its SIGINT handler ran (0 or 130), so it is not
    // judged here.
    // yes > /dev/null & keeps running while the shell answers, and kill %1 ends it.
    assert_eq!(job_control["running"], "Running", "{stdout}");
    assert_eq!(job_control["yes_before_kill"], 1, "{stdout}");
    assert_eq!(job_control["yes_after_kill"], 0, "{stdout}");
    // ^Z stops the foreground job, jobs shows it, fg resumes it and ^C ends it.
    assert_eq!(job_control["stopped"], "Stopped", "{stdout}");
    assert_eq!(job_control["resumed_status"], 130, "{stdout}");

    // A pipe's members are one process group, the terminal's foreground
    // group, every time (the shell's children may start in either order), so
    // a program at a pipe's end reads the terminal: `seq 200 | more` takes q.
    let pipe_groups = session.get("pipe_groups");
    let groups = pipe_groups["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 30);
    let outside: Vec<&Value> = groups.iter().filter(|ids| ids[0] != ids[1]).collect();
    assert!(
        outside.is_empty(),
        "pipe members outside the foreground group ([group, foreground]): {outside:?}\n{stdout}"
    );
    for (i, read) in pipe_groups["reads"].as_array().unwrap().iter().enumerate() {
        let read = read.as_str().unwrap();
        assert!(
            read.contains(&format!("\nline-{i}\r\nline-{i}\r\n")),
            "head at a pipe's end did not read the typed line: {read:?}"
        );
    }
}

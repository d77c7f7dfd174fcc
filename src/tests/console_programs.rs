//! Programs that take the whole terminal or the network, on the real kernel
//! under node: `vi`, `top`, `less`, `watch` and hush's line editing on the
//! console tty; `httpd` and `wget`, `nc -l` and `nc -ll -e` over loopback;
//! and a second terminal (a pty from `Module.lkljs.openTerminal`) with its
//! own shell, a FIFO and a TCP connection between the two shells.
//! `fixtures/console/programs-session.js` types the keys (as xterm sends
//! them) and reports what the screens showed; one session serves every test.

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::kernel::{SessionResults, run_console_script};

fn programs_session() -> &'static SessionResults {
    static SESSION: OnceLock<SessionResults> = OnceLock::new();
    SESSION.get_or_init(|| run_console_script("programs-session.js", Duration::from_secs(400)))
}

fn numbers(value: &Value) -> Vec<u64> {
    value.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect()
}

#[test]
fn the_shell_edits_lines_with_history_cursor_keys_and_tab_completion() {
    let session = programs_session();
    let stdout = &session.stdout;
    let editing = session.get("line_editing");
    // Up arrow, Enter: the last line again.
    assert_eq!(editing["history"], "history-21", "{stdout}");
    // "cho home-end", Home, "e", End, "-ok".
    assert_eq!(editing["home_end"], "home-end-ok", "{stdout}");
    // "echo ab", Left, "X".
    assert_eq!(editing["left"], "aXb", "{stdout}");
    // "ech" Tab, then "cat /etc/hostn" Tab: the host name.
    assert_eq!(editing["tab"], "lkljs", "{stdout}");
}

#[test]
fn full_screen_programs_draw_take_keys_and_give_the_terminal_back() {
    let session = programs_session();
    let stdout = &session.stdout;

    // vi: a screen of "~" for the empty file; i, text, ESC, :wq saves it.
    let vi = session.get("vi");
    assert_eq!(vi["saved"], "hello from vi", "{stdout}");
    assert_eq!(vi["status"], 0, "{stdout}");
    assert!(vi["tildes"].as_u64().unwrap() >= 20, "vi drew {} '~' lines on 24 rows\n{stdout}", vi["tildes"]);

    // top -d 1 redraws every second until q, from /proc.
    let top = session.get("top");
    assert!(top["refreshes"].as_u64().unwrap() >= 3, "{stdout}");
    for drawn in ["cpu_line", "load_line", "header", "lists_itself"] {
        assert_eq!(top[drawn], true, "top drew no {drawn}\n{stdout}");
    }
    assert_eq!(top["status"], 0, "{stdout}");

    // less: the first 23 lines on 24 rows, the next 23 after Space, q quits.
    let less = session.get("less");
    assert_eq!(numbers(&less["first_page"]), (1..=23).collect::<Vec<_>>(), "{stdout}");
    let second = numbers(&less["second_page"]);
    assert!(
        second.contains(&24) && second.contains(&46) && second.iter().all(|n| (24..=46).contains(n)),
        "{second:?}\n{stdout}"
    );
    assert_eq!(less["status"], 0, "{stdout}");

    // watch -n1 date runs date every second until ^C (SIGINT: $? 130).
    let watch = session.get("watch");
    assert!(watch["runs"].as_u64().unwrap() >= 2, "{stdout}");
    assert_eq!(watch["status"], 130, "{stdout}");
}

#[test]
fn httpd_serves_wget_and_nc_serves_every_connection_over_loopback() {
    let session = programs_session();
    let stdout = &session.stdout;

    // httpd -f (a child per connection) served five requests; httpd without
    // -f detached as a daemon (reparented to PID 1) and served too.
    let httpd = session.get("httpd");
    assert_eq!(httpd["fetched"], Value::from(vec!["served-by-httpd"; 5]), "{stdout}");
    assert_eq!(httpd["wget_status"], 0, "{stdout}");
    assert_eq!(httpd["daemon"], "served-by-httpd", "{stdout}");
    assert_eq!(httpd["daemon_parent"], 1, "{stdout}");

    // nc -ll -e cat: a cat for each connection.
    let nc = session.get("nc_repeat");
    assert_eq!(nc["echoed"], json!(["first-connection", "second-connection"]), "{stdout}");
    println!("wget from httpd -f, Enter to prompt (median min max of 5): {} ms", session.figure("wget_httpd_ms"));
}

#[test]
fn setsid_typed_at_the_prompt_starts_a_new_session() {
    let session = programs_session();
    let stdout = &session.stdout;
    // The shell runs setsid as a process group leader, which cannot call
    // setsid(): its child leads the new session (session ID = its PID).
    let setsid = session.get("setsid");
    assert_eq!(setsid["session"], setsid["pid"], "{stdout}");
    assert_ne!(setsid["session"], setsid["shell_session"], "{stdout}");
}

#[test]
fn a_second_terminal_runs_its_own_shell_beside_the_console() {
    let session = programs_session();
    let stdout = &session.stdout;
    let second = session.get("second_terminal");

    // A pty: the shell's tty is the terminal's, in the home directory.
    assert_eq!(second["tty"], second["terminal_name"], "{stdout}");
    assert!(second["tty"].as_str().unwrap().starts_with("/dev/pts/"), "{stdout}");
    assert_eq!(second["cwd"], "/root", "{stdout}");
    // Its own job control: ^C on its foreground job.
    assert_eq!(second["interrupted"], 130, "{stdout}");
    // The window size the host set.
    assert_eq!(second["size"], "30 100", "{stdout}");
    // A FIFO and a TCP connection (nc -l there, nc here) between the shells.
    assert_eq!(second["fifo"], "through-the-fifo", "{stdout}");
    assert_eq!(second["tcp"], "hello-over-tcp", "{stdout}");
    // exit 7 ends it with that status; close() hangs a third one up (SIGHUP).
    assert_eq!(second["exit_status"], 7, "{stdout}");
    assert_eq!(second["hang_up_status"], 128 + 1, "{stdout}");
    // One whose program traps SIGHUP and ends a second later (`exit 5`) is
    // reaped then: close() resolves with that status, not with an
    // interrupted wait's.
    assert_eq!(second["hang_up_trapped_status"], 5, "{stdout}");
    println!("openTerminal() to the shell's prompt: {} ms", session.figure("terminal_open_to_prompt_ms"));
    assert!(second["third_name"].as_str().unwrap().starts_with("/dev/pts/"), "{stdout}");
}

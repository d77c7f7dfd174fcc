//! BusyBox in the real kernel: the demo step's build boots under node and
//! the host starts applets as child processes of PID 1 with
//! `Module.lkljs.spawn`, reading their output through a pipe
//! (`fixtures/busybox/run-applets.js`). There is no fork yet, so no shell
//! pipeline: files written by one applet are read by the next.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use crate::support::kernel::{run_with_watchdog, site_root};

#[derive(Debug, Deserialize)]
struct Ran {
    argv: Vec<String>,
    pid: i64,
    /// The raw wait4 status: the exit code shifted left by 8, or the signal.
    status: Option<i32>,
    output: String,
}

/// Runs `commands` (see run-applets.js) in one boot and returns their results in order.
fn run_applets(commands: serde_json::Value) -> (Vec<Ran>, lkljs_site::demo::Manifest) {
    let artifacts = crate::support::kernel::build(&site_root());
    let scratch = tempfile::tempdir().unwrap();
    let commands_file = scratch.path().join("commands.json");
    std::fs::write(&commands_file, commands.to_string()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/busybox/run-applets.js");
    let output = run_with_watchdog(
        Command::new("node").arg("--no-experimental-fetch").arg(script).arg(&artifacts.dir).arg(&commands_file),
        Duration::from_secs(240),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let context = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "run-applets.js failed\n{context}");
    let results: Vec<Ran> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("@@result "))
        .map(|json| serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}: {json}")))
        .collect();
    assert_eq!(results.len(), commands.as_array().unwrap().len(), "{context}");
    for ran in &results {
        assert!(ran.pid > 1, "spawn of {:?} failed with {}\n{context}", ran.argv, ran.pid);
    }
    (results, artifacts.manifest)
}

fn succeeded(ran: &Ran) -> &str {
    assert_eq!(ran.status, Some(0), "{:?} exited with status {:?}: {}", ran.argv, ran.status, ran.output);
    &ran.output
}

#[test]
fn text_applets_work_on_a_file_that_another_applet_wrote() {
    let words = "/tmp/words";
    let (results, _) = run_applets(json!([
        { "argv": ["printf", "%s\\n", "pear", "apple", "fig", "apple", "cherry"], "stdout": words },
        { "argv": ["wc", "-l", words] },
        { "argv": ["sort", words] },
        { "argv": ["sort", "-u", words] },
        { "argv": ["sort", words], "stdout": "/tmp/sorted" },
        { "argv": ["uniq", "-c", "/tmp/sorted"] },
        { "argv": ["grep", "-n", "ap", words] },
        { "argv": ["sed", "-e", "s/apple/APPLE/", "-e", "/fig/d", words] },
        { "argv": ["awk", "{ n += length($0) } END { print NR, n }", words] },
        { "argv": ["md5sum", words] },
        { "argv": ["tr", "a-z", "A-Z"], "stdin": words },
        { "argv": ["cut", "-c", "1-2", words] },
        { "argv": ["head", "-n", "2", words] },
        { "argv": ["tail", "-n", "1", words] },
        { "argv": ["echo", "hi"] },
        { "argv": ["seq", "3"] },
        { "argv": ["false"] },
    ]));
    let output = |index: usize| succeeded(&results[index]);
    assert_eq!(output(0), "");
    assert_eq!(output(1), "5 /tmp/words\n");
    assert_eq!(output(2), "apple\napple\ncherry\nfig\npear\n");
    assert_eq!(output(3), "apple\ncherry\nfig\npear\n");
    assert_eq!(output(4), "");
    assert_eq!(output(5), "      2 apple\n      1 cherry\n      1 fig\n      1 pear\n");
    assert_eq!(output(6), "2:apple\n4:apple\n");
    assert_eq!(output(7), "pear\nAPPLE\nAPPLE\ncherry\n");
    assert_eq!(output(8), "5 23\n");
    assert_eq!(output(9), format!("{}  /tmp/words\n", host_md5sum("pear\napple\nfig\napple\ncherry\n")));
    assert_eq!(output(10), "PEAR\nAPPLE\nFIG\nAPPLE\nCHERRY\n");
    assert_eq!(output(11), "pe\nap\nfi\nap\nch\n");
    assert_eq!(output(12), "pear\napple\n");
    assert_eq!(output(13), "cherry\n");
    assert_eq!(output(14), "hi\n");
    assert_eq!(output(15), "1\n2\n3\n");
    assert_eq!(results[16].status, Some(1 << 8), "false exits 1: {:?}", results[16]);
}

/// The MD5 of `text` in hex, by the host's coreutils, to compare with BusyBox's.
fn host_md5sum(text: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("coreutils' md5sum runs");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

#[test]
fn system_applets_see_the_kernel_and_the_root_file_system() {
    let (results, manifest) = run_applets(json!([
        { "argv": ["uname", "-a"] },
        { "argv": ["cat", "/proc/version"] },
        { "argv": ["ls", "-l", "/proc/self/"] },
        { "argv": ["busybox", "--list"] },
        { "argv": ["ls", "-l", "/bin/ls"] },
        { "argv": ["id", "-un"] },
        { "argv": ["ls", "-l", "/sbin/ifconfig"], "path": "/bin/ls" },
        { "argv": ["sh", "-c", "echo from hush; exit 3"] },
        { "argv": ["ps"] },
        { "argv": ["free"] },
        { "argv": ["whoami"] },
    ]));
    let output = |index: usize| succeeded(&results[index]);
    assert!(output(0).starts_with("Linux lkljs 6.1."), "{}", output(0));
    assert!(output(1).starts_with("Linux version 6.1."), "{}", output(1));
    // /proc/self is the applet itself: its executable is /bin/busybox.
    let proc_self = output(2);
    for entry in ["cmdline", "environ", "fd", "status"] {
        assert!(proc_self.lines().any(|line| line.ends_with(&format!(" {entry}"))), "no {entry} in\n{proc_self}");
    }
    assert!(proc_self.contains(" exe -> /bin/busybox\n"), "{proc_self}");

    let listed: BTreeSet<&str> = output(3).lines().collect();
    let busybox = manifest.busybox.as_ref().expect("the demo step built BusyBox");
    // --list names every applet and busybox itself.
    assert_eq!(listed.len() as u64, busybox.applets + 1, "{listed:?}\n{busybox:?}");
    for applet in [
        "sh",
        "hush",
        "echo",
        "cat",
        "ls",
        "cp",
        "mv",
        "rm",
        "mkdir",
        "grep",
        "sed",
        "awk",
        "find",
        "xargs",
        "test",
        "[",
        "printf",
        "tar",
        "gzip",
        "ps",
        "mount",
        "vi",
        "wget",
        "httpd",
        "nc",
        "ifconfig",
        "md5sum",
        "sha256sum",
    ] {
        assert!(listed.contains(applet), "{applet} is not built in: {listed:?}");
    }
    assert!(output(4).contains("/bin/ls -> /bin/busybox"), "{}", output(4));
    // Names from the root file system's /etc/passwd. (A plain `id` prints
    // "uid=0(root) gid=0(root)" and then fails: the kernel is built without
    // CONFIG_MULTIUSER, so getgroups is ENOSYS.)
    assert_eq!(output(5), "root\n");
    assert_eq!(output(10), "root\n");
    assert!(output(6).contains("/sbin/ifconfig -> /bin/busybox"), "{}", output(6));
    // hush runs a builtin without forking, and its exit status reaches wait4.
    assert_eq!(results[7].output, "from hush\n");
    assert_eq!(results[7].status, Some(3 << 8), "{:?}", results[7]);
    // ps lists the kernel's threads and PID 1.
    assert!(output(8).lines().any(|line| line.contains("[kthreadd]")), "{}", output(8));
    assert!(output(9).lines().any(|line| line.starts_with("Mem:")), "{}", output(9));

    // The figures the guide quotes.
    assert!(busybox.version.contains("1.35.0"), "{busybox:?}");
    assert!(busybox.busybox_wasm_brotli_bytes < busybox.busybox_wasm_bytes, "{busybox:?}");
    assert!(busybox.busybox_wasm_brotli_bytes <= 500 * 1024, "busybox.wasm is over 500 KB with Brotli: {busybox:?}");
}

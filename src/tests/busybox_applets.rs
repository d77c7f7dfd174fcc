//! BusyBox in the real kernel: the demo step's build boots under node and
//! the host starts applets as child processes of PID 1 with
//! `Module.lkljs.spawn`, reading their output through a pipe
//! (`fixtures/busybox/run-applets.js`): single applets on files that
//! another applet wrote, and shell sessions (`sh -c SCRIPT`, hush) whose
//! pipelines, subshells and jobs create processes through clone with a
//! callback (`demo-build/busybox/patches/`).

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
        { "argv": ["id"] },
        { "argv": ["ip", "addr"] },
        { "argv": ["ip", "link"] },
        // A route added over netlink shows, and goes again.
        { "argv": ["sh", "-c", "ip route add 10.9.0.0/16 dev lo && ip route && ip route del 10.9.0.0/16 dev lo && echo deleted && ip route"] },
        { "argv": ["ip", "-4", "route", "get", "127.0.0.1"] },
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
        "ip",
        "md5sum",
        "sha256sum",
    ] {
        assert!(listed.contains(applet), "{applet} is not built in: {listed:?}");
    }
    assert!(output(4).contains("/bin/ls -> /bin/busybox"), "{}", output(4));
    // Names from the root file system's /etc/passwd and /etc/group. A
    // plain `id` also asks for the supplementary groups: the kernel has
    // none (no CONFIG_MULTIUSER), and the libc says so rather than ENOSYS.
    assert_eq!(output(5), "root\n");
    assert_eq!(output(10), "root\n");
    assert_eq!(output(11), "uid=0(root) gid=0(root)\n");
    assert!(output(6).contains("/sbin/ifconfig -> /bin/busybox"), "{}", output(6));
    // hush runs a builtin without forking, and its exit status reaches wait4.
    assert_eq!(results[7].output, "from hush\n");
    assert_eq!(results[7].status, Some(3 << 8), "{:?}", results[7]);
    // ps lists the kernel's threads, PID 1 (/init) and the host's process
    // by its command line (a kernel thread's shows as its [name]).
    let command = |line: &str| line.split_whitespace().skip(4).collect::<Vec<_>>().join(" ");
    let ps: Vec<String> = output(8).lines().map(command).collect();
    for expected in ["[kthreadd]", "/init", "lkljs-host", "{busybox} ps"] {
        assert!(ps.iter().any(|line| line == expected), "no process {expected:?} in\n{}", output(8));
    }
    // ip over netlink: lo with its loopback address, up.
    let ip_addr = output(12);
    assert!(ip_addr.starts_with("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"), "{ip_addr}");
    assert!(ip_addr.contains("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"), "{ip_addr}");
    assert!(ip_addr.contains("    inet 127.0.0.1/8 scope host lo\n"), "{ip_addr}");
    let ip_link = output(13);
    assert!(ip_link.starts_with("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"), "{ip_link}");
    assert!(ip_link.contains("link/loopback"), "{ip_link}");
    let route: Vec<&str> = output(14).lines().map(str::trim_end).collect();
    assert_eq!(route, ["10.9.0.0/16 dev lo scope link", "deleted"], "{}", output(14));
    assert!(output(15).starts_with("local 127.0.0.1 dev lo "), "{}", output(15));
    assert!(output(9).lines().any(|line| line.starts_with("Mem:")), "{}", output(9));

    // The figures the guide quotes.
    assert!(busybox.version.contains("1.35.0"), "{busybox:?}");
    assert!(busybox.busybox_wasm_brotli_bytes < busybox.busybox_wasm_bytes, "{busybox:?}");
    assert!(busybox.busybox_wasm_brotli_bytes <= 500 * 1024, "busybox.wasm is over 500 KB with Brotli: {busybox:?}");
}

/// A shell session: `sh -c script` must print exactly `output` (standard
/// output and error together) and exit with `exit_code`.
struct Session {
    script: &'static str,
    output: &'static str,
    exit_code: i32,
}

const fn session(script: &'static str, output: &'static str, exit_code: i32) -> Session {
    Session { script, output, exit_code }
}

/// Runs every session, then each of `more_scripts`, in one boot; reports
/// every session that differs at once, and returns the results of
/// `more_scripts` for checks of their own.
fn check_sessions(sessions: &[Session], more_scripts: &[&str]) -> Vec<Ran> {
    let scripts = sessions.iter().map(|session| session.script).chain(more_scripts.iter().copied());
    let commands: Vec<serde_json::Value> = scripts.map(|script| json!({ "argv": ["sh", "-c", script] })).collect();
    let (mut results, _) = run_applets(serde_json::Value::Array(commands));
    let more_results = results.split_off(sessions.len());
    let mismatches: Vec<String> = sessions
        .iter()
        .zip(&results)
        .filter(|(session, ran)| ran.output != session.output || ran.status != Some(session.exit_code << 8))
        .map(|(session, ran)| {
            format!(
                "sh -c {:?}\n  expected status {} and {:?}\n  got status {:?} and {:?}",
                session.script,
                session.exit_code << 8,
                session.output,
                ran.status,
                ran.output
            )
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} shell sessions differ:\n{}",
        mismatches.len(),
        sessions.len(),
        mismatches.join("\n")
    );
    more_results
}

#[test]
fn the_shell_runs_pipelines_redirections_jobs_and_control_flow() {
    check_sessions(
        &[
            // Pipelines of applets and builtins; $? after each kind.
            session("echo hi | tr a-z A-Z", "HI\n", 0),
            session("echo a b c | tr a-z A-Z | wc -c", "6\n", 0),
            session(
                "printf 'b\\na\\nc\\n' | sort | sed s/a/A/ | awk '{ print NR \": \" $0 }'",
                "1: A\n2: b\n3: c\n",
                0,
            ),
            session("true; echo $?; false; echo $?; false | true; echo $?; true | false; echo $?", "0\n1\n0\n1\n", 0),
            session("echo x | grep -q y; echo $?; ! false; echo $?", "1\n0\n", 0),
            // Redirections.
            session("echo one > /tmp/r; echo two >> /tmp/r; cat < /tmp/r; wc -l < /tmp/r", "one\ntwo\n2\n", 0),
            session("ls /nonexistent 2>/dev/null; echo $?", "1\n", 0),
            session("ls /nonexistent 2>&1 | wc -l", "1\n", 0),
            session("echo err 2>&1 >&2 | wc -c", "4\n", 0),
            session("(echo out; echo err >&2) 2>&1 | sort", "err\nout\n", 0),
            // Here-documents: expanded, quoted, and one larger than a pipe
            // (written by a grandchild of the shell).
            session("cat <<EOF\nhome $HOME\nEOF", "home /root\n", 0),
            session("cat <<'EOF'\nliteral $HOME\nEOF", "literal $HOME\n", 0),
            session("x=$(seq 20000); cat <<EOF | wc -c\n$x\nEOF", "108894\n", 0),
            // Jobs: & sets $!, wait gets the job's status, kill ends one.
            session("(exit 6) & p=$!; wait $p; echo waited $?", "waited 6\n", 0),
            session("sleep 1 & echo started; wait; echo done", "started\ndone\n", 0),
            session("sleep 30 & p=$!; kill $p; wait $p; echo status $?", "status 143\n", 0),
            // sh -c nested, subshells, command substitution.
            session("sh -c 'sh -c \"echo nested; exit 5\"'; echo $?", "nested\n5\n", 0),
            session("x=outer; (x=inner; echo $x; exit 4); echo $? $x", "inner\n4 outer\n", 0),
            session("echo [$(echo $(echo deep))] `echo ticks`", "[deep] ticks\n", 0),
            session("f() { echo fn $1; }; echo $(f sub | tr a-z A-Z)", "FN SUB\n", 0),
            // cd and pwd, globbing, test.
            session("cd /proc && pwd; cd /; pwd", "/proc\n/\n", 0),
            session(
                "echo /bin/l[sn]; cd /usr/bin && echo [b-d]*",
                "/bin/ln /bin/ls\nbasename clear cmp cut diff dirname du\n",
                0,
            ),
            session("test 1 -lt 2 && echo lt; [ -d /proc ] && echo dir; [ a = b ]; echo $?", "lt\ndir\n1\n", 0),
            // Control flow, functions, arithmetic, exit statuses, set -e.
            session("for i in 1 2 3; do echo i$i; done", "i1\ni2\ni3\n", 0),
            session("n=0; while [ $n -lt 5 ]; do n=$((n + 1)); done; echo $n", "5\n", 0),
            session("for w in foo bar; do case $w in f*) echo F;; *) echo other;; esac; done", "F\nother\n", 0),
            session("f() { echo fn $1; return 7; }; f x; echo $?", "fn x\n7\n", 0),
            session("exit 42", "", 42),
            session("set -e; echo before; false; echo after", "before\n", 1),
            // A script file, with arguments.
            session("printf 'echo script $1\\nexit 9\\n' > /tmp/s.sh; sh /tmp/s.sh arg; echo $?", "script arg\n9\n", 0),
        ],
        &[],
    );
}

#[test]
fn applets_work_in_shell_pipelines_and_see_their_processes() {
    let results = check_sessions(
        &[
            // /proc/self of a pipeline member is that member.
            session("ls -l /proc/self/ | awk '/ exe /{ print $(NF - 2), $(NF - 1), $NF }'", "exe -> /bin/busybox\n", 0),
            // find does not follow the /proc/self link itself, as on Linux,
            // unless told to (-H) or given the directory (a trailing slash).
            session(
                "find /proc/self -maxdepth 1 -name fd; find -H /proc/self -maxdepth 1 -name fd",
                "/proc/self/fd\n",
                0,
            ),
            session("find /proc/self/ -maxdepth 1 -name fd | wc -l", "1\n", 0),
            session("find /bin -name 'l[sn]' -exec echo found {} \\; | sort", "found /bin/ln\nfound /bin/ls\n", 0),
            session("printf '1\\n2\\n3\\n' | xargs echo args", "args 1 2 3\n", 0),
            session("printf 'a b\\nc\\n' | xargs -n 1 sh -c 'echo \"<$0>\"'", "<a>\n<b>\n<c>\n", 0),
            session(
                "xargs /nonexistent < /dev/null; echo $?",
                "xargs: /nonexistent: No such file or directory\n127\n",
                0,
            ),
            session("printf 'pear\\napple\\nfig\\n' | grep -v fig | sort | head -n 1", "apple\n", 0),
            session("seq 10 | awk '{ s += $1 } END { print s }'", "55\n", 0),
            session("dd if=/dev/zero bs=1M count=8 2>/dev/null | wc -c", "8388608\n", 0),
            // Applets that run a command: in a child (time), under a
            // watcher that kills it (timeout), or in place (nice, env).
            session("time -f 'status %x' sh -c 'exit 3' 2>&1", "Command exited with non-zero status 3\nstatus 3\n", 3),
            session("timeout 1 sleep 30; echo $?; timeout 30 echo quick; echo $?", "Terminated\n143\nquick\n0\n", 0),
            session("nice -n 3 nice; env -i A=b env", "3\nA=b\n", 0),
            // tar -z through a forked decompressor and an exec'd gzip.
            session(
                "mkdir -p /tmp/d/sub && echo hello > /tmp/d/sub/f && cd /tmp && tar czf d.tgz d && rm -r d && tar xzf d.tgz && cat d/sub/f && tar tzf d.tgz",
                "hello\nd/\nd/sub/\nd/sub/f\n",
                0,
            ),
            // tar --to-command: each member piped into a forked shell, with
            // its name and size in the environment; a failing command fails tar.
            session(
                "mkdir -p /tmp/tc && cd /tmp/tc && echo one > a && echo three > b && tar cf ../tc.tar a b && tar xf ../tc.tar --to-command='echo \"$TAR_FILENAME $TAR_SIZE\"; tr a-z A-Z'; tar xf ../tc.tar --to-command='exit 4'; echo $?",
                "a 4\nONE\nb 6\nTHREE\ntar: 'exit 4' returned status 4\n1\n",
                0,
            ),
            // nc over loopback between two processes: a client that retries
            // until the listener is up, and the listener.
            session(
                "until echo x | nc 127.0.0.1 1234 2>/dev/null; do sleep 1; done & nc -l -p 1234 > /tmp/got; wait; cat /tmp/got",
                "x\n",
                0,
            ),
        ],
        &["echo $$; ps -l"],
    );

    // ps -l lists ps itself as a child of the shell (PID, then PPID, in the
    // third and fourth columns; ps runs as the applet in the shell's child,
    // so its command is shown as "{ps} sh -c ...").
    let ran = &results[0];
    let output = succeeded(ran);
    let shell_pid: &str = output.lines().next().unwrap();
    assert_eq!(shell_pid, ran.pid.to_string(), "$$ is the shell's PID: {output}");
    assert!(output.lines().nth(1).is_some_and(|header| header.contains("PID  PPID")), "{output}");
    let children: Vec<&str> = output.lines().filter(|line| line.split_whitespace().nth(3) == Some(shell_pid)).collect();
    assert_eq!(children.len(), 1, "one child of the shell ({shell_pid}) in\n{output}");
    assert!(children[0].contains(" {ps} sh -c "), "{}", children[0]);
}

/// The memory sizing: a shell starts 30 sleeps at once (each a process
/// with its own wasm memory, worker and kernel task), all of them run side
/// by side, and the shell ends them and reaps them all.
#[test]
fn thirty_processes_run_at_once_and_are_all_reaped() {
    let (results, _) = run_applets(json!([{ "argv": ["sh", "-c", "
        pids=
        for i in $(seq 30); do /bin/sleep 120 & pids=\"$pids $!\"; done
        n=0 tries=0
        while [ $n -lt 30 ] && [ $tries -lt 300 ]; do
            n=$(cat /proc/[0-9]*/comm | grep -c '^sleep$'); tries=$((tries + 1))
        done
        echo running $n
        kill $pids
        wait
        cat /proc/[0-9]*/comm | grep -c '^sleep$'
    "] }]));
    // After the wait, 0 sleeps are left (for which grep exits 1).
    assert_eq!(results[0].output, "running 30\n0\n", "{:?}", results[0]);
}

/// One entry of `demo-build/busybox/testsuite-expected-failures.md`.
struct ExpectedFailure {
    line: usize,
}

/// Reads the expected failures: list items `` - `case name`: reason `` (a
/// name holding a backtick is written between double backticks); every other
/// line is prose. A Markdown file, so that editing it rebuilds nothing (the
/// demo step's keys leave `*.md` out).
fn expected_testsuite_failures(path: &std::path::Path) -> std::collections::BTreeMap<String, ExpectedFailure> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut entries = std::collections::BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let Some(item) = line.strip_prefix("- `") else { continue };
        let where_ = format!("{}:{}", path.display(), index + 1);
        let (name, rest) = match item.strip_prefix('`') {
            Some(quoted) => quoted.split_once("``"),
            None => item.split_once('`'),
        }
        .unwrap_or_else(|| panic!("{where_}: the case name has no closing backtick"));
        let reason = rest.strip_prefix(": ").map(str::trim).unwrap_or_default();
        assert!(!reason.is_empty(), "{where_}: `{name}` needs its reason after `: `");
        let name = name.trim().to_owned();
        assert!(
            entries.insert(name.clone(), ExpectedFailure { line: index + 1 }).is_none(),
            "{where_}: `{name}` is listed twice"
        );
    }
    entries
}

/// BusyBox's own testsuite, which the demo step runs inside the kernel
/// (demo-build/run-busybox-testsuite.js): its counts are in the manifest,
/// at least 90% of the cases that ran passed, and every failed case is in
/// the committed list with its reason (and every listed case still fails,
/// so that the list stays true).
#[test]
fn busybox_testsuite_fails_only_the_listed_cases() {
    let root = site_root();
    let artifacts = crate::support::kernel::build(&root);
    let testsuite = artifacts.manifest.busybox_testsuite.as_ref().expect("the demo step ran BusyBox's testsuite");
    let log = format!("target/demo/logs/testsuite-{}.log", artifacts.manifest.cache_key);
    assert_eq!(testsuite.failed, testsuite.failures.len() as u64, "{testsuite:?}");
    assert!(testsuite.passed >= 100, "too few cases ran ({testsuite:?}); see {log}");
    let ran = testsuite.passed + testsuite.failed;
    assert!(testsuite.passed * 10 >= ran * 9, "under 90% of the cases passed: {testsuite:?}; see {log}");

    let list = root.join("demo-build/busybox/testsuite-expected-failures.md");
    let expected = expected_testsuite_failures(&list);
    let failed: BTreeSet<&str> = testsuite.failures.iter().map(String::as_str).collect();
    let unexpected: Vec<&str> = failed.iter().copied().filter(|name| !expected.contains_key(*name)).collect();
    assert!(
        unexpected.is_empty(),
        "BusyBox testsuite cases failed that {} does not list (fix them, or list them with the reason):\n{}\nsee {log}",
        list.display(),
        unexpected.join("\n")
    );
    let stale: Vec<String> = expected
        .iter()
        .filter(|(name, _)| !failed.contains(name.as_str()))
        .map(|(name, entry)| format!("{}:{}: {name}", list.display(), entry.line))
        .collect();
    assert!(stale.is_empty(), "listed as failing but did not fail (remove them):\n{}", stale.join("\n"));

    // The process figures measured in the same boot, which the guide quotes.
    let figures = artifacts.manifest.processes.as_ref().expect("the testsuite's boot measured the process figures");
    assert_eq!(figures["concurrent_processes_running"], figures["concurrent_processes_started"], "{figures:?}");
    for name in [
        "spawn_exec_wait_true_ms",
        "sh_c_true_ms",
        "sh_clone_exec_wait_ms",
        "sh_pipeline_3_ms",
        "exec_compiled_busybox_ms",
        "pipe_mib_per_second",
        "program_syscall_round_trip_us",
        "js_api_syscall_round_trip_us",
        "kernel_kib_per_process",
        "processes_fitting_kernel_memory",
        "host_rss_mib_idle",
        "host_rss_mib_with_concurrent_processes",
        "pipe_mib_per_second_min",
        "pipe_mib_per_second_max",
        "dd_1m_wc_c_mib_per_second",
        "dd_1m_wc_c_mib_per_second_min",
        "dd_1m_wc_c_mib_per_second_max",
        "host_rss_mib_after_0_spawns",
        "host_rss_mib_after_250_spawns",
        "host_rss_mib_after_500_spawns",
        "host_rss_mib_after_1000_spawns",
        "kernel_wasm_memory_mib_after_0_spawns",
        "kernel_wasm_memory_mib_after_1000_spawns",
        "kernel_mem_free_kib_after_0_spawns",
        "kernel_mem_free_kib_after_1000_spawns",
    ] {
        assert!(figures.get(name).is_some_and(|value| *value > 0.0), "{name} is missing or not positive: {figures:?}");
    }
    for rate in ["pipe_mib_per_second", "dd_1m_wc_c_mib_per_second"] {
        let (min, median, max) = (figures[&format!("{rate}_min")], figures[rate], figures[&format!("{rate}_max")]);
        assert!(min <= median && median <= max, "{rate}: the median is not between the min and the max: {figures:?}");
    }
    // 1,000 processes spawned and reaped one after the other leave nothing
    // behind: not in the kernel (a leak of 1 KiB per process would show as
    // 1,000 KiB less free memory), nor in node, whose resident memory may
    // move with garbage collection but not grow with the number of
    // processes (a kept wasm memory or worker per process would add
    // megabytes each).
    let free_kib = |spawns: u32| figures[&format!("kernel_mem_free_kib_after_{spawns}_spawns")];
    assert!(free_kib(1000) + 512.0 >= free_kib(0), "the kernel lost memory across 1,000 spawns: {figures:?}");
    assert_eq!(
        figures["kernel_wasm_memory_mib_after_1000_spawns"], figures["kernel_wasm_memory_mib_after_0_spawns"],
        "the kernel's wasm memory grew across 1,000 spawns: {figures:?}"
    );
    let rss_mib = |spawns: u32| figures[&format!("host_rss_mib_after_{spawns}_spawns")];
    assert!(
        rss_mib(1000) - rss_mib(250) < 256.0,
        "node's resident memory grew by over 256 MiB from the 250th spawn to the 1,000th: {figures:?}"
    );
}

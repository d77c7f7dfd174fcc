//! The user programs' libc (Debian's musl on the lkljs user ABI), built by
//! the demo step's machinery and run, before the kernel can exec anything,
//! under `demo-build/libc/tests/fake-kernel.js`: a stand-in loader that does
//! what the ABI says the kernel's exec does and forwards a few system calls
//! to node. The real thing replaces the stand-in once the kernel execs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lkljs_site::build::DemoMode;
use lkljs_site::demo::{DemoRequest, LibcBuild, prepare_libc};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The libc, from the cache or built now (about two minutes the first time).
fn libc() -> LibcBuild {
    prepare_libc(&DemoRequest::new(repository(), DemoMode::Build))
        .unwrap_or_else(|error| panic!("the libc step failed: {error}"))
}

/// Runs `program` under the stand-in loader with `args` and the variable GREETING.
fn run(libc: &LibcBuild, program: &Path, args: &[&str]) -> Output {
    Command::new("node")
        .arg("--no-experimental-fetch")
        .arg(repository().join("demo-build/libc/tests/fake-kernel.js"))
        .arg(&libc.dir)
        .arg(program)
        .args(args)
        .env("GREETING", "bonjour")
        .output()
        .expect("node runs")
}

/// Compiles and links `source` with the libc's own driver, bin/lkljs-cc.
fn compile(libc: &LibcBuild, dir: &Path, name: &str, source: &str) -> PathBuf {
    let source_path = dir.join(format!("{name}.c"));
    std::fs::write(&source_path, source).unwrap();
    let program = dir.join(format!("{name}.wasm"));
    let output = Command::new(libc.dir.join("bin/lkljs-cc"))
        .arg("-Os")
        .arg("-o")
        .arg(&program)
        .arg(&source_path)
        .output()
        .expect("lkljs-cc runs");
    assert!(output.status.success(), "lkljs-cc failed:\n{}", String::from_utf8_lossy(&output.stderr));
    program
}

#[test]
fn hello_runs_on_the_libc_with_the_kernels_system_call_numbers() {
    let libc = libc();
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("hello.txt");
    let file_arg = file.to_str().unwrap();
    let output = run(&libc, &libc.dir.join("tests/hello.wasm"), &[file_arg, "--exit", "3"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "stdout:\n{stdout}\nstderr:\n{stderr}");
    // Every system call the program made was one the stand-in knows: no ENOSYS
    // report, and the memory calls never left the libc.
    assert_eq!(stderr, "to stderr\n", "stdout:\n{stdout}");

    let program = libc.dir.join("tests/hello.wasm");
    let expected = [
        "hello from musl on lkljs".to_owned(),
        "constructor ran: 42, thread-local: 8".to_owned(),
        "argc=4".to_owned(),
        format!("argv[0]={}", program.display()),
        format!("argv[1]={file_arg}"),
        "argv[2]=--exit".to_owned(),
        "argv[3]=3".to_owned(),
        "GREETING=bonjour".to_owned(),
    ];
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..expected.len()], expected.iter().map(String::as_str).collect::<Vec<_>>()[..], "{stdout}");
    let environment_count = std::env::vars_os().count() + usize::from(std::env::var_os("GREETING").is_none());
    for line in [
        format!("environ has {environment_count} entries").as_str(),
        "small blocks: ok",
        "large block: ok, pages reused, zeroed: yes",
        "mmap: ok, munmap: 0",
        "brk: ok",
        "setjmp: returned 42 on pass 2",
        "strtol: -12345 127 493",
        "qsort: -100 -7 0 3 3 19 42 1000",
        "floats: 3.142 1.234568e+04 0.0001 0.3333333333 0x1p+0",
        "strtod: 2.718282",
        "file: wrote 27, seek 0, read 27: written through the kernel",
        "fstat: 0, size 27, regular 1",
        "open missing: -1 No such file or directory",
        "exiting with 3",
    ] {
        assert!(lines.contains(&line), "{line:?} missing from:\n{stdout}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "written through the kernel\n");

    // The numbers are the kernel's (asm-generic), not those of the build machine.
    let numbers = std::fs::read_to_string(libc.dir.join("include/bits/syscall.h")).unwrap();
    for definition in
        ["#define SYS_write 64", "#define SYS_exit_group 94", "#define SYS_brk 214", "#define SYS_llseek 62"]
    {
        assert!(numbers.lines().any(|line| line == definition), "{definition:?} missing from bits/syscall.h");
    }
}

#[test]
fn programs_built_with_lkljs_cc_follow_the_abi() {
    let libc = libc();
    let scratch = tempfile::tempdir().unwrap();

    // main(void) (clang's __main_void) and a return from main: its status.
    let plain = compile(&libc, scratch.path(), "plain", "int main(void) { return 7; }\n");
    assert_eq!(run(&libc, &plain, &[]).status.code(), Some(7));

    // stdio on a pipe is flushed by exit; write(2) is not buffered.
    let stdio = compile(
        &libc,
        scratch.path(),
        "stdio",
        "#include <stdio.h>\n#include <unistd.h>\nint main(int argc, char **argv) {\n  printf(\"%s has %d arguments\", argv[0], argc - 1);\n  write(1, \"[unbuffered]\", 12);\n  return 0;\n}\n",
    );
    let output = run(&libc, &stdio, &["a", "b"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), format!("[unbuffered]{} has 2 arguments", stdio.display()));

    // waitpid reaches the kernel as wait4, or as waitid when the kernel has no
    // wait4 (the libc rebuilds it); either way, with no child, ECHILD.
    let wait = compile(
        &libc,
        scratch.path(),
        "wait",
        "#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n#include <sys/wait.h>\nint main(void) {\n  int status;\n  pid_t pid = waitpid(-1, &status, 0);\n  printf(\"%d %s\", (int)pid, strerror(errno));\n  return 0;\n}\n",
    );
    let output = run(&libc, &wait, &[]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "-1 No child process");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "no call the stand-in lacks");

    // A trap kills the program with a signal, as a real kernel would.
    let trap = compile(&libc, scratch.path(), "trap", "#include <stdlib.h>\nint main(void) { abort(); }\n");
    let output = run(&libc, &trap, &[]);
    assert_eq!(output.status.code(), Some(128 + 4), "{}", String::from_utf8_lossy(&output.stderr));

    // Only the ABI's imports: the stand-in refuses anything else, as exec will.
    let imports = Command::new("node")
        .arg("-e")
        .arg("const m = new WebAssembly.Module(require('fs').readFileSync(process.argv[1])); console.log(JSON.stringify([WebAssembly.Module.imports(m), WebAssembly.Module.exports(m)]))")
        .arg(&stdio)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&imports.stdout).trim(),
        r#"[[{"module":"lkljs","name":"syscall","kind":"function"},{"module":"env","name":"memory","kind":"memory"}],[{"name":"_start","kind":"function"},{"name":"__indirect_function_table","kind":"table"},{"name":"__lkljs_signal_trampoline","kind":"function"}]]"#
    );
}

#[test]
fn a_second_request_reuses_the_cached_libc() {
    let first = libc();
    let log = repository().join("target/demo/logs").join(format!("libc-{}.log", first.facts.cache_key));
    let logged = std::fs::metadata(&log).and_then(|metadata| metadata.modified()).ok();
    let second = libc();
    assert_eq!(second.dir, first.dir);
    assert_eq!(second.facts, first.facts);
    assert_eq!(std::fs::metadata(&log).and_then(|metadata| metadata.modified()).ok(), logged, "the script ran again");
    assert!(first.facts.libc_a_bytes > 500_000, "{:?}", first.facts);
    assert!(first.facts.hello_wasm_brotli_bytes < first.facts.hello_wasm_bytes, "{:?}", first.facts);
    assert_eq!(first.facts.musl_version, "musl 1.2.3-1 (Debian source package musl)");
}

/// The custom sections named `name` in a wasm module, counted by node.
fn custom_sections(module: &Path, name: &str) -> usize {
    let output = Command::new("node")
        .arg("-e")
        .arg("const m = new WebAssembly.Module(require('fs').readFileSync(process.argv[1])); console.log(WebAssembly.Module.customSections(m, process.argv[2]).length)")
        .arg(module)
        .arg(name)
        .output()
        .expect("node runs");
    String::from_utf8_lossy(&output.stdout).trim().parse().unwrap_or_else(|_| panic!("{output:?}"))
}

/// Runs the libc's loop-check rewriter on `module`.
fn loop_check(libc: &LibcBuild, module: &Path) -> Output {
    Command::new("node").arg(libc.dir.join("bin/lkljs-loop-check.js")).arg(module).output().expect("node runs")
}

#[test]
fn lkljs_cc_puts_the_loop_check_into_every_program_it_links() {
    let libc = libc();
    let scratch = tempfile::tempdir().unwrap();
    let source = "int main(int argc, char **argv) {\n  volatile unsigned rounds = argc * 1000000u;\n  unsigned value = 1, n = rounds;\n  while (n--) value = value * 3u + 1u;\n  return (value & 1) + 4;\n}\n";

    // Linked with the check: it polls through lkljs.syscall with -1, which
    // the stand-in answers without a report, and the program still runs.
    let checked = compile(&libc, scratch.path(), "checked", source);
    assert_eq!(custom_sections(&checked, "lkljs.loop-check"), 1);
    let output = run(&libc, &checked, &[]);
    assert_eq!(output.status.code(), Some(5), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(custom_sections(&libc.dir.join("tests/hello.wasm"), "lkljs.loop-check"), 1);

    // The rewrite is deterministic, and a rewritten module is left as it is.
    let before = std::fs::read(&checked).unwrap();
    assert!(loop_check(&libc, &checked).status.success());
    assert_eq!(std::fs::read(&checked).unwrap(), before);

    // -mno-lkljs-loop-check leaves it out.
    let unchecked = scratch.path().join("unchecked.wasm");
    let status = Command::new(libc.dir.join("bin/lkljs-cc"))
        .args(["-Os", "-mno-lkljs-loop-check", "-o"])
        .arg(&unchecked)
        .arg(scratch.path().join("checked.c"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(custom_sections(&unchecked, "lkljs.loop-check"), 0);
    assert!(before.len() > std::fs::read(&unchecked).unwrap().len());
}

#[test]
fn the_loop_check_rewriter_refuses_what_it_cannot_parse_and_says_why() {
    let libc = libc();
    let scratch = tempfile::tempdir().unwrap();

    let text = scratch.path().join("notes.wasm");
    std::fs::write(&text, "not a module\n").unwrap();
    let output = loop_check(&libc, &text);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot add the loop check: not a WebAssembly module", text.display())),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "not a module\n", "the file is left as it was");

    // A module with a SIMD instruction (v128.const), which the rewriter does not know.
    let mut simd = b"\0asm\x01\0\0\0".to_vec();
    simd.extend([0x01, 0x0f, 0x02, 0x60, 0x07, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00]);
    simd.extend([
        0x02, 0x11, 0x01, 0x05, b'l', b'k', b'l', b'j', b's', 0x07, b's', b'y', b's', b'c', b'a', b'l', b'l', 0x00,
        0x00,
    ]);
    simd.extend([0x03, 0x02, 0x01, 0x01]);
    let mut body = vec![0x00, 0xfd, 0x0c];
    body.extend([0u8; 16]);
    body.extend([0x1a, 0x0b]);
    simd.extend([0x0a, (body.len() + 2) as u8, 0x01, body.len() as u8]);
    simd.extend(&body);
    let module = scratch.path().join("simd.wasm");
    std::fs::write(&module, &simd).unwrap();
    let output = loop_check(&libc, &module);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("simd.wasm: cannot add the loop check: SIMD instructions"), "{stderr}");
    assert!(stderr.contains("at byte "), "{stderr}");
    assert_eq!(std::fs::read(&module).unwrap(), simd);
}

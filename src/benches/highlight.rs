//! Prints how long highlighting takes: the one-off syntax set load (the cost
//! a `build` or `serve` pays once per process), then per-block throughput for
//! each language the site uses, and the stylesheet. Run with `cargo bench --bench highlight`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use lkljs_site::highlight;

const C_SAMPLE: &str = r#"// SPDX-License-Identifier: GPL-2.0-only
#include <linux/sched.h>
/* Wake the next task's host thread, then sleep until we are picked again. */
struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct thread_info *from = task_thread_info(prev);
	struct thread_info *to = task_thread_info(next);
	for (int i = 0; i < 4; i++)
		barrier();
	lkljs_host->sem_up(to->wake);
	lkljs_host->sem_down(from->wake);
	return from->prev_sched;
}
"#;

fn time_per_call(mut call: impl FnMut()) -> (Duration, u32) {
    let mut runs = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(500) {
        call();
        runs += 1;
    }
    (start.elapsed() / runs, runs)
}

fn main() {
    let start = Instant::now();
    black_box(highlight::syntax_set());
    println!("syntax set load (once per process): {:.1} ms", start.elapsed().as_secs_f64() * 1e3);

    let first = Instant::now();
    highlight::highlight_fence("c", C_SAMPLE).unwrap();
    println!("first C block (lazy syntax compile): {:.2} ms", first.elapsed().as_secs_f64() * 1e3);

    let samples: [(&str, String); 6] = [
        ("c", C_SAMPLE.repeat(20)),
        ("console", "$ make ARCH=lkljs -j2\n  CC      kernel/fork.o\n".repeat(100)),
        ("toml", "[package]\nname = \"lkljs\" # x\nlist = [1, 2.5, true]\n".repeat(100)),
        ("kconfig", "config LKLJS\n\tbool \"x\"\n\tdepends on !SMP\nCONFIG_X=y\n".repeat(100)),
        ("llvm", "define i32 @f(ptr %p) {\n  %1 = load i32, ptr %p\n  ret i32 %1\n}\n".repeat(100)),
        ("asm", "start:\tmovl $1, %eax # x\n\t.globl start\n".repeat(100)),
    ];
    for (info, code) in &samples {
        highlight::highlight_fence(info, code).unwrap();
        let lines = code.lines().count();
        let (per_call, runs) = time_per_call(|| {
            black_box(highlight::highlight_fence(info, code).unwrap());
        });
        let per_line_us = per_call.as_secs_f64() * 1e6 / lines as f64;
        println!(
            "{info:>8}: {lines} lines in {:.2} ms ({per_line_us:.1} µs/line, {runs} runs)",
            per_call.as_secs_f64() * 1e3
        );
    }

    let (per_call, _) = time_per_call(|| {
        black_box(highlight::stylesheet());
    });
    println!("stylesheet: {:.2} ms, {} bytes", per_call.as_secs_f64() * 1e3, highlight::stylesheet().len());
}

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LKLJS_HOST_INTERNAL_H
#define LKLJS_HOST_INTERNAL_H

/* Between the files of the host library; not part of any contract. */

/* What the host's program does once the kernel is up. */
enum lkljs_program {
	/* Mount, report, then halt (or stay up for Module.lkljs). */
	LKLJS_PROGRAM_BOOT,
	/* The self-test suite in TAP, then halt (selftest.wasm only). */
	LKLJS_PROGRAM_SELFTEST,
	/* Timings for src/benches/kernel_alive.rs, then halt (the same). */
	LKLJS_PROGRAM_BENCH,
};

struct lkljs_host_options {
	enum lkljs_program program;
	/* Module.lkljsKeepRunning: stay up after boot for Module.lkljs. */
	int keep_running;
};

extern struct lkljs_host_options lkljs_options;

/* Host time of the host process's hand-over, in ns since the kernel started. */
extern unsigned long long lkljs_host_ready_ns;
/*
 * Host threads (lkljs_host_start_thread) and coroutines (coroutine.c) that
 * have started and not ended; each counts itself in (1) and out (-1).
 */
int lkljs_host_live_threads(void);
void lkljs_host_count_thread(int change);

/* Kernel code runs on host stacks; 6.1 keeps kernel stacks under 16 KiB. */
#define LKLJS_THREAD_STACK (256 * 1024)

/*
 * Kernel threads as coroutines of the runtime's main thread (coroutine.c).
 * lkljs_coroutines_init() decides, in main(), whether they are.
 */
void lkljs_coroutines_init(void);
/* True on the main thread while a coroutine runs there. */
int lkljs_in_coroutine(void);
/* Suspends the coroutine until *address is notified, unless it no longer holds expected. */
void lkljs_coroutine_wait(int *address, int expected);
/* Ends the running coroutine. */
void lkljs_coroutine_exit(void) __attribute__((noreturn));

/* Wakes host threads waiting in lkljs_syscall() for the host's process. */
void lkljs_host_mark_ready(void);

/*
 * The boot watchdog (node only): the host exits with status 2 unless the
 * kernel halts within the given milliseconds from now; 0 disarms it.
 */
void lkljs_host_watchdog_set(long milliseconds);

/* A detached host thread running entry(argument); 0 or an errno. */
int lkljs_host_start_thread(void (*entry)(void *), void *argument,
			    unsigned long stack_size);

/* This worker forgets its wasm program, if any (user.c). */
void lkljs_host_user_forget(void);

/* Host-side text to the console, in order with the kernel's log. */
void lkljs_host_print(const char *text);

/*
 * Starts the host's program (init.c) once the host's process, PID pid,
 * serves calls: on a host thread of its own when it makes calls (PID 1 is
 * the host's process, the self-test suite, the benchmark). Runs on a
 * kernel task.
 */
void lkljs_host_program_start(int pid);

/*
 * The self-test suite and the benchmark (selftest.c), linked into
 * selftest.wasm only: weak, so that in the production boot.wasm, which has
 * no test code, they are null and host.c refuses those programs.
 */
int lkljs_selftest_run(void) __attribute__((weak));
void lkljs_bench_run(void) __attribute__((weak));

/* Sets IFF_UP on lo; 0 or a negative errno. */
long lkljs_loopback_up(void);

/* Halts the machine through reboot(2); does not return on success. */
long lkljs_halt(void);

#endif

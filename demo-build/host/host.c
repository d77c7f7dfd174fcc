// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of lkljs: what the kernel needs from its environment,
 * implemented with Emscripten's pthreads and JS glue, plus main(), which
 * starts the kernel on a boot thread of its own.
 *
 * Kernel symbols and libc symbols share one namespace in the wasm module
 * (the kernel's memcpy, snprintf, ... replace libc's), so this file keeps
 * to calls whose kernel and libc meanings agree.
 */
#include <emscripten.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkljs-host.h>
#include "host.h"

/*
 * The built-in initramfs, the root file system's skeleton (initramfs.list),
 * as build-kernel.sh generated it; the programs come in userland.cpio
 * (host/lkljs-userland.js).
 */
extern const unsigned char lkljs_initramfs[];
extern const unsigned long lkljs_initramfs_size;

struct lkljs_host_options lkljs_options;

/* Kernel memory; must match what the link reserves (INITIAL_MEMORY). */
#ifndef LKLJS_MEMORY_MB
#define LKLJS_MEMORY_MB 32
#endif
/* Largest buddy block (MAX_ORDER 11 with 4 KiB pages): keep zones aligned. */
#define LKLJS_MEMORY_ALIGN (4UL << 20)
#define LKLJS_DEFAULT_COMMAND_LINE "console=lkljs0"
#define LKLJS_DEFAULT_TIMEOUT_SECONDS 60

void lkljs_host_console_write(const char *text, unsigned int length)
{
	/*
	 * Runs on the main thread, synchronously so that output keeps its
	 * order and is out before a later exit, after the tty's output that
	 * came before it (host/console.c). Whole lines go to
	 * Module.lkljsConsole(line) if the page set it, else to stdout.
	 */
	MAIN_THREAD_EM_ASM({
		_lkljs_console_output_drain();
		var pending = (Module.lkljsPendingOutput || "") + UTF8ToString($0, $1);
		var lines = pending.split("\n");
		Module.lkljsPendingOutput = lines.pop();
		for (var i = 0; i < lines.length; i++) {
			if (Module.lkljsConsole) Module.lkljsConsole(lines[i]);
			else out(lines[i]);
		}
	}, text, length);
}

void lkljs_host_print(const char *text)
{
	unsigned int length = 0;

	while (text[length])
		length++;
	lkljs_host_console_write(text, length);
}

void lkljs_host_panic(const char *message)
{
	/* Contract A: the page hears of a panic before onExit(1). */
	MAIN_THREAD_EM_ASM({
		_lkljs_console_output_drain();
		if (Module.lkljsPanic) Module.lkljsPanic(UTF8ToString($0));
	}, message);
}

static int lkljs_halt_status;

void lkljs_host_set_halt_status(int status)
{
	lkljs_halt_status = status;
}

/*
 * main() returned to the event loop with the runtime kept alive (it started
 * the boot thread), which exit() would honour: let the runtime end first.
 * exit() on a pthread then asks the main thread to exit, and on the main
 * thread ends the program with a throw that the runtime's callers, and a
 * coroutine's (host/lkljs-coroutines.js), take as an exit.
 */
static void __attribute__((noreturn)) lkljs_exit(int status)
{
	MAIN_THREAD_EM_ASM({
		_lkljs_console_output_drain();
		runtimeKeepaliveCounter = 0;
	});
	exit(status);
}

void lkljs_host_exit(int status)
{
	lkljs_exit(status ? status : lkljs_halt_status);
}

/*
 * A count in shared memory, waited on with the wasm atomics themselves
 * rather than with libc's sem_t, so that a kernel thread that runs as a
 * coroutine (coroutine.c) can wait by suspending instead of blocking the
 * thread that it shares with the others.
 */
struct lkljs_host_sem {
	int count;
};

struct lkljs_host_sem *lkljs_host_sem_alloc(int count)
{
	struct lkljs_host_sem *sem = malloc(sizeof(*sem));

	if (sem)
		sem->count = count;
	return sem;
}

void lkljs_host_sem_free(struct lkljs_host_sem *sem)
{
	free(sem);
}

void lkljs_host_sem_up(struct lkljs_host_sem *sem)
{
	__atomic_fetch_add(&sem->count, 1, __ATOMIC_SEQ_CST);
	__builtin_wasm_memory_atomic_notify(&sem->count, 1);
}

void lkljs_host_sem_down(struct lkljs_host_sem *sem)
{
	for (;;) {
		int count = __atomic_load_n(&sem->count, __ATOMIC_SEQ_CST);

		if (count > 0) {
			if (__atomic_compare_exchange_n(&sem->count, &count, count - 1, 0,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				return;
			continue;
		}
		/* Until an up (a notify), unless one came in meanwhile. */
		if (lkljs_in_coroutine())
			lkljs_coroutine_wait(&sem->count, count);
		else
			__builtin_wasm_memory_atomic_wait32(&sem->count, count, -1);
	}
}

struct lkljs_thread_start {
	void (*entry)(void *);
	void *argument;
};

/* Host threads started and not yet ended (whichever way they end). */
static int lkljs_live_threads;

int lkljs_host_live_threads(void)
{
	return __atomic_load_n(&lkljs_live_threads, __ATOMIC_RELAXED);
}

void lkljs_host_count_thread(int change)
{
	__atomic_fetch_add(&lkljs_live_threads, change, __ATOMIC_RELAXED);
}

static void lkljs_thread_ended(void *unused)
{
	lkljs_host_count_thread(-1);
}

static void *lkljs_thread_main(void *start_pointer)
{
	struct lkljs_thread_start start = *(struct lkljs_thread_start *)start_pointer;

	free(start_pointer);
	lkljs_host_count_thread(1);
	/* Also run by pthread_exit(), as a task's thread ends. */
	pthread_cleanup_push(lkljs_thread_ended, NULL);
	start.entry(start.argument);
	pthread_cleanup_pop(1);
	return NULL;
}

int lkljs_host_start_thread(void (*entry)(void *), void *argument,
			    unsigned long stack_size)
{
	struct lkljs_thread_start *start = malloc(sizeof(*start));
	pthread_attr_t attributes;
	pthread_t thread;
	int err;

	if (!start)
		return ENOMEM;
	start->entry = entry;
	start->argument = argument;

	pthread_attr_init(&attributes);
	pthread_attr_setstacksize(&attributes, stack_size);
	pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&thread, &attributes, lkljs_thread_main, start);
	pthread_attr_destroy(&attributes);
	if (err)
		free(start);
	return err;
}

int lkljs_host_thread_create(void (*entry)(void *), void *argument)
{
	return lkljs_host_start_thread(entry, argument, LKLJS_THREAD_STACK);
}

void lkljs_host_thread_exit(void)
{
	if (lkljs_in_coroutine())
		lkljs_coroutine_exit();
	/* The worker goes back to the pool: it must not keep a program. */
	lkljs_host_user_forget();
	pthread_exit(NULL);
}

static unsigned long long lkljs_monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec;
}

/* Set once in main(), before any other thread exists. */
static unsigned long long lkljs_boot_ns;

unsigned long long lkljs_host_time_ns(void)
{
	/*
	 * Every thread reads one clock (process.hrtime() under node,
	 * host/lkljs-clock.js in a page); clamp anyway, so that the kernel
	 * never sees time go backwards.
	 */
	static unsigned long long latest;
	unsigned long long ns = lkljs_monotonic_ns() - lkljs_boot_ns, seen;

	seen = __atomic_load_n(&latest, __ATOMIC_RELAXED);
	while (ns > seen &&
	       !__atomic_compare_exchange_n(&latest, &seen, ns, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return ns > seen ? ns : seen;
}

unsigned long long lkljs_host_wall_clock_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec;
}

/*
 * The one-shot timer is served by the runtime's main thread (node's, or the
 * page's runtime worker), which otherwise only waits for messages: a thread
 * of its own would cost a worker's start-up before the shell's prompt. The
 * main thread waits with Atomics.waitAsync on `changes`, which every change
 * of the deadline bumps and notifies, so setting the timer posts no message
 * between threads. Expiry only marks an interrupt pending and wakes the
 * idle task (lkljs_raise_irq()), which a thread that does not own the CPU
 * may do, the main thread included.
 */
struct lkljs_host_timer {
	void (*expired)(void *);
	void *argument;
	/* Host time to fire at, in ns since the kernel started; 0 while disarmed. */
	unsigned long long deadline_ns;
	/* Bumped, and the main thread notified, at every change of deadline_ns. */
	int changes;
};

/*
 * On the main thread: fires the timer if its deadline has passed. Returns
 * how many milliseconds to wait before asking again, or -1 while disarmed.
 */
static double lkljs_timer_due(struct lkljs_host_timer *timer)
{
	unsigned long long deadline =
		__atomic_load_n(&timer->deadline_ns, __ATOMIC_SEQ_CST);
	unsigned long long now;

	if (!deadline)
		return -1;
	now = lkljs_host_time_ns();
	if (now < deadline)
		return (deadline - now) / 1e6;
	/* Unless it was set again meanwhile, for later: then ask again. */
	if (__atomic_compare_exchange_n(&timer->deadline_ns, &deadline, 0, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		timer->expired(timer->argument);
	return 0;
}

struct lkljs_host_timer *lkljs_host_timer_alloc(void (*expired)(void *),
						void *argument)
{
	struct lkljs_host_timer *timer = calloc(1, sizeof(*timer));

	if (!timer)
		return NULL;
	timer->expired = expired;
	timer->argument = argument;
	/*
	 * Waits for a change of the deadline, or for the deadline, whichever
	 * comes first, then asks lkljs_timer_due(): for ever, as a timer thread
	 * would, but between the main thread's other tasks.
	 */
	MAIN_THREAD_ASYNC_EM_ASM({
		var due = wasmTable.get($0);
		var timer = $1;
		var changes = $2 >> 2;
		function serve() {
			for (;;) {
				var seen = Atomics.load(HEAP32, changes);
				var wait = due(timer);
				var waited = Atomics.waitAsync(HEAP32, changes, seen, wait < 0 ? Infinity : wait);
				if (waited.async) {
					waited.value.then(serve);
					return;
				}
			}
		}
		serve();
	}, lkljs_timer_due, timer, &timer->changes);
	return timer;
}

void lkljs_host_timer_set(struct lkljs_host_timer *timer,
			  unsigned long long delta_ns)
{
	__atomic_store_n(&timer->deadline_ns,
			 delta_ns ? lkljs_host_time_ns() + delta_ns : 0,
			 __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&timer->changes, 1, __ATOMIC_SEQ_CST);
	__builtin_wasm_memory_atomic_notify(&timer->changes, 1);
}

void *lkljs_host_mem_alloc(unsigned long size)
{
	return aligned_alloc(LKLJS_MEMORY_ALIGN, size);
}

/* Host monotonic time at which the watchdog fires; 0 while disarmed. */
static unsigned long long lkljs_watchdog_deadline_ns;

void lkljs_host_watchdog_set(long milliseconds)
{
	__atomic_store_n(&lkljs_watchdog_deadline_ns,
			 milliseconds > 0 ?
			 lkljs_host_time_ns() + milliseconds * 1000000ULL : 0,
			 __ATOMIC_RELAXED);
}

/*
 * Polled by the main thread, as the timer is: a watchdog thread of its own
 * would cost a worker's start-up during boot. The boot's elapsed time needs
 * no clamp, so it reads the clock directly.
 */
static void lkljs_watchdog_check(void)
{
	static const char message[] =
		"lkljs: the kernel did not halt within the boot timeout\n";
	unsigned long long deadline =
		__atomic_load_n(&lkljs_watchdog_deadline_ns, __ATOMIC_RELAXED);

	if (!deadline || lkljs_monotonic_ns() - lkljs_boot_ns < deadline)
		return;
	lkljs_host_console_write(message, sizeof(message) - 1);
	lkljs_exit(2);
}

unsigned long long lkljs_host_ready_ns;

void lkljs_host_process_ready(int pid)
{
	lkljs_host_ready_ns = lkljs_host_time_ns();
	lkljs_host_mark_ready();
	lkljs_host_program_start(pid);
}

/*
 * The userland archive (userland.cpio) that host/lkljs-userland.js has ready
 * on the main thread by the time main() runs: its size, or -1 (after saying
 * why) when the loader could not get it.
 */
static long lkljs_userland_size(void)
{
	return MAIN_THREAD_EM_ASM_INT({
		if (Module.lkljsUserlandError) {
			err(Module.lkljsUserlandError);
			return -1;
		}
		return Module.lkljsUserlandBytes.length;
	});
}

/*
 * The boot loader's part: the built-in initramfs and, right after it, the
 * userland archive go at the top of memory, as one initrd. The kernel's
 * initramfs code unpacks concatenated cpio archives one after the other
 * (gen_init_cpio pads each to 512 bytes, which keeps the next one's header
 * 4-byte aligned), so the programs land in the skeleton's directories.
 * Returns the initrd's size and sets *initrd to its start.
 */
static unsigned long lkljs_place_initrd(unsigned char *memory, unsigned long memory_size,
					unsigned long userland_size, unsigned char **initrd)
{
	unsigned long size = lkljs_initramfs_size + userland_size;
	unsigned char *start = memory + memory_size - ((size + 4095) & ~4095UL);

	memcpy(start, lkljs_initramfs, lkljs_initramfs_size);
	MAIN_THREAD_EM_ASM({
		HEAPU8.set(Module.lkljsUserlandBytes, $0);
		/* A page keeps its own copy for reboots; the module needs none. */
		Module.lkljsUserlandBytes = null;
	}, start + lkljs_initramfs_size);
	*initrd = start;
	return size;
}

/* What main() hands the boot thread. */
static struct lkljs_boot {
	unsigned char *memory, *initrd;
	unsigned long memory_size, initrd_size;
	char *command_line;
} lkljs_boot;

/*
 * The boot thread runs start_kernel() and then, as the idle task, only
 * kernel code; off the CPU it waits only on the idle semaphore. So it is a
 * kernel thread for the host (a coroutine of this main thread in a page,
 * with no worker to wait for before the kernel starts), and main() itself
 * returns to the runtime's event loop, which must stay free.
 */
static void lkljs_boot_thread(void *unused)
{
	lkljs_start_kernel(lkljs_boot.memory, lkljs_boot.memory_size,
			   lkljs_boot.command_line, lkljs_boot.initrd,
			   lkljs_boot.initrd_size);
}

int main(void)
{
	unsigned long memory_size = (unsigned long)LKLJS_MEMORY_MB << 20;
	/*
	 * Under node the boot must end within LKLJS_BOOT_TIMEOUT_SECONDS
	 * (fractions allowed, 0 for no limit) or the default, unless a person
	 * types at a terminal; a page has none.
	 */
	int timeout_ms = MAIN_THREAD_EM_ASM_INT({
		if (!ENVIRONMENT_IS_NODE) return 0;
		var value = process.env.LKLJS_BOOT_TIMEOUT_SECONDS;
		var unset = value === undefined || value === "";
		if (unset && Module.lkljsNodeConsole.interactive()) return 0;
		var seconds = unset ? $0 : Number(value);
		if (!(seconds >= 0 && seconds <= 86400)) {
			err("lkljs: LKLJS_BOOT_TIMEOUT_SECONDS must be a number of seconds from 0 to 86400, not '" + value + "'");
			return -1;
		}
		return Math.max(1, Math.round(seconds * 1000)) * (seconds > 0 ? 1 : 0);
	}, LKLJS_DEFAULT_TIMEOUT_SECONDS);
	/*
	 * Module.lkljsCommandLine if the page set it, else node's arguments,
	 * else the default; "quiet" too when node's stdin is a terminal, so
	 * that a person at it sees the shell's prompt rather than the log.
	 * The self-test suite and the benchmark make PID 1 the host's process
	 * (rdinit, see kernel/host_calls.c): their cases test its threads.
	 */
	char *command_line = (char *)MAIN_THREAD_EM_ASM_INT({
		var line = Module.lkljsCommandLine;
		if (line === undefined && ENVIRONMENT_IS_NODE && process.argv.length > 2)
			line = process.argv.slice(2).join(' ');
		if (line === undefined)
			line = UTF8ToString($0) + (Module.lkljsNodeConsole.interactive() ? " quiet" : "");
		if (Module.lkljsProgram === "selftest" || Module.lkljsProgram === "bench")
			line += " rdinit=/sbin/lkljs-host";
		var size = lengthBytesUTF8(line) + 1;
		var buffer = _malloc(size);
		stringToUTF8(line, buffer, size);
		return buffer;
	}, LKLJS_DEFAULT_COMMAND_LINE);
	unsigned long initrd_size;
	unsigned char *memory, *initrd;
	long userland_size;

	/*
	 * Module.lkljsProgram: "boot" (default), "selftest" or "bench";
	 * Module.lkljsKeepRunning keeps the kernel up after boot.
	 */
	lkljs_options.program = MAIN_THREAD_EM_ASM_INT({
		var index = "boot selftest bench".split(" ").indexOf(Module.lkljsProgram || "boot");
		if (index < 0) err("lkljs: unknown Module.lkljsProgram '" + Module.lkljsProgram + "'");
		return index;
	});
	if ((lkljs_options.program == LKLJS_PROGRAM_SELFTEST && !lkljs_selftest_run) ||
	    (lkljs_options.program == LKLJS_PROGRAM_BENCH && !lkljs_bench_run)) {
		MAIN_THREAD_EM_ASM({
			err("lkljs: this module has no self-test suite or benchmark (Module.lkljsProgram '" +
			    Module.lkljsProgram + "'): run selftest.js, which loads selftest.wasm");
		});
		return 2;
	}
	lkljs_options.keep_running = MAIN_THREAD_EM_ASM_INT({
		return Module.lkljsKeepRunning ? 1 : 0;
	});
	lkljs_coroutines_init();
	userland_size = lkljs_userland_size();
	if (userland_size < 0)
		return 2;

	/* Node's stdin and stdout become the console tty (boot.js run by node). */
	MAIN_THREAD_EM_ASM({ Module.lkljsNodeConsole.attach(); });

	/* Kernel time starts at 0 when the kernel does, as on a real machine. */
	lkljs_boot_ns = lkljs_monotonic_ns();
	if (timeout_ms < 0 || (int)lkljs_options.program < 0)
		return 2;
	lkljs_host_watchdog_set(timeout_ms);
	/* A tenth of a second is precise enough for a timeout in seconds. */
	if (timeout_ms > 0)
		MAIN_THREAD_EM_ASM({
			setInterval(function () { wasmTable.get($0)(); }, 100);
		}, lkljs_watchdog_check);

	memory = lkljs_host_mem_alloc(memory_size);
	if (!memory)
		return 3;
	initrd_size = lkljs_place_initrd(memory, memory_size, userland_size, &initrd);
	lkljs_boot = (struct lkljs_boot){
		.memory = memory, .memory_size = memory_size,
		.command_line = command_line,
		.initrd = initrd, .initrd_size = initrd_size,
	};
	if (lkljs_host_kernel_thread_create(lkljs_boot_thread, NULL))
		return 3;
	/* The program ends when the kernel halts (lkljs_host_exit). */
	emscripten_exit_with_live_runtime();
}

/*
 * clang lowers __builtin_return_address() (the kernel's _RET_IP_, used only
 * in diagnostics) to this call. Emscripten's own version needs a map of
 * code offsets shipped with the module; wasm code has no addresses the
 * kernel could print anyway, so every caller is reported as 0.
 */
void *emscripten_return_address(int level)
{
	return 0;
}

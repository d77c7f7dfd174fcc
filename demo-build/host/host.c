// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of lkljs: what the kernel needs from its environment,
 * implemented with Emscripten's pthreads and JS glue, plus main(), which
 * starts the kernel on the thread Emscripten proxies main() to.
 *
 * Kernel symbols and libc symbols share one namespace in the wasm module
 * (the kernel's memcpy, snprintf, ... replace libc's), so this file keeps
 * to calls whose kernel and libc meanings agree.
 */
#include <emscripten.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>

#include "../arch/lkljs/include/asm/host.h"

/* Kernel memory; must match what the link reserves (INITIAL_MEMORY). */
#ifndef LKLJS_MEMORY_MB
#define LKLJS_MEMORY_MB 32
#endif
/* Largest buddy block (MAX_ORDER 11 with 4 KiB pages): keep zones aligned. */
#define LKLJS_MEMORY_ALIGN (4UL << 20)
/* Kernel code runs on host stacks; 6.1 keeps kernel stacks under 16 KiB. */
#define LKLJS_THREAD_STACK (256 * 1024)
#define LKLJS_DEFAULT_COMMAND_LINE "console=lkljs0"
#define LKLJS_DEFAULT_TIMEOUT_SECONDS 60

void lkljs_host_console_write(const char *text, unsigned int length)
{
	/*
	 * Runs on the main thread, synchronously so that output keeps its
	 * order and is out before a later exit. Whole lines go to
	 * Module.lkljsConsole(line) if the page set it, else to stdout.
	 */
	MAIN_THREAD_EM_ASM({
		var pending = (Module.lkljsPendingOutput || "") + UTF8ToString($0, $1);
		var lines = pending.split("\n");
		Module.lkljsPendingOutput = lines.pop();
		for (var i = 0; i < lines.length; i++) {
			if (Module.lkljsConsole) Module.lkljsConsole(lines[i]);
			else out(lines[i]);
		}
	}, text, length);
}

void lkljs_host_exit(int status)
{
	exit(status);
}

struct lkljs_host_sem {
	sem_t sem;
};

struct lkljs_host_sem *lkljs_host_sem_alloc(int count)
{
	struct lkljs_host_sem *sem = malloc(sizeof(*sem));

	if (sem && sem_init(&sem->sem, 0, count)) {
		free(sem);
		return NULL;
	}
	return sem;
}

void lkljs_host_sem_free(struct lkljs_host_sem *sem)
{
	sem_destroy(&sem->sem);
	free(sem);
}

void lkljs_host_sem_up(struct lkljs_host_sem *sem)
{
	sem_post(&sem->sem);
}

void lkljs_host_sem_down(struct lkljs_host_sem *sem)
{
	while (sem_wait(&sem->sem) && errno == EINTR)
		;
}

struct lkljs_thread_start {
	void (*entry)(void *);
	void *argument;
};

static void *lkljs_thread_main(void *start_pointer)
{
	struct lkljs_thread_start start = *(struct lkljs_thread_start *)start_pointer;

	free(start_pointer);
	start.entry(start.argument);
	return NULL;
}

int lkljs_host_thread_create(void (*entry)(void *), void *argument)
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
	pthread_attr_setstacksize(&attributes, LKLJS_THREAD_STACK);
	pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&thread, &attributes, lkljs_thread_main, start);
	pthread_attr_destroy(&attributes);
	if (err)
		free(start);
	return err;
}

void lkljs_host_thread_exit(void)
{
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
	 * Workers measure time from their own start, which Emscripten corrects
	 * for; clamp anyway so the kernel never sees time go backwards.
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

struct lkljs_host_timer {
	void (*expired)(void *);
	void *argument;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Host monotonic time to fire at; 0 while disarmed. */
	unsigned long long deadline_ns;
};

static void lkljs_timer_thread(void *timer_pointer)
{
	struct lkljs_host_timer *timer = timer_pointer;

	pthread_mutex_lock(&timer->lock);
	for (;;) {
		unsigned long long now = lkljs_host_time_ns();

		if (!timer->deadline_ns) {
			pthread_cond_wait(&timer->changed, &timer->lock);
		} else if (now >= timer->deadline_ns) {
			timer->deadline_ns = 0;
			pthread_mutex_unlock(&timer->lock);
			timer->expired(timer->argument);
			pthread_mutex_lock(&timer->lock);
		} else {
			/* Condition variables wait on the realtime clock. */
			unsigned long long wait = timer->deadline_ns - now;
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += wait / 1000000000ULL;
			until.tv_nsec += wait % 1000000000ULL;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&timer->changed, &timer->lock, &until);
		}
	}
}

struct lkljs_host_timer *lkljs_host_timer_alloc(void (*expired)(void *),
						void *argument)
{
	struct lkljs_host_timer *timer = calloc(1, sizeof(*timer));

	if (!timer)
		return NULL;
	timer->expired = expired;
	timer->argument = argument;
	pthread_mutex_init(&timer->lock, NULL);
	pthread_cond_init(&timer->changed, NULL);
	if (lkljs_host_thread_create(lkljs_timer_thread, timer)) {
		free(timer);
		return NULL;
	}
	return timer;
}

void lkljs_host_timer_set(struct lkljs_host_timer *timer,
			  unsigned long long delta_ns)
{
	pthread_mutex_lock(&timer->lock);
	timer->deadline_ns = delta_ns ? lkljs_host_time_ns() + delta_ns : 0;
	pthread_cond_signal(&timer->changed);
	pthread_mutex_unlock(&timer->lock);
}

void *lkljs_host_mem_alloc(unsigned long size)
{
	return aligned_alloc(LKLJS_MEMORY_ALIGN, size);
}

static void lkljs_watchdog(void *milliseconds_pointer)
{
	long milliseconds = (long)milliseconds_pointer;
	struct timespec wait = {
		.tv_sec = milliseconds / 1000,
		.tv_nsec = (milliseconds % 1000) * 1000000L,
	};

	while (nanosleep(&wait, &wait) && errno == EINTR)
		;
	static const char message[] =
		"lkljs: the kernel did not halt within the boot timeout\n";
	lkljs_host_console_write(message, sizeof(message) - 1);
	exit(2);
}

int main(void)
{
	unsigned long memory_size = (unsigned long)LKLJS_MEMORY_MB << 20;
	/*
	 * Under node the boot must end within LKLJS_BOOT_TIMEOUT_SECONDS
	 * (fractions allowed, 0 for no limit) or the default; a page has none.
	 */
	int timeout_ms = MAIN_THREAD_EM_ASM_INT({
		if (!ENVIRONMENT_IS_NODE) return 0;
		var value = process.env.LKLJS_BOOT_TIMEOUT_SECONDS;
		var seconds = (value === undefined || value === "") ? $0 : Number(value);
		if (!(seconds >= 0 && seconds <= 86400)) {
			err("lkljs: LKLJS_BOOT_TIMEOUT_SECONDS must be a number of seconds from 0 to 86400, not '" + value + "'");
			return -1;
		}
		return Math.max(1, Math.round(seconds * 1000)) * (seconds > 0 ? 1 : 0);
	}, LKLJS_DEFAULT_TIMEOUT_SECONDS);
	/* Module.lkljsCommandLine if the page set it, else node's arguments. */
	char *command_line = (char *)MAIN_THREAD_EM_ASM_INT({
		var line = Module.lkljsCommandLine;
		if (line === undefined && ENVIRONMENT_IS_NODE && process.argv.length > 2)
			line = process.argv.slice(2).join(' ');
		if (line === undefined) return 0;
		var size = lengthBytesUTF8(line) + 1;
		var buffer = _malloc(size);
		stringToUTF8(line, buffer, size);
		return buffer;
	});
	void *memory;

	/* Kernel time starts at 0 when the kernel does, as on a real machine. */
	lkljs_boot_ns = lkljs_monotonic_ns();
	if (timeout_ms < 0)
		return 2;
	if (timeout_ms > 0 &&
	    lkljs_host_thread_create(lkljs_watchdog, (void *)(long)timeout_ms))
		return 3;

	memory = lkljs_host_mem_alloc(memory_size);
	if (!memory)
		return 3;
	lkljs_start_kernel(memory, memory_size,
			   command_line ? command_line : LKLJS_DEFAULT_COMMAND_LINE);
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

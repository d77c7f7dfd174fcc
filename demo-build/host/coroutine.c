// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel threads as coroutines of the runtime's main thread.
 *
 * A task off the CPU keeps its frames on its host thread's stacks, so every
 * task needs a host thread, and every host thread a worker, which costs tens
 * of milliseconds of CPU to start. Before the shell's prompt, nine of the
 * boot's twelve workers went to kernel threads: the boot thread (host.c),
 * which becomes the idle task, and kthreadd, the workqueues' workers,
 * ksoftirqd and kdevtmpfs, which then mostly sleep.
 *
 * Where the engine can suspend a wasm stack (JavaScript Promise Integration,
 * set up by host/lkljs-coroutines.js), a kernel thread runs instead as a
 * coroutine of the runtime's main thread, which otherwise only waits for
 * messages. The engine keeps the coroutine's wasm frames on a stack of its
 * own, and its C frames are on a shadow stack of its own below. Off the CPU,
 * a kernel thread only ever waits in lkljs_host_sem_down(): there it
 * suspends, with Atomics.waitAsync, rather than block the thread that it
 * shares. A kernel thread never blocks for anything else without holding the
 * CPU, which is one, so the others lose nothing while it runs.
 *
 * A task that runs a program keeps a worker of its own: a program runs
 * without the CPU, and nothing makes it return to the kernel in time.
 * Where the engine has neither form of stack switching, every kernel
 * thread gets a worker too.
 */
#include <emscripten.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <lkljs-host.h>
#include "host.h"

/* Emscripten's shadow stack pointer (compiler-rt's stack_ops.S). */
uintptr_t stackSave(void);
void stackRestore(uintptr_t stack_pointer);

struct lkljs_coroutine {
	void (*entry)(void *);
	void *argument;
	void *stack;
};

/* Kernel threads are coroutines. Set in main(), before the kernel starts. */
static int lkljs_coroutines;

/* On the main thread: a coroutine runs rather than the thread's own code. */
static _Thread_local int lkljs_coroutine_running;

void lkljs_coroutines_init(void)
{
	lkljs_coroutines = MAIN_THREAD_EM_ASM_INT({ return Module.lkljsCoroutines ? 1 : 0; });
}

int lkljs_in_coroutine(void)
{
	return lkljs_coroutine_running;
}

/*
 * Imported as suspending (host/lkljs-coroutines.js): the promise that
 * Atomics.waitAsync returns suspends the coroutine until it settles. While
 * the coroutine waits, the main thread's code runs on its own stack again.
 */
EM_JS(void, lkljs_coroutine_suspend, (int *address, int expected), {
	stackRestore(Module.lkljsCoroutines.mainStack);
	var waited = Atomics.waitAsync(HEAP32, address >> 2, expected);
	return waited.async ? waited.value : undefined;
});

/* Unwinds the coroutine's frames up to where Module.lkljsCoroutines.start() began it. */
EM_JS(void, lkljs_coroutine_unwind, (void), {
	stackRestore(Module.lkljsCoroutines.mainStack);
	throw Module.lkljsCoroutines.ended;
});

void lkljs_coroutine_wait(int *address, int expected)
{
	uintptr_t own_stack = stackSave();

	lkljs_coroutine_running = 0;
	lkljs_coroutine_suspend(address, expected);
	/* Resumed: other coroutines may have run on the thread meanwhile. */
	stackRestore(own_stack);
	lkljs_coroutine_running = 1;
}

void lkljs_coroutine_exit(void)
{
	lkljs_coroutine_running = 0;
	lkljs_coroutine_unwind();
	__builtin_unreachable();
}

/*
 * Entered through a promising export, on the coroutine's own stacks. It
 * ends, as a host thread does, when entry returns or by
 * lkljs_coroutine_exit().
 */
static void lkljs_coroutine_main(struct lkljs_coroutine *coroutine)
{
	lkljs_coroutine_running = 1;
	lkljs_host_count_thread(1);
	coroutine->entry(coroutine->argument);
	lkljs_coroutine_running = 0;
}

/* On the main thread, once the coroutine's frames are gone. */
static void lkljs_coroutine_ended(struct lkljs_coroutine *coroutine)
{
	free(coroutine->stack);
	free(coroutine);
	lkljs_host_count_thread(-1);
}

int lkljs_host_kernel_thread_create(void (*entry)(void *), void *argument)
{
	struct lkljs_coroutine *coroutine;

	if (!lkljs_coroutines)
		return lkljs_host_thread_create(entry, argument);
	coroutine = malloc(sizeof(*coroutine));
	if (!coroutine)
		return ENOMEM;
	/* The shadow stack keeps wasm's 16-byte alignment. */
	coroutine->stack = aligned_alloc(16, LKLJS_THREAD_STACK);
	if (!coroutine->stack) {
		free(coroutine);
		return ENOMEM;
	}
	coroutine->entry = entry;
	coroutine->argument = argument;
	MAIN_THREAD_ASYNC_EM_ASM({
		Module.lkljsCoroutines.start($0, $1, $2, $3);
	}, lkljs_coroutine_main, coroutine,
	   (char *)coroutine->stack + LKLJS_THREAD_STACK, lkljs_coroutine_ended);
	return 0;
}

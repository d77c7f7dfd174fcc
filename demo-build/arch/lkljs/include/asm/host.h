/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_HOST_H
#define _ASM_LKLJS_HOST_H

/*
 * The contract between the kernel and the host library (demo-build/host).
 * The host side is ordinary Emscripten C code with its own libc, so this
 * header uses only basic C types and is included by both sides. Nothing in
 * it may call back into the kernel except through the function pointers
 * the kernel passes in.
 */

struct lkljs_host_sem;
struct lkljs_host_timer;

/* Console: one chunk of kernel log text, not NUL-terminated. */
void lkljs_host_console_write(const char *text, unsigned int length);

/* The kernel panicked with this message (already on the console). */
void lkljs_host_panic(const char *message);

/* Ends the whole program: 0 after a clean halt, non-zero otherwise. */
void lkljs_host_exit(int status) __attribute__((noreturn));

/* Counting semaphores, the only way kernel tasks hand over the CPU. */
struct lkljs_host_sem *lkljs_host_sem_alloc(int count);
void lkljs_host_sem_free(struct lkljs_host_sem *sem);
void lkljs_host_sem_up(struct lkljs_host_sem *sem);
void lkljs_host_sem_down(struct lkljs_host_sem *sem);

/*
 * Host threads. A thread created here runs entry(argument) once; it must
 * leave through lkljs_host_thread_exit(). Returns 0 on success.
 */
int lkljs_host_thread_create(void (*entry)(void *), void *argument);
void lkljs_host_thread_exit(void) __attribute__((noreturn));

/* Monotonic clock in nanoseconds since an arbitrary fixed point. */
unsigned long long lkljs_host_time_ns(void);

/*
 * One-shot timer: after lkljs_host_timer_set(timer, delta_ns) the host
 * calls expired(argument) once, on a host thread that does not own the
 * kernel CPU; the callback may only touch atomics and host semaphores.
 * Setting again re-arms; delta 0 cancels.
 */
struct lkljs_host_timer *lkljs_host_timer_alloc(void (*expired)(void *),
						void *argument);
void lkljs_host_timer_set(struct lkljs_host_timer *timer,
			  unsigned long long delta_ns);

/* Page-aligned memory for the kernel's own page allocator. */
void *lkljs_host_mem_alloc(unsigned long size);

/*
 * Entry point the host calls on its boot thread; never returns. The host
 * acts as the boot loader: an initramfs (cpio), if any, lies inside the
 * memory block at initrd, and the kernel frees it once unpacked.
 */
void lkljs_start_kernel(void *memory, unsigned long memory_size,
			const char *command_line, void *initrd,
			unsigned long initrd_size)
	__attribute__((noreturn));

/*
 * System calls from host threads. A host thread never runs kernel code
 * itself: it hands a call to the kernel task that serves it and sleeps on
 * call->done until the task has run it. Each host thread gets its own task,
 * a thread of PID 1 (same files, cwd and root), created on its first call.
 */
struct lkljs_task;

struct lkljs_host_call {
	/* Kernel's own: link in the list of submitted calls. */
	struct lkljs_host_call *next;
	/* The task that runs the call; NULL for PID 1's main thread. */
	struct lkljs_task *task;
	/* A system call number, or one of LKLJS_CALL_*. */
	long nr;
	long args[6];
	/* Set by the kernel before it posts done. */
	long result;
	struct lkljs_host_sem *done;
	/* LKLJS_CALL_INTERRUPT only: non-zero while submitted. */
	int queued;
};

/* PID 1's main thread: a new thread of PID 1; result is its lkljs_task. */
#define LKLJS_CALL_NEW_THREAD	(-1)
/* The task ends; result 0. */
#define LKLJS_CALL_EXIT		(-2)
/*
 * The call the task is running, if it sleeps interruptibly, returns -EINTR
 * (no done semaphore: the kernel clears queued instead).
 */
#define LKLJS_CALL_INTERRUPT	(-3)

/* Any host thread, without the CPU: queue the call and wake the kernel. */
void lkljs_call_submit(struct lkljs_host_call *call);

/*
 * Host: PID 1 has executed /init and its main thread now serves host calls.
 * Called on a kernel task, so it must not wait for the kernel.
 */
void lkljs_host_init_ready(void);

#endif

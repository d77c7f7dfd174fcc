/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LKLJS_HOST_H
#define _LKLJS_HOST_H

/*
 * The contract between the kernel and the host library (demo-build/host).
 * The host side is ordinary Emscripten C code with its own libc, so this
 * header uses only basic C types and is included by both sides, as
 * <lkljs-host.h>: include/shared/ is on the include path of the port's
 * kernel/ (its Makefile) and of the host compile (build-kernel.sh), and
 * holds nothing else, so neither side sees the other's headers through it.
 */

struct lkljs_host_sem;
struct lkljs_host_timer;
struct task_struct;

/* Console: one chunk of kernel log text, not NUL-terminated. */
void lkljs_host_console_write(const char *text, unsigned int length);

/*
 * The console tty (kernel/console.c). Its output: raw bytes, written as the
 * line discipline produced them (the host hands them on unchanged).
 */
void lkljs_host_tty_write(const char *bytes, unsigned int length);
/*
 * Its input: bytes the host received, in a ring the kernel drains when the
 * host raises LKLJS_CONSOLE_IRQ. peek gives the bytes at the head of the
 * ring that lie in one piece (0 if it is empty); consume drops the first n.
 */
unsigned long lkljs_host_console_input_peek(const char **bytes);
void lkljs_host_console_input_consume(unsigned long n);
/* Kernel entry, any host thread: the ring or the size changed. */
void lkljs_console_kick(void);
/* The host's input has ended (a pipe or file at its end): 1, else 0. */
int lkljs_host_console_input_ended(void);
/* 1 and the new size if the host resized the console since last asked. */
int lkljs_host_console_take_size(unsigned short *columns, unsigned short *rows);

/* The status the host exits with when the machine halts cleanly. */
void lkljs_host_set_halt_status(int status);

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

/*
 * The same for a kernel thread: a thread that never enters user mode and,
 * off the CPU, only ever waits in lkljs_host_sem_down(). The host may run
 * such threads as coroutines of one host thread rather than give each a
 * thread of its own.
 */
int lkljs_host_kernel_thread_create(void (*entry)(void *), void *argument);

/* Monotonic clock in nanoseconds since an arbitrary fixed point. */
unsigned long long lkljs_host_time_ns(void);

/* The host's calendar time in nanoseconds since 1970: the machine's RTC. */
unsigned long long lkljs_host_wall_clock_ns(void);

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
 * a thread of the host's process (same files, cwd and root), created on its
 * first call.
 */
struct lkljs_task;

struct lkljs_host_call {
	/* Kernel's own: link in the list of submitted calls. */
	struct lkljs_host_call *next;
	/* The task that runs the call; NULL for the host process's main thread. */
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

/* The host process's main thread: a new thread of that process; result is its lkljs_task. */
#define LKLJS_CALL_NEW_THREAD	(-1)
/* The task ends; result 0. */
#define LKLJS_CALL_EXIT		(-2)
/*
 * The call the task is running, if it sleeps interruptibly, returns -EINTR
 * (no done semaphore: the kernel clears queued instead).
 */
#define LKLJS_CALL_INTERRUPT	(-3)

/*
 * Starts a program as a child process of the calling thread's process:
 * args are path, argv, envp (NULL-terminated arrays of strings) and fds
 * (NULL, or three descriptors of the caller that become the child's 0, 1
 * and 2). result is the child's PID once it has executed the program, or
 * -errno if it could not (the child is then already reaped).
 */
#define LKLJS_CALL_SPAWN	(-4)

/* Any host thread, without the CPU: queue the call and wake the kernel. */
void lkljs_call_submit(struct lkljs_host_call *call);
/*
 * A host thread whose task exists (call->task), without the CPU: runs the
 * call on this thread as the task and returns once it has left the kernel
 * (lkljs_user_leave); the result is then in call->result. A call that ends
 * the task (LKLJS_CALL_EXIT) leaves by the host's throw instead
 * (lkljs_host_user_leave), which lkljs_host_call_here() catches. Not for
 * LKLJS_CALL_INTERRUPT.
 */
void lkljs_call_on_caller(struct lkljs_host_call *call);
/* Host: runs lkljs_call_on_caller(call) and returns once it has left. */
void lkljs_host_call_here(struct lkljs_host_call *call);

/*
 * Host: the host's process (PID 1, or the lkljs-host helper that PID 1 asked
 * for through /proc/lkljs/start-host) has executed the host program and its
 * main thread now serves host calls. pid is the process's: 1 when there is
 * no real init. Called on a kernel task, so it must not wait for the
 * kernel.
 */
void lkljs_host_process_ready(int pid);

/*
 * Wasm programs (kernel/user.c, host/user.c, host/lkljs-user.js). A program
 * runs on the host thread of its task, in a WebAssembly.Memory of its own
 * that only that thread's host side knows: every operation below concerns
 * the program of the task whose host thread calls it.
 */

/*
 * Looks for a module already compiled in this worker from the file that key
 * names (device, inode, size and modification time). 1 if there is one: it
 * becomes the compiled module, as after lkljs_host_user_image_compile(),
 * with its limits. 0 if not: the next module compiled is kept under key.
 */
int lkljs_host_user_image_find(const char *key, unsigned long *min_pages,
			       unsigned long *max_pages);
/* Receiving a module's bytes: 0, or -ENOMEM. */
int lkljs_host_user_image_begin(unsigned long size);
void lkljs_host_user_image_append(const void *bytes, unsigned long length);
/*
 * Compiles the received module and checks it against the ABI. 0 with the
 * module's memory limits in wasm pages, or -ENOEXEC with the reason in why.
 */
int lkljs_host_user_image_compile(unsigned long *min_pages,
				  unsigned long *max_pages, char *why,
				  unsigned long why_size);
/* Forgets a compiled module that will not be loaded. */
void lkljs_host_user_image_drop(void);
/*
 * The compiled module becomes the thread's program, replacing any other:
 * a new memory of the module's minimum size, and an instance whose system
 * calls enter the kernel as task. 0, or -ENOMEM.
 */
int lkljs_host_user_image_load(struct task_struct *task);
/* Grows the program's memory; its old size in wasm pages, or -ENOMEM. */
long lkljs_host_user_memory_grow(unsigned long pages);
/* The initial process block for _start(sp). */
void lkljs_host_user_set_start(unsigned long sp);
/* Whether the program exports the clone callback's entry, __lkljs_clone_start. */
int lkljs_host_user_can_clone(void);
/* The program starts in __lkljs_clone_start(sp), not _start. */
void lkljs_host_user_set_clone_start(unsigned long sp);
/*
 * A signal frame is ready at frame: once the thread has left the kernel, the
 * host calls the program's __lkljs_signal_trampoline(frame) and returns its
 * result from the system call. 0, or -EFAULT if the program has no
 * trampoline.
 */
int lkljs_host_user_signal(unsigned long frame);

/*
 * Copies between kernel memory and the program's memory: the number of
 * bytes not copied (0, or all of them if the range is not inside the
 * program's memory).
 */
unsigned long lkljs_host_user_read(void *to, unsigned long from,
				   unsigned long n);
unsigned long lkljs_host_user_write(unsigned long to, const void *from,
				    unsigned long n);
unsigned long lkljs_host_user_clear(unsigned long to, unsigned long n);
/*
 * Length of the string at from, looking at no more than n bytes: the
 * position of the NUL, n if there is none, -1 if memory ends first.
 */
long lkljs_host_user_strnlen(unsigned long from, unsigned long n);

/*
 * The task's host thread leaves the kernel for the program's frames
 * (called once its task is off the CPU); does not return.
 */
void lkljs_host_user_leave(void) __attribute__((noreturn));
/*
 * schedule() for a task that leaves for user mode (lkljs_user_leave), run
 * so that lkljs_host_user_leave() throws only out of the scheduler's
 * frames: 1 once the task has left, its thread off the CPU; 0 if schedule()
 * returned, the task woken before it was switched out.
 */
int lkljs_host_schedule_to_leave(void);
/* Runs the thread's program from _start; does not return. */
void lkljs_host_user_run(struct task_struct *task) __attribute__((noreturn));

/* The kernel's entry points for the host's user-mode loop. */
void lkljs_user_syscall(struct task_struct *task, long nr, long a0, long a1,
			long a2, long a3, long a4, long a5);
/* Returns once the task has left for user mode, off the CPU. */
void lkljs_user_leave(void);
void lkljs_user_fault(struct task_struct *task, int signal)
	__attribute__((noreturn));
long *lkljs_user_result_slot(struct task_struct *task);
/* Whether a signal waits for the task's program (read without the CPU). */
int lkljs_user_work_pending(struct task_struct *task);

#endif

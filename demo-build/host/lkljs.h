/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LKLJS_H
#define LKLJS_H

/*
 * System calls into the lkljs kernel from host code (contract B).
 *
 * Any host pthread may call lkljs_syscall(), several at once. On its first
 * call a thread gets a kernel task of its own, a thread of PID 1 (so it
 * shares PID 1's files, cwd and root with every other host thread); the
 * task ends when the host thread exits or calls lkljs_thread_detach().
 * Calls made before PID 1 is ready wait for it.
 *
 * Numbers are the kernel's (asm-generic, 32-bit): LKLJS_NR_openat, ... in
 * the generated lkljs-syscall-numbers.h. Arguments are integers or
 * pointers into this module's memory; the result is the kernel's raw
 * return value, a negative errno on failure.
 */
long lkljs_syscall(long nr, long args[6]);

/* lkljs_syscall() with up to six arguments given inline. */
#define lkljs_call(nr, ...) lkljs_call6((nr), ##__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define lkljs_call6(nr, a, b, c, d, e, f, ...) \
	lkljs_syscall((nr), (long[6]){ (long)(a), (long)(b), (long)(c), \
				       (long)(d), (long)(e), (long)(f) })

/*
 * Starts the program at path (a wasm executable in the rootfs) as a new
 * child process of the calling thread's process, PID 1: the child executes
 * it with argv (NULL: { path }) and envp (NULL: empty) and has the caller's
 * open files, or, if fds is not NULL, the caller's fds[0], fds[1] and
 * fds[2] as its standard input, output and error. Returns the child's PID
 * once the exec has succeeded (reap it with wait4), or -errno if it failed
 * (e.g. -ENOENT, -ENOEXEC), in which case there is no child left to reap.
 */
long lkljs_spawn(const char *path, char *const argv[], char *const envp[],
		 const int fds[3]);

/* Ends this host thread's kernel task now rather than at thread exit. */
void lkljs_thread_detach(void);

/*
 * This host thread's handle, its kernel task created if need be (NULL if
 * the kernel cannot create one). lkljs_interrupt(handle) makes the call
 * that thread is making, if it sleeps interruptibly, return -EINTR; it may
 * be used from any thread, including the browser's main thread (it never
 * blocks).
 */
struct lkljs_host_thread;
struct lkljs_host_thread *lkljs_this_thread(void);
void lkljs_interrupt(struct lkljs_host_thread *thread);

/*
 * The console tty (/dev/console), as a terminal's keyboard and screen.
 *
 * lkljs_console_input() types bytes: the kernel's line discipline echoes
 * them, edits lines, and turns ^C, ^Z and ^\ into signals for the
 * foreground process group. It returns how many bytes it took (fewer than
 * length only while 64 KiB typed earlier have not been read yet: type the
 * rest later). Any thread may call it; it never blocks.
 * lkljs_console_end_input(): the input has ended, as a pipe or file ends; from
 * then on a read that waits for more input sees the EOF character (^D).
 * lkljs_console_resize(): the window's new size (TIOCGWINSZ, SIGWINCH).
 * lkljs_console_set_output(): output() also gets the tty's output bytes,
 * unchanged, on the kernel thread that writes them (it must not make
 * system calls); NULL removes it.
 */
unsigned long lkljs_console_input(const void *bytes, unsigned long length);
void lkljs_console_end_input(void);
void lkljs_console_resize(unsigned int columns, unsigned int rows);
void lkljs_console_set_output(void (*output)(const char *bytes,
					     unsigned long length,
					     void *argument),
			      void *argument);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_LKLJS_H
#define _ASM_LKLJS_LKLJS_H

#include <linux/types.h>

/* Interrupt lines of the virtual CPU; the pending set is one word. */
#define LKLJS_TIMER_IRQ		0
/* Host threads have submitted calls (kernel/host_calls.c). */
#define LKLJS_HOST_CALL_IRQ	1
/* Wasm programs ask to enter the kernel (kernel/user.c). */
#define LKLJS_USER_ENTRY_IRQ	2
/* The host has typed into the console or resized it (kernel/console.c). */
#define LKLJS_CONSOLE_IRQ	3
#define LKLJS_NR_IRQS		4

/*
 * Function pointers below this many table slots would look like kfree_rcu()
 * offsets, so padding functions take them (arch/lkljs/kernel/sections.c).
 */
#define LKLJS_TABLE_PADDING	4096
bool lkljs_table_padding_holds(void);

struct pt_regs;
/* Every system call, whatever its arity (asm/syscall_wrapper.h). */
typedef long (*lkljs_syscall_fn)(const struct pt_regs *regs);
extern const lkljs_syscall_fn lkljs_syscall_table[];

void lkljs_raise_irq(unsigned int irq);
struct task_struct;
void lkljs_task_wait_for_cpu(struct task_struct *task);
/*
 * The free CPU (kernel/irq.c): while the idle task waits for an interrupt,
 * a program's thread may take the CPU on its own host thread
 * (lkljs_cpu_borrow, kernel/threads.c) and stand in for the idle task.
 */
bool lkljs_cpu_borrow(struct task_struct *self);
/* The task's thread, off the CPU, enters the kernel as the task. */
void lkljs_user_enter(struct task_struct *self);
bool lkljs_cpu_take_free(void);
void lkljs_cpu_free(void);
void lkljs_cpu_to_idle(bool finish_switch);
void lkljs_idle_switched_in(void);
/* The idle task's thread sleeps in arch_cpu_idle() while others run. */
extern bool lkljs_idle_parked;
/* Enters the program that the task has executed; does not return. */
void lkljs_user_run(struct task_struct *task) __attribute__((noreturn));
/*
 * Runs system call nr with its six argument slots as the current task, then
 * does what a return to user mode does for a host thread: task work,
 * signals (a host thread has no handler to run, so a caught signal is
 * dropped), the saved mask. -ERESTART* comes back as -EINTR: a host call is
 * cut short by an interrupt from the host on purpose.
 */
long lkljs_run_syscall(long nr, const long args[6]);
void lkljs_user_mode_work(void);
void lkljs_exit_to_user_mode(void);
/*
 * A program's system call (kernel/signal.c): runs it, then what the way back
 * to user mode does, with signal handlers and restarts. Number
 * LKLJS_USER_POLL is no call: the program's loop check found work pending
 * (signals) and enters only for that.
 */
#define LKLJS_USER_POLL		(-1)
long lkljs_user_run_syscall(long nr, const long args[6]);
long lkljs_user_return(long result);
/* The bytes a program's signal frame area takes (kernel/signal.c). */
#define LKLJS_SIGFRAME_AREA	256
struct kernel_clone_args;
/*
 * clone() from a program (kernel/user.c): copies the caller's memory for
 * the child, whose thread then starts the program's clone callback; or
 * -ENOSYS without a child stack (fork, vfork), -EINVAL for sharing.
 */
int lkljs_user_clone_prepare(struct task_struct *child,
			     const struct kernel_clone_args *args);
/* The child will not run after all: frees what the preparation made. */
void lkljs_user_clone_cancel(struct task_struct *child);
/* The host's way to start a program as a child of the caller. */
long lkljs_spawn_program(const char *path, const char *const *argv,
		 const char *const *envp, const int *fds);
/*
 * A host thread's task (kernel/host_calls.c), whose thread is the host
 * thread that makes the calls: it leaves the kernel by a throw even at its
 * end. When it first leaves the CPU, its own host thread posts the
 * semaphore returned here, then ends.
 */
bool lkljs_is_host_thread_task(struct task_struct *task);
struct lkljs_host_sem *lkljs_host_thread_task_leaves(struct task_struct *task);
struct linux_binprm;
/* Keeps the exec's argv and envp for /proc/PID/cmdline and environ. */
int lkljs_keep_exec_arguments(struct linux_binprm *bprm);
/* The host's process (PID 1 or lkljs-host) serves host calls from now on. */
void lkljs_host_process_handover(void) __attribute__((noreturn));
bool lkljs_is_host_process(struct task_struct *task);
void lkljs_threads_init(void);
void lkljs_console_emergency_flush(void);
void lkljs_setup_memory(void *memory, unsigned long size);
void lkljs_set_initrd(void *initrd, unsigned long size);
void lkljs_reserve_initrd(void);

#endif

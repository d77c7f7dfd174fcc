/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_PROCESSOR_H
#define _ASM_LKLJS_PROCESSOR_H

#include <asm/ptrace.h>

struct lkljs_host_sem;

/*
 * A task's "CPU state" is its host thread, parked on sched_sem whenever
 * another task owns the CPU.
 */
struct thread_struct {
	struct lkljs_host_sem *sched_sem;
	int (*entry)(void *);
	void *entry_argument;
	/* Arguments and result of the system call the task is making. */
	struct pt_regs regs;
	/*
	 * A wasm program runs on the task's host thread, in a memory of its
	 * own (kernel/user.c); user copies go there (kernel/uaccess.c).
	 */
	int user_program;
	/* Going back to user mode: __switch_to() must not wait for the CPU. */
	int leaving_for_user;
	/* Link in the list of tasks whose program asks to enter the kernel. */
	struct task_struct *entry_next;
	/*
	 * Where in the program's memory a signal frame is written (placed by
	 * the exec after the initial process block; a clone child's copy of
	 * the memory has it at the same address), or 0 (kernel/signal.c).
	 */
	unsigned long signal_frame;
};

#define task_pt_regs(task)	(&(task)->thread.regs)

#define INIT_THREAD { }

/* Without an MMU every task shares the one address space. */
#define TASK_SIZE		(0xffffffffUL)
#define TASK_UNMAPPED_BASE	0
#define STACK_TOP		TASK_SIZE
#define STACK_TOP_MAX		STACK_TOP

/*
 * A CPU spinning with interrupts enabled takes them as they come; here that
 * means handling the pending ones, or a loop waiting for jiffies would spin
 * forever.
 */
void lkljs_cpu_relax(void);
#define cpu_relax()		lkljs_cpu_relax()

#define KSTK_EIP(tsk)		(0)
#define KSTK_ESP(tsk)		(0)

struct task_struct;
unsigned long __get_wchan(struct task_struct *p);

#define prepare_to_copy(tsk)	do { } while (0)

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tasks as host threads. wasm cannot switch stacks, so every kernel task
 * owns a host thread and a semaphore; switching to a task posts its
 * semaphore and parks the previous one on its own. Exactly one host thread
 * executes kernel code at any time, which is what makes this one CPU.
 */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

struct task_struct *lkljs_current_task = &init_task;

/* The generic linker script would carve this out of the init section. */
unsigned long init_stack[THREAD_SIZE / sizeof(unsigned long)]
	__aligned(THREAD_SIZE);

/*
 * The task that ran before the one now resuming. Written by the switching
 * task just before it posts the next one's semaphore and read by that next
 * task right after it wakes, so one variable serves every switch.
 */
static struct task_struct *lkljs_switched_from;

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	struct lkljs_host_sem *prev_sem = prev->thread.sched_sem;
	/* A dead task is switched away from for the last time. */
	bool prev_is_dead = READ_ONCE(prev->__state) == TASK_DEAD;

	/*
	 * A task returning to its program does not wait for the CPU: its host
	 * thread leaves the kernel (the host throws up to the program's frames)
	 * and comes back through lkljs_task_wait_for_cpu() on its next call.
	 */
	if (prev->thread.leaving_for_user) {
		prev->thread.leaving_for_user = 0;
		lkljs_switched_from = prev;
		lkljs_current_task = next;
		lkljs_host_sem_up(next->thread.sched_sem);
		lkljs_host_user_leave();
	}

	lkljs_switched_from = prev;
	lkljs_current_task = next;
	lkljs_host_sem_up(next->thread.sched_sem);

	if (prev_is_dead) {
		/* prev's task_struct may be freed from now on; touch only locals. */
		lkljs_host_sem_free(prev_sem);
		lkljs_host_thread_exit();
	}

	lkljs_host_sem_down(prev_sem);
	return lkljs_switched_from;
}

/*
 * The host thread of a task that is off the CPU (parked in __switch_to, new,
 * or in user mode) waits until the scheduler hands the CPU to its task, and
 * finishes the switch as the task that now runs.
 */
void lkljs_task_wait_for_cpu(struct task_struct *task)
{
	lkljs_host_sem_down(task->thread.sched_sem);
	schedule_tail(lkljs_switched_from);
}

static void lkljs_task_thread(void *argument)
{
	struct task_struct *task = argument;

	lkljs_task_wait_for_cpu(task);

	task->thread.entry(task->thread.entry_argument);
	/*
	 * Kernel threads end in do_exit(). Only a user-mode thread returns,
	 * after a successful exec, to enter user mode: a wasm program runs on
	 * this host thread (kernel/user.c), and the "user mode" of the process
	 * that executed the host program is the host (kernel/host_calls.c).
	 */
	if (task->thread.user_program) {
		/* A milestone of the boot log (the site's boot timeline). */
		if (task_pid_nr(task) == 1)
			pr_info("lkljs: PID 1 (%s) enters user mode\n", task->comm);
		lkljs_user_run(task);
	}
	if (lkljs_is_host_process(task))
		lkljs_host_process_handover();
	panic("lkljs: task %s returned to a user mode that does not exist",
	      task->comm);
}

int copy_thread(struct task_struct *p, const struct kernel_clone_args *args)
{
	int err;

	/* A child runs no program until it executes one (or its clone starts). */
	p->thread.user_program = 0;
	p->thread.leaving_for_user = 0;
	p->thread.entry_next = NULL;
	if (args->fn) {
		p->thread.entry = args->fn;
		p->thread.entry_argument = args->fn_arg;
	} else {
		/* clone() from a program: the child starts in a callback. */
		err = lkljs_user_clone_prepare(p, args);
		if (err)
			return err;
	}
	err = -ENOMEM;
	p->thread.sched_sem = lkljs_host_sem_alloc(0);
	if (!p->thread.sched_sem)
		goto fail;

	err = -EAGAIN;
	if (lkljs_host_thread_create(lkljs_task_thread, p)) {
		lkljs_host_sem_free(p->thread.sched_sem);
		p->thread.sched_sem = NULL;
		goto fail;
	}
	return 0;
fail:
	if (!args->fn)
		lkljs_user_clone_cancel(p);
	return err;
}

void lkljs_threads_init(void)
{
	init_task.thread.sched_sem = lkljs_host_sem_alloc(0);
	if (!init_task.thread.sched_sem)
		lkljs_host_exit(3);
}

void flush_thread(void)
{
}

unsigned long __get_wchan(struct task_struct *p)
{
	return 0;
}

void show_regs(struct pt_regs *regs)
{
	show_regs_print_info(KERN_DEFAULT);
}

/* wasm cannot walk its own call stack. */
void show_stack(struct task_struct *task, unsigned long *stack,
		const char *loglvl)
{
	printk("%sCall trace: not available under WebAssembly\n", loglvl);
}

/* There are no user-mode registers to inspect or single-step. */
void ptrace_disable(struct task_struct *child)
{
}

long arch_ptrace(struct task_struct *child, long request, unsigned long addr,
		 unsigned long data)
{
	return ptrace_request(child, request, addr, data);
}

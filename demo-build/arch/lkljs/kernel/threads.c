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
#include <asm/host.h>
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

static void lkljs_task_thread(void *argument)
{
	struct task_struct *task = argument;

	lkljs_host_sem_down(task->thread.sched_sem);
	schedule_tail(lkljs_switched_from);

	task->thread.entry(task->thread.entry_argument);
	/*
	 * Kernel threads end in do_exit(). Only a user-mode thread returns,
	 * after a successful exec, to enter user mode: the only one is PID 1,
	 * whose "user mode" is the host program.
	 */
	if (task_pid_nr(task) == 1)
		lkljs_init_handover();
	panic("lkljs: task %s returned to a user mode that does not exist",
	      task->comm);
}

int copy_thread(struct task_struct *p, const struct kernel_clone_args *args)
{
	if (!args->fn) {
		pr_warn_once("lkljs: fork without a thread function is not supported\n");
		return -EINVAL;
	}

	p->thread.entry = args->fn;
	p->thread.entry_argument = args->fn_arg;
	p->thread.sched_sem = lkljs_host_sem_alloc(0);
	if (!p->thread.sched_sem)
		return -ENOMEM;

	if (lkljs_host_thread_create(lkljs_task_thread, p)) {
		lkljs_host_sem_free(p->thread.sched_sem);
		p->thread.sched_sem = NULL;
		return -EAGAIN;
	}
	return 0;
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

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
#include <linux/irqflags.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

struct task_struct *lkljs_current_task = &init_task;

/* The idle loop's call into the scheduler (kernel/sched/sched.h). */
void schedule_idle(void);

/* The generic linker script would carve this out of the init section. */
unsigned long init_stack[THREAD_SIZE / sizeof(unsigned long)]
	__aligned(THREAD_SIZE);

/*
 * The task that ran before the one now resuming. Written by the switching
 * task just before it posts the next one's semaphore and read by that next
 * task right after it wakes, so one variable serves every switch.
 */
static struct task_struct *lkljs_switched_from;

/*
 * A program's thread that took the free CPU (lkljs_cpu_borrow) and stands
 * in for the idle task until the switch to its own task.
 */
static struct task_struct *lkljs_borrower;
/*
 * The idle task was switched out by a borrower, or is current but stood in
 * for, so its thread still sleeps in arch_cpu_idle() rather than on its
 * scheduling semaphore. Cleared when that thread owns the CPU again.
 */
bool lkljs_idle_parked;

/*
 * The idle task is next, and its thread sleeps in arch_cpu_idle() (it was
 * parked by a borrower): rather than wake that thread, this one finishes
 * the switch as the idle task would and, unless that made work, frees the
 * CPU with the idle task waiting, as it was when the CPU was borrowed.
 * This thread then goes on as its own task: back to its program, to sleep
 * until its task runs again, or to its end.
 */
static void lkljs_idle_stand_in(void)
{
	schedule_tail(lkljs_switched_from);
	/* The idle task waits with interrupts disabled. */
	raw_local_irq_disable();
	if (need_resched()) {
		lkljs_idle_parked = false;
		lkljs_cpu_to_idle(false);
	} else {
		lkljs_cpu_free();
	}
}

/* Hands the CPU to next, whose host thread waits for it. */
static void lkljs_hand_over(struct task_struct *next)
{
	if (is_idle_task(next) && lkljs_idle_parked)
		lkljs_idle_stand_in();
	else
		lkljs_host_sem_up(next->thread.sched_sem);
}

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	/* The task whose host thread this is. */
	struct task_struct *own = prev;
	struct lkljs_host_sem *own_sem;
	/* A dead task is switched away from for the last time. */
	bool prev_is_dead = READ_ONCE(prev->__state) == TASK_DEAD;
	/* Its thread is a host thread that makes calls: it ends by a throw. */
	bool host_thread = lkljs_is_host_thread_task(prev);

	if (lkljs_borrower) {
		/* prev is the idle task, whose own thread sleeps on. */
		own = lkljs_borrower;
		lkljs_borrower = NULL;
		lkljs_idle_parked = true;
	}
	own_sem = own->thread.sched_sem;
	lkljs_switched_from = prev;
	lkljs_current_task = next;
	/* A borrower switching to its own task: nothing to hand over. */
	if (next == own)
		return prev;

	/*
	 * A task returning to its program does not wait for the CPU: its host
	 * thread leaves the kernel (the host throws up to the program's frames)
	 * and comes back through lkljs_user_enter() on its next call.
	 */
	if (prev->thread.leaving_for_user) {
		struct lkljs_host_sem *post = host_thread ?
			lkljs_host_thread_task_leaves(prev) : NULL;

		prev->thread.leaving_for_user = 0;
		lkljs_hand_over(next);
		/* The CPU is handed over: from here on, touch only locals. */
		if (post) {
			lkljs_host_sem_up(post);
			lkljs_host_thread_exit();
		}
		lkljs_host_user_leave();
	}

	lkljs_hand_over(next);

	if (prev_is_dead) {
		/* prev's task_struct may be freed from now on; touch only locals. */
		lkljs_host_sem_free(own_sem);
		if (host_thread)
			lkljs_host_user_leave();
		lkljs_host_thread_exit();
	}

	lkljs_host_sem_down(own_sem);
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

/* The idle task's thread, handed the CPU in arch_cpu_idle(), resumes. */
void lkljs_idle_switched_in(void)
{
	schedule_tail(lkljs_switched_from);
}

/*
 * On the host thread of task self, off the CPU (in user mode): if the CPU
 * is free, take it here and switch to self, as the idle task would after
 * an interrupt woke self up. The switch may go to another task that is
 * runnable; this thread then waits for self's turn in __switch_to. Returns
 * false, without the CPU, if another thread owns it.
 */
bool lkljs_cpu_borrow(struct task_struct *self)
{
	if (!lkljs_cpu_take_free())
		return false;
	/* Now the idle task in arch_cpu_idle(), interrupts disabled. */
	lkljs_borrower = self;
	wake_up_process(self);
	/* Pending interrupts first, as the idle task would take them. */
	raw_local_irq_enable();
	schedule_idle();
	if (!lkljs_borrower)
		return true;
	/* Nothing to switch to (self was not asleep): still the idle task. */
	lkljs_borrower = NULL;
	raw_local_irq_disable();
	lkljs_cpu_free();
	return false;
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
	if ((args->kthread ? lkljs_host_kernel_thread_create :
	     lkljs_host_thread_create)(lkljs_task_thread, p)) {
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

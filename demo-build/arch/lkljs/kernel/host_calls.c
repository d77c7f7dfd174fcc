// SPDX-License-Identifier: GPL-2.0-only
/*
 * System calls from host threads, library-OS style.
 *
 * A host thread runs kernel code only as a task that owns the CPU
 * (kernel/threads.c). So each host thread that makes system calls is served
 * by a kernel task of its own, a thread of the host's process
 * (CLONE_THREAD | CLONE_FILES | CLONE_FS ...). Once created, the task's own
 * host thread ends, and the host thread that makes the calls becomes the
 * task's thread, as a program's thread is its task's: a call enters the
 * kernel on the caller's thread (lkljs_call_on_caller), which takes the CPU
 * itself if it is free (lkljs_cpu_borrow), runs the call, then what a
 * return to user mode would do (task work, signals), and leaves as a
 * program does, the host throwing up to the caller's frames. A host
 * thread's first call (LKLJS_CALL_NEW_THREAD), and calls of the host
 * process's main thread, are served by the main task from a queue:
 *
 *   host thread:  lkljs_call_submit(call)  - push on a lock-free list,
 *                                            raise LKLJS_HOST_CALL_IRQ
 *   interrupt:    move each call to its task's queue, wake the task up
 *   task:         run the call, post call->done
 *   host thread:  wakes on call->done with call->result
 *
 * The threads belong to the host's process. Its main thread serves the
 * host and creates the other threads; it is a process that executed
 * /sbin/lkljs-host, whose first line a binary format of the port
 * recognises: once the exec is through, the process's "user mode" is the
 * host program (lkljs_host_process_handover). Two arrangements:
 *
 *  - PID 1 is a real program (/init, the usual case). Once it has set the
 *    machine up it writes to /proc/lkljs/start-host, and the kernel starts
 *    the host's process, "lkljs-host", as a helper like a usermode helper:
 *    a child of kthreadd with /dev/console as its standard files.
 *  - PID 1 is the host's process itself (rdinit=/sbin/lkljs-host, which
 *    the self-test suite uses, since its cases test PID 1's threads).
 *
 * /proc/lkljs/halt-status takes the status the host exits with when the
 * machine halts (PID 1 writes its shell's before halting).
 */
#include <linux/binfmts.h>
#include <linux/errno.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/resume_user_mode.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>
#include <asm/unistd.h>

/* The first bytes of the rootfs file that stands for the host program. */
#define LKLJS_INIT_MAGIC "#!lkljs-host"
#define LKLJS_HOST_PROGRAM "/sbin/lkljs-host"

/* The kernel side of a host thread: the task that serves it. */
struct lkljs_task {
	struct task_struct *task;
	/* Calls to run, in submission order; touched with interrupts off. */
	struct lkljs_host_call *first, *last;
	/* The call that made this task (answered once the task leaves the CPU). */
	struct lkljs_host_call *creation;
	/* A system call is running; an interrupt may cut it short. */
	bool in_call;
};

static struct lkljs_task lkljs_host_main_task;

/* Submitted by host threads, newest first; taken whole by the interrupt. */
static struct lkljs_host_call *lkljs_submitted_calls;

void lkljs_call_submit(struct lkljs_host_call *call)
{
	struct lkljs_host_call *head =
		__atomic_load_n(&lkljs_submitted_calls, __ATOMIC_RELAXED);

	do {
		call->next = head;
	} while (!__atomic_compare_exchange_n(&lkljs_submitted_calls, &head,
					      call, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	lkljs_raise_irq(LKLJS_HOST_CALL_IRQ);
}

static irqreturn_t lkljs_host_call_interrupt(int irq, void *dev_id)
{
	struct lkljs_host_call *calls, *call, *in_order = NULL;

	calls = __atomic_exchange_n(&lkljs_submitted_calls, NULL,
				    __ATOMIC_ACQUIRE);
	/* The list is newest first; serve each task's calls oldest first. */
	while (calls) {
		call = calls;
		calls = call->next;
		call->next = in_order;
		in_order = call;
	}

	while (in_order) {
		struct lkljs_task *target;

		call = in_order;
		in_order = call->next;
		target = call->task ?: &lkljs_host_main_task;

		if (call->nr == LKLJS_CALL_INTERRUPT) {
			if (target->in_call)
				set_notify_signal(target->task);
			/* The host may submit it again from now on. */
			__atomic_store_n(&call->queued, 0, __ATOMIC_RELEASE);
			continue;
		}

		call->next = NULL;
		if (target->last)
			target->last->next = call;
		else
			target->first = call;
		target->last = call;
		wake_up_process(target->task);
	}
	return IRQ_HANDLED;
}

static void lkljs_call_complete(struct lkljs_host_call *call, long result)
{
	call->result = result;
	/* The host may free the call as soon as done is posted. */
	lkljs_host_sem_up(call->done);
}

static struct lkljs_host_call *lkljs_next_call(struct lkljs_task *self)
{
	struct lkljs_host_call *call;

	for (;;) {
		/* Not woken by signals: only a call ends this sleep. */
		set_current_state(TASK_IDLE);
		local_irq_disable();
		call = self->first;
		if (call) {
			self->first = call->next;
			if (!self->first)
				self->last = NULL;
		}
		local_irq_enable();
		if (call)
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return call;
}

/*
 * The part of the way back to user mode that comes before signals: task
 * work and resume work. Shared by host threads' calls (below), programs'
 * calls (kernel/signal.c) and a program's start (kernel/user.c).
 */
void lkljs_user_mode_work(void)
{
	if (test_thread_flag(TIF_NOTIFY_SIGNAL)) {
		clear_notify_signal();
		if (task_work_pending(current))
			task_work_run();
	}
	if (test_thread_flag(TIF_NOTIFY_RESUME))
		resume_user_mode_work(task_pt_regs(current));
}

/*
 * What the way back to user mode does on a real machine, for a host
 * thread's call. Signals with a handler are dropped: a host thread has no
 * handler the kernel could run.
 */
void lkljs_exit_to_user_mode(void)
{
	lkljs_user_mode_work();
	if (test_thread_flag(TIF_SIGPENDING)) {
		struct ksignal signal;

		while (get_signal(&signal))
			;
	}
	restore_saved_sigmask();
}

long lkljs_run_syscall(long nr, const long args[6])
{
	struct pt_regs *regs = task_pt_regs(current);
	long result;

	if (nr < 0 || nr >= __NR_syscalls)
		return -ENOSYS;

	regs->regs.syscall_nr = nr;
	memcpy(regs->regs.args, args, sizeof(regs->regs.args));
	/*
	 * -ERESTARTNOINTR is restarted whatever happened to the signal (Linux
	 * does so even after a handler ran): clone returns it when a signal
	 * arrives while it copies the caller, and fork never fails with EINTR.
	 * The signal has been dealt with by then, so the call goes through.
	 */
	do {
		result = lkljs_syscall_table[nr](regs);
		regs->regs.return_value = result;
		lkljs_exit_to_user_mode();
	} while (result == -ERESTARTNOINTR);

	/*
	 * With no signal handler to run, a real machine would restart these
	 * transparently; here only an interrupt from the host or a signal
	 * cuts a sleep short, and the caller is told so.
	 */
	switch (result) {
	case -ERESTARTSYS:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		result = -EINTR;
		break;
	}
	return result;
}

static long lkljs_run_host_call(struct lkljs_task *self,
				struct lkljs_host_call *call)
{
	long result;

	self->in_call = true;
	result = lkljs_run_syscall(call->nr, call->args);
	self->in_call = false;
	return result;
}

static int lkljs_thread_task_main(void *argument);

static void lkljs_new_thread(struct lkljs_host_call *call)
{
	struct lkljs_task *thread = kzalloc(sizeof(*thread), GFP_KERNEL);
	struct kernel_clone_args args = {
		/* A thread of the host's process: one file table, cwd and signal set. */
		.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			 CLONE_THREAD | CLONE_SYSVSEM,
		.exit_signal = 0,
		.fn = lkljs_thread_task_main,
		.fn_arg = thread,
	};
	pid_t pid;

	if (!thread) {
		lkljs_call_complete(call, -ENOMEM);
		return;
	}
	thread->creation = call;
	pid = kernel_clone(&args);
	if (pid < 0) {
		kfree(thread);
		lkljs_call_complete(call, pid);
	}
	/* Otherwise the new thread answers once it runs. */
}

/* The host process's main task: its own calls and new threads' first. */
static void lkljs_serve(struct lkljs_task *self)
{
	for (;;) {
		struct lkljs_host_call *call = lkljs_next_call(self);

		switch (call->nr) {
		case LKLJS_CALL_NEW_THREAD:
			lkljs_new_thread(call);
			break;
		case LKLJS_CALL_EXIT:
			/* The host's process ends only with the machine. */
			lkljs_call_complete(call, -EPERM);
			break;
		case LKLJS_CALL_SPAWN:
			lkljs_call_complete(call, lkljs_spawn_program(
				(const char *)call->args[0],
				(const char *const *)call->args[1],
				(const char *const *)call->args[2],
				(const int *)call->args[3]));
			break;
		default:
			lkljs_call_complete(call, lkljs_run_host_call(self, call));
			break;
		}
		/* The kernel is cooperative: let woken tasks run between calls. */
		cond_resched();
	}
}

/*
 * A new thread's task answers the call that made it and leaves for "user
 * mode", the host thread that asked for it: its own host thread ends once
 * the task is off the CPU, and posts the answer only then, so that the
 * caller cannot enter the task while it still runs here.
 */
static int lkljs_thread_task_main(void *argument)
{
	struct lkljs_task *self = argument;

	self->task = current;
	self->creation->result = (long)self;
	/* self->creation is answered by lkljs_host_thread_task_leaves(). */
	lkljs_user_leave();
	/* Not reached: __switch_to() ended this task's own host thread. */
	return 0;
}

bool lkljs_is_host_thread_task(struct task_struct *task)
{
	return task->thread.entry == lkljs_thread_task_main;
}

struct lkljs_host_sem *lkljs_host_thread_task_leaves(struct task_struct *task)
{
	struct lkljs_task *self = task->thread.entry_argument;
	struct lkljs_host_call *creation = self->creation;

	self->creation = NULL;
	return creation ? creation->done : NULL;
}

/*
 * A call of a host thread whose task exists, on that host thread: the
 * thread enters the kernel as its task, runs the call and leaves as a
 * program's thread does (kernel/user.c); the result is in call->result.
 */
void lkljs_call_on_caller(struct lkljs_host_call *call)
{
	struct lkljs_task *self = call->task;

	lkljs_user_enter(self->task);
	switch (call->nr) {
	case LKLJS_CALL_EXIT:
		call->result = 0;
		kfree(self);
		/* The last switch away from the task throws to the caller. */
		do_exit(0);
	case LKLJS_CALL_SPAWN:
		call->result = lkljs_spawn_program(
			(const char *)call->args[0],
			(const char *const *)call->args[1],
			(const char *const *)call->args[2],
			(const int *)call->args[3]);
		break;
	case LKLJS_CALL_NEW_THREAD:
		call->result = -EINVAL;
		break;
	default:
		call->result = lkljs_run_host_call(self, call);
		break;
	}
	lkljs_user_leave();
}

/* The process that executed the host program; set once. */
static struct task_struct *lkljs_host_process;
/* The helper task that is executing the host program for /proc/lkljs. */
static struct task_struct *lkljs_host_process_starting;

bool lkljs_is_host_process(struct task_struct *task)
{
	return task == READ_ONCE(lkljs_host_process);
}

/*
 * The host's process has executed the host program and returned, which on
 * a real machine would enter user mode: its main thread serves the host
 * from now on.
 */
void lkljs_host_process_handover(void)
{
	lkljs_host_main_task.task = current;
	pr_info("lkljs: PID %d (%s) handed over to the host\n",
		task_pid_nr(current), current->comm);
	lkljs_host_process_ready(task_pid_nr(current));
	lkljs_serve(&lkljs_host_main_task);
	panic("lkljs: the host's process stopped serving the host");
}

/* Recognises the host program and makes the exec of it succeed. */
static int lkljs_load_init(struct linux_binprm *binary)
{
	int err;

	/* Only PID 1 or the helper started for it, and only once. */
	if (memcmp(binary->buf, LKLJS_INIT_MAGIC, sizeof(LKLJS_INIT_MAGIC) - 1) ||
	    lkljs_host_process ||
	    !(is_global_init(current) || current == lkljs_host_process_starting))
		return -ENOEXEC;

	err = begin_new_exec(binary);
	if (err)
		return err;
	setup_new_exec(binary);
	/* So that ps shows "lkljs-host" rather than an empty command line. */
	err = lkljs_keep_exec_arguments(binary);
	if (err)
		return err;
	finalize_exec(binary);
	WRITE_ONCE(lkljs_host_process, current);
	return 0;
}

static struct linux_binfmt lkljs_init_format = {
	.load_binary = lkljs_load_init,
};

/*
 * The helper that becomes the host's process: like console_on_rootfs() for
 * init, /dev/console as its descriptors 0, 1 and 2, then the exec.
 */
static int lkljs_host_process_start(void *unused)
{
	static const char *const argv[] = { "lkljs-host", NULL };
	static const char *const envp[] = { "HOME=/", "TERM=linux", NULL };
	struct file *console = filp_open("/dev/console", O_RDWR, 0);
	int i, err;

	if (IS_ERR(console)) {
		err = PTR_ERR(console);
		goto fail;
	}
	for (i = 0; i < 3; i++) {
		int fd = get_unused_fd_flags(0);

		if (fd < 0) {
			fput(console);
			err = fd;
			goto fail;
		}
		fd_install(fd, get_file(console));
	}
	fput(console);
	/*
	 * A kworker's child ignores every signal, and exec keeps ignored
	 * ones; as for a usermode helper, start from the defaults (with
	 * SIGCHLD ignored, the host could not wait4 for its children).
	 */
	spin_lock_irq(&current->sighand->siglock);
	flush_signal_handlers(current, 1);
	spin_unlock_irq(&current->sighand->siglock);
	lkljs_host_process_starting = current;
	err = kernel_execve(LKLJS_HOST_PROGRAM, argv, envp);
	lkljs_host_process_starting = NULL;
	if (!err)
		return 0;
fail:
	pr_err("lkljs: cannot start the host's process (%s): error %d\n",
	       LKLJS_HOST_PROGRAM, err);
	do_exit(0);
}

static void lkljs_host_process_create(struct work_struct *unused)
{
	/* From a kworker with CLONE_PARENT: a child of kthreadd. */
	pid_t pid = user_mode_thread(lkljs_host_process_start, NULL,
				     CLONE_PARENT | SIGCHLD);

	if (pid < 0)
		pr_err("lkljs: cannot create the host's process: error %d\n", pid);
}
static DECLARE_WORK(lkljs_host_process_work, lkljs_host_process_create);

static ssize_t lkljs_start_host_write(struct file *file, const char __user *text,
				      size_t count, loff_t *position)
{
	static bool requested;

	if (xchg(&requested, true) || READ_ONCE(lkljs_host_process))
		return -EBUSY;
	schedule_work(&lkljs_host_process_work);
	return count;
}

static const struct proc_ops lkljs_start_host_ops = {
	.proc_write	= lkljs_start_host_write,
	.proc_lseek	= noop_llseek,
};

static ssize_t lkljs_halt_status_write(struct file *file, const char __user *text,
				       size_t count, loff_t *position)
{
	int status, err = kstrtoint_from_user(text, count, 10, &status);

	if (err)
		return err;
	if (status < 0 || status > 255)
		return -ERANGE;
	lkljs_host_set_halt_status(status);
	return count;
}

static const struct proc_ops lkljs_halt_status_ops = {
	.proc_write	= lkljs_halt_status_write,
	.proc_lseek	= noop_llseek,
};

static int __init lkljs_host_calls_init(void)
{
	struct proc_dir_entry *directory;
	int err = request_irq(LKLJS_HOST_CALL_IRQ, lkljs_host_call_interrupt,
			      0, "host calls", NULL);

	if (err)
		return err;
	register_binfmt(&lkljs_init_format);
	directory = proc_mkdir("lkljs", NULL);
	if (!directory ||
	    !proc_create("start-host", 0200, directory, &lkljs_start_host_ops) ||
	    !proc_create("halt-status", 0200, directory, &lkljs_halt_status_ops))
		return -ENOMEM;
	return 0;
}
core_initcall(lkljs_host_calls_init);

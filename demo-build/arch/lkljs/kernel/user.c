// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wasm programs: the binary format, user mode, faults, and the host's way
 * to start a program (the user-program ABI is in demo-build/README.md).
 *
 * A program runs on its task's own host thread, in a WebAssembly.Memory of
 * its own. In user mode the thread holds no CPU: to the scheduler the task
 * sleeps (TASK_IDLE, so that no signal hands the CPU to a thread that is
 * busy in user code), and the kernel's other tasks run meanwhile. A system
 * call from the program enters the kernel on that same thread:
 *
 *   lkljs_user_syscall()  push the task on a lock-free list and raise
 *                         LKLJS_USER_ENTRY_IRQ, whose handler wakes it up;
 *                         wait until the scheduler gives it the CPU
 *                         (lkljs_task_wait_for_cpu), run the call through
 *                         the syscall table and the return-to-user work
 *   lkljs_user_leave()    sleep in TASK_IDLE and schedule(); __switch_to()
 *                         hands the CPU on and, instead of waiting for it
 *                         back, has the host throw up to the program's
 *                         frames, which take the result and go on
 *
 * exec replaces the thread's program (the host throws past the old
 * program's frames and calls the new _start); exit ends the thread; a trap
 * in user code comes back as lkljs_user_fault(), a fatal signal.
 */
#include <linux/auxvec.h>
#include <linux/binfmts.h>
#include <linux/completion.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

#define LKLJS_WASM_PAGE		65536UL
/* ABI: a program's memory is at most 256 MiB. */
#define LKLJS_USER_MAX_PAGES	4096UL
/* A module is handed to the host in pieces of this size. */
#define LKLJS_IMAGE_CHUNK	(64 * 1024)
#define LKLJS_IMAGE_MAX		(64UL << 20)

/* Tasks whose program asks to enter the kernel; newest first. */
static struct task_struct *lkljs_entering;

static irqreturn_t lkljs_user_entry_interrupt(int irq, void *dev_id)
{
	struct task_struct *task =
		__atomic_exchange_n(&lkljs_entering, NULL, __ATOMIC_ACQUIRE);

	while (task) {
		struct task_struct *next = task->thread.entry_next;

		wake_up_process(task);
		task = next;
	}
	return IRQ_HANDLED;
}

/* On the task's host thread, without the CPU: take it as this task. */
static void lkljs_user_enter(struct task_struct *self)
{
	struct task_struct *head =
		__atomic_load_n(&lkljs_entering, __ATOMIC_RELAXED);

	do {
		self->thread.entry_next = head;
	} while (!__atomic_compare_exchange_n(&lkljs_entering, &head, self,
					      true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	lkljs_raise_irq(LKLJS_USER_ENTRY_IRQ);
	lkljs_task_wait_for_cpu(self);
}

void lkljs_user_leave(void)
{
	struct task_struct *self = current;

	for (;;) {
		self->thread.leaving_for_user = 1;
		set_current_state(TASK_IDLE);
		schedule();
		/* Woken before it was switched out: still on the CPU. */
		self->thread.leaving_for_user = 0;
	}
}

void lkljs_user_syscall(struct task_struct *self, long nr, long a0, long a1,
			long a2, long a3, long a4, long a5)
{
	const long args[6] = { a0, a1, a2, a3, a4, a5 };

	lkljs_user_enter(self);
	task_pt_regs(self)->regs.return_value = lkljs_run_syscall(nr, args);
	lkljs_user_leave();
}

long *lkljs_user_result_slot(struct task_struct *task)
{
	return (long *)&task_pt_regs(task)->regs.return_value;
}

void lkljs_user_fault(struct task_struct *self, int signal)
{
	lkljs_user_enter(self);
	pr_info("lkljs: %s[%d] trapped in user code: signal %d\n",
		current->comm, task_pid_nr(current), signal);
	force_sig(signal);
	lkljs_exit_to_user_mode();
	/* A handler would run here; programs cannot have one yet. */
	do_group_exit(signal);
}

void lkljs_user_run(struct task_struct *task)
{
	/* As on the way out of any system call: the exec's may be pending. */
	lkljs_exit_to_user_mode();
	lkljs_host_user_run(task);
}

/*
 * The initial process block (ABI §3), built in kernel memory and copied to
 * pages appended to the program's memory: argc, argv[], NULL, envp[], NULL,
 * auxv pairs up to AT_NULL, AT_RANDOM's 16 bytes, then the strings.
 */
#define LKLJS_AUXV_PAIRS 11

static int lkljs_user_start_block(struct linux_binprm *bprm)
{
	const unsigned long strings_top =
		PAGE_SIZE * MAX_ARG_PAGES - sizeof(void *);
	unsigned long strings_length = strings_top - bprm->p;
	unsigned long words = 1 + bprm->argc + 1 + bprm->envc + 1 +
			      2 * LKLJS_AUXV_PAIRS;
	unsigned long size = words * sizeof(u32) + 16 + strings_length;
	unsigned long pages = DIV_ROUND_UP(size, LKLJS_WASM_PAGE);
	unsigned long base, strings, random, position, offset;
	struct mm_struct *mm = current->mm;
	u32 *block, *word;
	char *text;
	long old_pages;
	int i, err = 0;

	block = kvzalloc(size, GFP_KERNEL);
	if (!block)
		return -ENOMEM;
	old_pages = lkljs_host_user_memory_grow(pages);
	if (old_pages < 0) {
		err = old_pages;
		goto out;
	}
	base = old_pages * LKLJS_WASM_PAGE;
	random = base + words * sizeof(u32);
	strings = random + 16;

	/* The strings, as copy_strings() left them in the argument pages. */
	text = (char *)block + (strings - base);
	for (position = bprm->p; position < strings_top; position += offset) {
		offset = min(PAGE_SIZE - position % PAGE_SIZE,
			     strings_top - position);
		memcpy(text + (position - bprm->p),
		       page_address(bprm->page[position / PAGE_SIZE]) +
		       position % PAGE_SIZE, offset);
	}

	word = block;
	*word++ = bprm->argc;
	offset = 0;
	mm->arg_start = strings;
	for (i = 0; i < bprm->argc; i++) {
		*word++ = strings + offset;
		offset += strnlen(text + offset, strings_length - offset) + 1;
	}
	*word++ = 0;
	mm->arg_end = mm->env_start = strings + offset;
	for (i = 0; i < bprm->envc; i++) {
		*word++ = strings + offset;
		offset += strnlen(text + offset, strings_length - offset) + 1;
	}
	*word++ = 0;
	mm->env_end = strings + offset;

#define LKLJS_AUX(type, value) do { *word++ = (type); *word++ = (value); } while (0)
	LKLJS_AUX(AT_PAGESZ, PAGE_SIZE);
	LKLJS_AUX(AT_CLKTCK, CLOCKS_PER_SEC);
	LKLJS_AUX(AT_UID, from_kuid_munged(current_user_ns(), current_uid()));
	LKLJS_AUX(AT_EUID, from_kuid_munged(current_user_ns(), current_euid()));
	LKLJS_AUX(AT_GID, from_kgid_munged(current_user_ns(), current_gid()));
	LKLJS_AUX(AT_EGID, from_kgid_munged(current_user_ns(), current_egid()));
	LKLJS_AUX(AT_SECURE, bprm->secureexec);
	LKLJS_AUX(AT_HWCAP, 0);
	LKLJS_AUX(AT_RANDOM, random);
	/* The file name exec was given, copied first and so highest. */
	LKLJS_AUX(AT_EXECFN, strings + (bprm->exec - bprm->p));
	LKLJS_AUX(AT_NULL, 0);
#undef LKLJS_AUX
	get_random_bytes((char *)block + (random - base), 16);

	if (copy_to_user((void __user *)base, block, size)) {
		err = -EFAULT;
		goto out;
	}
	mm->start_stack = base;
	lkljs_host_user_set_start(base);
out:
	kvfree(block);
	return err;
}

/* Hands the file's bytes to the host, which compiles and checks them. */
static int lkljs_user_compile(struct linux_binprm *bprm)
{
	loff_t size = i_size_read(file_inode(bprm->file)), position = 0;
	unsigned long min_pages, max_pages;
	char why[160] = "";
	void *chunk;
	int err;

	if (size > LKLJS_IMAGE_MAX) {
		pr_warn_ratelimited("lkljs: %s is larger than %lu MiB\n",
				    bprm->filename, LKLJS_IMAGE_MAX >> 20);
		return -ENOEXEC;
	}
	chunk = kmalloc(LKLJS_IMAGE_CHUNK, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	err = lkljs_host_user_image_begin(size);
	while (!err && position < size) {
		ssize_t count = kernel_read(bprm->file, chunk,
					    min_t(loff_t, LKLJS_IMAGE_CHUNK,
						  size - position),
					    &position);

		if (count <= 0)
			err = count ? count : -EIO;
		else
			lkljs_host_user_image_append(chunk, count);
	}
	kfree(chunk);
	if (!err)
		err = lkljs_host_user_image_compile(&min_pages, &max_pages,
						    why, sizeof(why));
	if (err == -ENOEXEC)
		pr_warn_ratelimited("lkljs: %s is not a program for this kernel: %s\n",
				    bprm->filename, why);
	if (!err && max_pages > LKLJS_USER_MAX_PAGES) {
		pr_warn_ratelimited("lkljs: %s asks for %lu MiB of memory, more than %lu\n",
				    bprm->filename, max_pages >> 4,
				    LKLJS_USER_MAX_PAGES >> 4);
		err = -ENOEXEC;
	}
	if (err)
		lkljs_host_user_image_drop();
	return err;
}

static struct linux_binfmt lkljs_wasm_format;

static int lkljs_load_wasm(struct linux_binprm *bprm)
{
	static const char magic[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	int err;

	if (memcmp(bprm->buf, magic, sizeof(magic)))
		return -ENOEXEC;
	err = lkljs_user_compile(bprm);
	if (err)
		return err;

	err = begin_new_exec(bprm);
	if (err) {
		lkljs_host_user_image_drop();
		return err;
	}
	/* The point of no return: a failure from here on is fatal. */
	current->thread.user_program = 1;
	setup_new_exec(bprm);
	err = lkljs_host_user_image_load(current);
	if (err)
		return err;
	err = lkljs_user_start_block(bprm);
	if (err)
		return err;
	set_binfmt(&lkljs_wasm_format);
	finalize_exec(bprm);
	return 0;
}

static struct linux_binfmt lkljs_wasm_format = {
	.module = THIS_MODULE,
	.load_binary = lkljs_load_wasm,
};

struct lkljs_spawn_request {
	const char *path;
	const char *const *argv;
	const char *const *envp;
	const int *fds;
	int result;
	struct completion executed;
};

/* The child's kernel function: descriptors, then exec (as a usermode helper). */
static int lkljs_spawn_child(void *argument)
{
	struct lkljs_spawn_request *request = argument;
	int fd, err = 0;

	for (fd = 0; request->fds && fd < 3 && !err; fd++) {
		struct file *file = fget(request->fds[fd]);

		if (!file) {
			err = -EBADF;
			break;
		}
		err = replace_fd(fd, file, 0);
		fput(file);
		if (err > 0)
			err = 0;
	}
	if (!err)
		err = kernel_execve(request->path, request->argv, request->envp);
	request->result = err;
	/* The request lives on the parent's stack: not touched after this. */
	complete(&request->executed);
	if (err)
		do_exit(0);
	/* Returning after a successful exec enters the program. */
	return 0;
}

long lkljs_spawn_program(const char *path, const char *const *argv,
		 const char *const *envp, const int *fds)
{
	struct lkljs_spawn_request request = {
		.path = path,
		.argv = argv,
		.envp = envp,
		.fds = fds,
	};
	struct kernel_clone_args args = {
		/* Shares the caller's mm only until its exec, like vfork. */
		.flags = CLONE_VM | CLONE_UNTRACED,
		.exit_signal = SIGCHLD,
		.fn = lkljs_spawn_child,
		.fn_arg = &request,
	};
	pid_t pid;
	int status;

	init_completion(&request.executed);
	pid = kernel_clone(&args);
	if (pid < 0)
		return pid;
	wait_for_completion(&request.executed);
	if (request.result) {
		kernel_wait(pid, &status);
		return request.result;
	}
	return pid;
}

static int __init lkljs_user_init(void)
{
	int err = request_irq(LKLJS_USER_ENTRY_IRQ, lkljs_user_entry_interrupt,
			      0, "user entry", NULL);

	if (err)
		return err;
	register_binfmt(&lkljs_wasm_format);
	return 0;
}
core_initcall(lkljs_user_init);

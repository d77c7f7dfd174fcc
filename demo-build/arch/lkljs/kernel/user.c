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
 *   lkljs_user_syscall()  if the CPU is idle, take it on this thread and
 *                         switch to the task as the idle task would
 *                         (lkljs_cpu_borrow); else push the task on a
 *                         lock-free list and raise LKLJS_USER_ENTRY_IRQ,
 *                         whose handler wakes it up, and wait until the
 *                         scheduler gives it the CPU
 *                         (lkljs_task_wait_for_cpu); run the call through
 *                         the syscall table and the return-to-user work
 *   lkljs_user_leave()    sleep in TASK_IDLE and schedule(); __switch_to()
 *                         hands the CPU on (to the idle task: on this
 *                         thread, which then frees the CPU again) and,
 *                         instead of waiting for it back, has the host
 *                         throw out of the scheduler's frames (host/user.c
 *                         calls schedule() for this, and catches the
 *                         throw), so that the leave returns, off the CPU,
 *                         and the program takes the result and goes on
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
#include <linux/mman.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
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
void lkljs_user_enter(struct task_struct *self)
{
	struct task_struct *head;

	/* The CPU is idle: no other thread needs waking to switch to self. */
	if (lkljs_cpu_borrow(self))
		return;
	head = __atomic_load_n(&lkljs_entering, __ATOMIC_RELAXED);
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
		/* Off the CPU once it has left: touch nothing of the kernel. */
		if (lkljs_host_schedule_to_leave())
			return;
		/* Woken before it was switched out: still on the CPU. */
		self->thread.leaving_for_user = 0;
	}
}

void lkljs_user_syscall(struct task_struct *self, long nr, long a0, long a1,
			long a2, long a3, long a4, long a5)
{
	const long args[6] = { a0, a1, a2, a3, a4, a5 };

	lkljs_user_enter(self);
	task_pt_regs(self)->regs.return_value = lkljs_user_run_syscall(nr, args);
	lkljs_user_leave();
}

/*
 * Whether the kernel has work for the task's program (a signal to deliver):
 * read, without the CPU, by the host when the program's loop check asks
 * (ABI v2, "Stopping a program that makes no system call").
 */
int lkljs_user_work_pending(struct task_struct *task)
{
	return READ_ONCE(task_thread_info(task)->flags) &
	       (_TIF_SIGPENDING | _TIF_NOTIFY_SIGNAL);
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
	/*
	 * A trapped wasm instance cannot resume, so a handler for the signal
	 * would have nothing to return to: the signal is fatal, as when it is
	 * blocked or ignored on Linux.
	 */
	force_fatal_sig(signal);
	lkljs_exit_to_user_mode();
	do_group_exit(signal);
}

void lkljs_user_run(struct task_struct *task)
{
	/*
	 * As on the way out of any system call, but signals stay pending: a
	 * handler (a clone child inherits them) needs the program's own
	 * frames to run on. The program's first system call or loop check
	 * takes them.
	 */
	lkljs_user_mode_work();
	lkljs_host_user_run(task);
}

/*
 * The argument and environment strings as /proc/PID/cmdline and environ
 * read them. Those files read a process's memory through access_remote_vm(),
 * which without an MMU looks up a mapping of the mm and copies from it; a
 * program's own memory is no mapping of the kernel's. So the strings are
 * also kept in a small read-only anonymous mapping of the mm, and the mm's
 * arg_start..env_end name that copy (kernel addresses, unlike start_stack).
 * The program never sees it.
 */
static int lkljs_user_keep_arguments(const char *text, unsigned long arg_length,
				     unsigned long length)
{
	struct mm_struct *mm = current->mm;
	unsigned long copy;

	if (!length)
		return 0;
	copy = vm_mmap(NULL, 0, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(copy))
		return copy;
	memcpy((void *)copy, text, length);
	mm->arg_start = copy;
	mm->arg_end = mm->env_start = copy + arg_length;
	mm->env_end = copy + length;
	return 0;
}

/* Where copy_strings() stacks the strings down from, in the argument pages. */
#define LKLJS_EXEC_STRINGS_TOP	(PAGE_SIZE * MAX_ARG_PAGES - sizeof(void *))

/*
 * Copies the exec's strings, as copy_strings() left them in the argument
 * pages (argv, then envp, then the file name), to text, which holds
 * LKLJS_EXEC_STRINGS_TOP - bprm->p bytes.
 */
static void lkljs_exec_strings(struct linux_binprm *bprm, char *text)
{
	unsigned long position, length;

	for (position = bprm->p; position < LKLJS_EXEC_STRINGS_TOP;
	     position += length) {
		length = min(PAGE_SIZE - position % PAGE_SIZE,
			     LKLJS_EXEC_STRINGS_TOP - position);
		memcpy(text + (position - bprm->p),
		       page_address(bprm->page[position / PAGE_SIZE]) +
		       position % PAGE_SIZE, length);
	}
}

/* The bytes that count NUL-terminated strings take at the start of text. */
static unsigned long lkljs_strings_length(const char *text, unsigned long size,
					  int count)
{
	unsigned long offset = 0;

	while (count-- > 0)
		offset += strnlen(text + offset, size - offset) + 1;
	return offset;
}

/*
 * The host's process executes no wasm program (kernel/host_calls.c), but
 * /proc/PID/cmdline and environ show its arguments as any process's, so
 * that ps names it.
 */
int lkljs_keep_exec_arguments(struct linux_binprm *bprm)
{
	unsigned long size = LKLJS_EXEC_STRINGS_TOP - bprm->p;
	unsigned long arguments_length;
	char *text = kvmalloc(size, GFP_KERNEL);
	int err;

	if (!text)
		return -ENOMEM;
	lkljs_exec_strings(bprm, text);
	arguments_length = lkljs_strings_length(text, size, bprm->argc);
	err = lkljs_user_keep_arguments(text, arguments_length,
		arguments_length + lkljs_strings_length(text + arguments_length,
							size - arguments_length,
							bprm->envc));
	kvfree(text);
	return err;
}

/*
 * The initial process block (ABI §3), built in kernel memory and copied to
 * pages appended to the program's memory: argc, argv[], NULL, envp[], NULL,
 * auxv pairs up to AT_NULL, AT_RANDOM's 16 bytes, then the strings; after
 * them, 16-aligned, the area where signal frames are written.
 */
#define LKLJS_AUXV_PAIRS 11

static int lkljs_user_start_block(struct linux_binprm *bprm)
{
	unsigned long strings_length = LKLJS_EXEC_STRINGS_TOP - bprm->p;
	unsigned long words = 1 + bprm->argc + 1 + bprm->envc + 1 +
			      2 * LKLJS_AUXV_PAIRS;
	/* The signal frame area (kernel/signal.c) follows the strings. */
	unsigned long frame_offset = ALIGN(words * sizeof(u32) + 16 +
					   strings_length, 16);
	unsigned long size = frame_offset + LKLJS_SIGFRAME_AREA;
	unsigned long pages = DIV_ROUND_UP(size, LKLJS_WASM_PAGE);
	unsigned long base, strings, random, offset;
	unsigned long arguments_length, strings_used;
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

	text = (char *)block + (strings - base);
	lkljs_exec_strings(bprm, text);

	word = block;
	*word++ = bprm->argc;
	offset = 0;
	for (i = 0; i < bprm->argc; i++) {
		*word++ = strings + offset;
		offset += strnlen(text + offset, strings_length - offset) + 1;
	}
	*word++ = 0;
	arguments_length = offset;
	for (i = 0; i < bprm->envc; i++) {
		*word++ = strings + offset;
		offset += strnlen(text + offset, strings_length - offset) + 1;
	}
	*word++ = 0;
	strings_used = offset;

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
	err = lkljs_user_keep_arguments(text, arguments_length, strings_used);
	if (err)
		goto out;
	mm->start_stack = base;
	current->thread.signal_frame = base + frame_offset;
	lkljs_host_user_set_start(base);
out:
	kvfree(block);
	return err;
}

/*
 * Hands the file's bytes to the host, which compiles and checks them; or
 * reuses the module this worker compiled before from the same file, so that
 * an exec or a clone of a program the worker has run costs no compilation.
 */
static int lkljs_user_compile(struct file *file, const char *name)
{
	struct inode *inode = file_inode(file);
	loff_t size = i_size_read(inode), position = 0;
	unsigned long min_pages, max_pages;
	char why[160] = "", key[96];
	void *chunk;
	/* 0 when the module comes from the worker's cache. */
	int err = 0;

	if (size > LKLJS_IMAGE_MAX) {
		pr_warn_ratelimited("lkljs: %s is larger than %lu MiB\n",
				    name, LKLJS_IMAGE_MAX >> 20);
		return -ENOEXEC;
	}
	snprintf(key, sizeof(key), "%u:%lu:%lld:%lld.%ld", inode->i_sb->s_dev,
		 inode->i_ino, (long long)size,
		 (long long)inode->i_mtime.tv_sec, inode->i_mtime.tv_nsec);
	if (lkljs_host_user_image_find(key, &min_pages, &max_pages))
		goto check;
	chunk = kmalloc(LKLJS_IMAGE_CHUNK, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	err = lkljs_host_user_image_begin(size);
	while (!err && position < size) {
		ssize_t count = kernel_read(file, chunk,
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
				    name, why);
check:
	if (!err && max_pages > LKLJS_USER_MAX_PAGES) {
		pr_warn_ratelimited("lkljs: %s asks for %lu MiB of memory, more than %lu\n",
				    name, max_pages >> 4,
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
	err = lkljs_user_compile(bprm->file, bprm->filename);
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

/*
 * clone() from a program (ABI v2, demo-build/README.md). A wasm function
 * cannot return twice, so a child does not return from clone: it starts in
 * the program's export __lkljs_clone_start(sp), on the stack the caller
 * gave, where the libc's __clone left the function and argument to call.
 * The child's memory is a copy of the caller's, taken here while the caller
 * is inside the call; the child's own thread instantiates the same program
 * over it (lkljs_user_clone_start).
 */
struct lkljs_user_clone {
	unsigned long sp;
	/* The caller's argument strings, when the child gets its own mm. */
	char *arguments;
	unsigned long arguments_length, strings_length;
	unsigned long pages;
	void *page_copies[];
};

static void lkljs_user_clone_free(struct lkljs_user_clone *clone)
{
	unsigned long i;

	for (i = 0; i < clone->pages; i++)
		kfree(clone->page_copies[i]);
	kfree(clone->arguments);
	kvfree(clone);
}

/* The child's first kernel function, on its own thread. */
static int lkljs_user_clone_start(void *argument)
{
	struct lkljs_user_clone *clone = argument;
	struct file *exe_file = get_mm_exe_file(current->mm);
	unsigned long i;
	long have;
	int err = -ENOEXEC;

	if (!exe_file)
		goto fail;
	err = lkljs_user_compile(exe_file, current->comm);
	fput(exe_file);
	if (err)
		goto fail;
	err = lkljs_host_user_image_load(current);
	if (err)
		goto fail;
	current->thread.user_program = 1;
	have = lkljs_host_user_memory_grow(0);
	if (have >= 0 && clone->pages > have)
		have = lkljs_host_user_memory_grow(clone->pages - have);
	if (have < 0) {
		err = have;
		goto fail;
	}
	for (i = 0; i < clone->pages; i++) {
		err = -EFAULT;
		if (copy_to_user((void __user *)(i * LKLJS_WASM_PAGE),
				 clone->page_copies[i], LKLJS_WASM_PAGE))
			goto fail;
		kfree(clone->page_copies[i]);
		clone->page_copies[i] = NULL;
	}
	if (clone->arguments) {
		err = lkljs_user_keep_arguments(clone->arguments,
						clone->arguments_length,
						clone->strings_length);
		if (err)
			goto fail;
	}
	lkljs_host_user_set_clone_start(clone->sp);
	lkljs_user_clone_free(clone);
	/* lkljs_task_thread() enters the program, as after an exec. */
	return 0;
fail:
	lkljs_user_clone_free(clone);
	pr_warn_ratelimited("lkljs: the clone child %s[%d] could not start its program: %d\n",
			    current->comm, task_pid_nr(current), err);
	current->thread.user_program = 0;
	do_exit(SIGKILL);
}

int lkljs_user_clone_prepare(struct task_struct *child,
			     const struct kernel_clone_args *args)
{
	struct mm_struct *mm = current->mm;
	struct lkljs_user_clone *clone;
	long pages;
	unsigned long i;

	if (!current->thread.user_program) {
		pr_warn_once("lkljs: fork without a thread function is not supported\n");
		return -EINVAL;
	}
	/* fork() and vfork(): the child would return from the call too. */
	if (!args->stack)
		return -ENOSYS;
	/*
	 * A private memory cannot be shared: CLONE_VM is accepted only with
	 * CLONE_VFORK (vfork-style spawning, where the caller waits until the
	 * child execs or exits), and means a copy too. Threads are not
	 * supported yet.
	 */
	if ((args->flags & CLONE_VM) && !(args->flags & CLONE_VFORK))
		return -EINVAL;
	if (args->flags & (CLONE_THREAD | CLONE_SETTLS))
		return -EINVAL;
	if (!lkljs_host_user_can_clone()) {
		pr_warn_ratelimited("lkljs: %s[%d] calls clone but does not export __lkljs_clone_start\n",
				    current->comm, task_pid_nr(current));
		return -EINVAL;
	}
	pages = lkljs_host_user_memory_grow(0);
	if (pages < 0)
		return pages;
	clone = kvzalloc(struct_size(clone, page_copies, pages), GFP_KERNEL);
	if (!clone)
		return -ENOMEM;
	clone->sp = args->stack;
	for (i = 0; i < pages; i++) {
		clone->page_copies[i] = kmalloc(LKLJS_WASM_PAGE, GFP_KERNEL);
		clone->pages = i + 1;
		if (!clone->page_copies[i])
			goto no_memory;
		if (copy_from_user(clone->page_copies[i],
				   (const void __user *)(i * LKLJS_WASM_PAGE),
				   LKLJS_WASM_PAGE)) {
			lkljs_user_clone_free(clone);
			return -EFAULT;
		}
	}
	/* A child with an mm of its own has none of the caller's mappings. */
	if (child->mm != mm && mm->env_end > mm->arg_start) {
		clone->arguments_length = mm->arg_end - mm->arg_start;
		clone->strings_length = mm->env_end - mm->arg_start;
		clone->arguments = kmemdup((void *)mm->arg_start,
					   clone->strings_length, GFP_KERNEL);
		if (!clone->arguments)
			goto no_memory;
	}
	child->thread.entry = lkljs_user_clone_start;
	child->thread.entry_argument = clone;
	return 0;
no_memory:
	lkljs_user_clone_free(clone);
	return -ENOMEM;
}

void lkljs_user_clone_cancel(struct task_struct *child)
{
	lkljs_user_clone_free(child->thread.entry_argument);
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

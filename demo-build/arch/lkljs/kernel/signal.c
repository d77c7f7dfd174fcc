// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signals for wasm programs (the ABI is in demo-build/README.md, "Signals").
 *
 * A program's system call returns through lkljs_user_return(), which does
 * what the way back to user mode does on any machine: task work, then
 * signals. A signal whose action is a handler gets a frame: the kernel
 * writes it (the handler, the siginfo and a ucontext holding the blocked
 * mask to restore and the interrupted call) to the program's signal frame
 * area, which the exec placed after the initial process block, blocks the
 * handler's mask, and tells the host. The host, once the thread has left
 * the kernel, calls the program's export __lkljs_signal_trampoline(area)
 * instead of returning the call's result: the libc copies the frame to its
 * own stack at once, runs the handler there (or on the alternate signal
 * stack, for SA_ONSTACK) and makes rt_sigreturn, whose
 * result the syscall import then returns as the interrupted call's. So the
 * kernel is consistent before the handler runs, and a handler that
 * siglongjmp()s out simply throws past the import.
 *
 * wasm has no program counter to rewind, so "restarting" a call is done by
 * the kernel itself: with no handler to run, a call that returned
 * -ERESTART* is run again at once (restart_syscall for a restart block);
 * after a handler, rt_sigreturn runs the saved call again (SA_RESTART).
 */
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

/*
 * The frame in the program's memory. The libc's copy has the same layout
 * up to uc_sigmask, which is larger there (musl's sigset_t).
 */
struct lkljs_rt_sigframe {
	u32 handler;		/* the handler's table index */
	s32 signal;
	u32 flags;		/* the action's sa_flags */
	u32 reserved;
	struct siginfo info;
	struct ucontext uc;
};

static_assert(sizeof(struct lkljs_rt_sigframe) <= LKLJS_SIGFRAME_AREA);

static bool lkljs_restarts(long result)
{
	return result == -ERESTARTSYS || result == -ERESTARTNOINTR ||
	       result == -ERESTARTNOHAND || result == -ERESTART_RESTARTBLOCK;
}

static long lkljs_invoke(struct pt_regs *regs)
{
	long nr = regs->regs.syscall_nr;

	if (nr == LKLJS_USER_POLL)
		return 0;
	if (nr < 0 || nr >= __NR_syscalls)
		return -ENOSYS;
	return lkljs_syscall_table[nr](regs);
}

static int lkljs_setup_frame(struct ksignal *ksig, struct pt_regs *regs)
{
	unsigned long address = current->thread.signal_frame;
	struct lkljs_rt_sigframe __user *frame = (void __user *)address;
	struct lkljs_rt_sigframe header = {
		.handler = (unsigned long)ksig->ka.sa.sa_handler,
		.signal = ksig->sig,
		.flags = ksig->ka.sa.sa_flags,
	};
	struct ucontext context = {
		/*
		 * The alternate stack, as __save_altstack() records it: the
		 * trampoline switches to it for an SA_ONSTACK handler (the
		 * kernel cannot), and rt_sigreturn restores it from here.
		 */
		.uc_stack.ss_sp = (void __user *)current->sas_ss_sp,
		.uc_stack.ss_flags = current->sas_ss_flags,
		.uc_stack.ss_size = current->sas_ss_size,
		.uc_mcontext.regs = regs->regs,
		.uc_mcontext.oldmask = sigmask_to_save()->sig[0],
		.uc_sigmask = *sigmask_to_save(),
	};

	if (!address)
		return -EFAULT;
	if (copy_to_user(frame, &header, offsetof(struct lkljs_rt_sigframe, info)) ||
	    copy_siginfo_to_user(&frame->info, &ksig->info) ||
	    copy_to_user(&frame->uc, &context, sizeof(context)))
		return -EFAULT;
	/* No trampoline (a program without the libc's signal code): fatal. */
	return lkljs_host_user_signal(address);
}

/*
 * The way back to the program from a system call that returned result:
 * task work, restarts, signals; the value the import returns (when a frame
 * was set up, the host runs the handler and returns rt_sigreturn's result
 * instead).
 */
long lkljs_user_return(long result)
{
	struct pt_regs *regs = task_pt_regs(current);

	for (;;) {
		struct ksignal ksig;
		int failed;

		lkljs_user_mode_work();

		if (test_thread_flag(TIF_SIGPENDING) && get_signal(&ksig)) {
			switch (result) {
			case -ERESTARTSYS:
				if (ksig.ka.sa.sa_flags & SA_RESTART)
					break;	/* rt_sigreturn runs it again */
				fallthrough;
			case -ERESTARTNOHAND:
			case -ERESTART_RESTARTBLOCK:
				result = -EINTR;
				break;
			}
			regs->regs.return_value = result;
			failed = lkljs_setup_frame(&ksig, regs);
			signal_setup_done(failed, &ksig, 0);
			if (!failed)
				return result;
			/* A failed frame has forced SIGSEGV: go round again. */
			continue;
		}

		if (!lkljs_restarts(result))
			break;
		/* No handler ran: the call starts over, as on any machine. */
		if (result == -ERESTART_RESTARTBLOCK)
			regs->regs.syscall_nr = __NR_restart_syscall;
		result = lkljs_invoke(regs);
	}
	restore_saved_sigmask();
	return result;
}

/* The program's stack pointer, where the ABI passes it (asm/ptrace.h). */
unsigned long lkljs_current_user_stack_pointer(void)
{
	const struct pt_regs *regs = task_pt_regs(current);

	return regs->regs.syscall_nr == __NR_sigaltstack ? regs->regs.args[2] : 0;
}

/* A system call from the program: run it, then go back as above. */
long lkljs_user_run_syscall(long nr, const long args[6])
{
	struct pt_regs *regs = task_pt_regs(current);

	regs->regs.syscall_nr = nr;
	memcpy(regs->regs.args, args, sizeof(regs->regs.args));
	return lkljs_user_return(lkljs_invoke(regs));
}

/*
 * Called by the libc's trampoline once the handler has returned, with the
 * address of its copy of the ucontext: the blocked mask comes back, and the
 * interrupted call's result (or, to restart it, the call itself).
 */
SYSCALL_DEFINE1(rt_sigreturn, struct ucontext __user *, context_address)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct ucontext context;
	struct user_regs_struct saved;

	if (!current->thread.user_program)
		return -ENOSYS;
	/* Any restart block belongs to the interrupted call, not to this one. */
	current->restart_block.fn = do_no_restart_syscall;
	if (copy_from_user(&context, context_address, sizeof(context)) ||
	    restore_altstack(&context_address->uc_stack))
		goto bad_frame;
	set_current_blocked(&context.uc_sigmask);
	saved = context.uc_mcontext.regs;
	if (saved.return_value != -ERESTARTSYS &&
	    saved.return_value != -ERESTARTNOINTR)
		/* The kernel never saves another restart code; a forged one ends. */
		return lkljs_restarts(saved.return_value) ? -EINTR :
		       (long)saved.return_value;
	/* SA_RESTART: the interrupted call again, with its own arguments. */
	if (saved.syscall_nr == __NR_rt_sigreturn ||
	    saved.syscall_nr >= __NR_syscalls)
		goto bad_frame;
	regs->regs = saved;
	return lkljs_invoke(regs);
bad_frame:
	force_sig(SIGSEGV);
	return 0;
}

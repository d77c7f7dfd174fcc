/*
 * Signal handlers on the lkljs user ABI, version 2 (demo-build/README.md,
 * "Signals"). wasm code cannot be entered at an arbitrary point, so the
 * kernel does not build a frame on the program's stack and jump: it writes
 * the frame to an area the exec set aside, and the host, on the way out of
 * the system call, calls __lkljs_signal_trampoline(area) in place of
 * returning the call's result. The trampoline copies the frame to its own
 * stack at once (a nested signal reuses the area), runs the handler on the
 * program's stack, and makes rt_sigreturn with its copy of the ucontext:
 * the kernel restores the signal mask and hands back the interrupted
 * call's result, or runs the call again (SA_RESTART), and that is what the
 * interrupted system call returns. A handler that longjmps out never
 * returns here; the kernel had finished the call before it started.
 *
 * The trampoline takes the place of other archs' sa_restorer, which this
 * kernel does not have (arch/wasm32/ksigaction.h keeps musl's restorer
 * where the kernel does not read it): lkljs-cc links the trampoline into
 * every program (-u __lkljs_signal_trampoline).
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include "syscall.h"

/*
 * The kernel's frame: its struct ucontext ends in the kernel's 8-byte
 * sigset_t, musl's in a larger one; the rest of the layout is the same.
 */
struct lkljs_sigframe {
	void *handler;
	int sig;
	unsigned long flags;
	unsigned long reserved;
	siginfo_t info;
	ucontext_t uc;
};
_Static_assert(offsetof(struct lkljs_sigframe, info) == 16
	&& offsetof(struct lkljs_sigframe, uc) == 16 + 128
	&& offsetof(ucontext_t, uc_sigmask) == 56,
	"the frame's layout is the kernel's (arch/lkljs/kernel/signal.c)");
#define KERNEL_FRAME_SIZE (offsetof(struct lkljs_sigframe, uc) \
	+ offsetof(ucontext_t, uc_sigmask) + _NSIG / 8)

__attribute__((__export_name__("__lkljs_signal_trampoline")))
long __lkljs_signal_trampoline(const void *area)
{
	struct lkljs_sigframe frame;

	memset(&frame, 0, sizeof frame);
	memcpy(&frame, area, KERNEL_FRAME_SIZE);
	if (frame.flags & SA_SIGINFO)
		((void (*)(int, siginfo_t *, void *))frame.handler)(frame.sig, &frame.info, &frame.uc);
	else
		((void (*)(int))frame.handler)(frame.sig);
	return __syscall(SYS_rt_sigreturn, &frame.uc);
}

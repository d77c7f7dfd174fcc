/*
 * Signal handlers on the lkljs user ABI, version 2 (demo-build/README.md,
 * "Signals"). wasm code cannot be entered at an arbitrary point, so the
 * kernel does not build a frame on the program's stack and jump: it writes
 * the frame to an area the exec set aside, and the host, on the way out of
 * the system call, calls __lkljs_signal_trampoline(area) in place of
 * returning the call's result. The trampoline copies the frame to its own
 * stack at once (a nested signal reuses the area), runs the handler on the
 * program's stack (or its alternate signal stack), and makes rt_sigreturn
 * with its copy of the ucontext: the kernel restores the signal mask and
 * the alternate stack and hands back the interrupted
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
#include <stdint.h>
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

/* signal_stack.s: the stack pointer, and a call on another stack. */
uintptr_t __lkljs_stack_pointer(void);
long __lkljs_call_on_stack(long (*function)(const void *), const void *argument, uintptr_t stack_top);

/* Copies the frame to the current stack, runs the handler, returns. */
static long deliver(const void *area)
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

/*
 * An SA_ONSTACK handler runs on the alternate signal stack, unless the
 * program is on it already: what other archs' kernels decide (sigsp()),
 * decided here because only the program knows its stack pointer. The
 * kernel wrote the alternate stack to the frame's uc_stack; with
 * SS_AUTODISARM it counts as not in use (the kernel has disarmed it until
 * rt_sigreturn). The frame, like the handler's, goes on that stack.
 */
__attribute__((__export_name__("__lkljs_signal_trampoline")))
long __lkljs_signal_trampoline(const void *area)
{
	const struct lkljs_sigframe *kernel_frame = area;
	const stack_t *alternate = &kernel_frame->uc.uc_stack;
	uintptr_t base = (uintptr_t)alternate->ss_sp, sp = __lkljs_stack_pointer();

	if ((kernel_frame->flags & SA_ONSTACK) && !(alternate->ss_flags & SS_DISABLE) &&
	    ((alternate->ss_flags & SS_AUTODISARM) || !(sp > base && sp - base <= alternate->ss_size)))
		return __lkljs_call_on_stack(deliver, area, (base + alternate->ss_size) & -(uintptr_t)16);
	return deliver(area);
}

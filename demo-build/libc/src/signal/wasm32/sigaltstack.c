/*
 * sigaltstack on the lkljs user ABI (demo-build/README.md, "Signals"): the
 * kernel cannot read a wasm program's stack pointer (a global of its
 * module), so the call passes it as a third argument; with it the kernel
 * reports SS_ONSTACK, and refuses (EPERM) to change the stack in use.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include "syscall.h"

uintptr_t __lkljs_stack_pointer(void);

int sigaltstack(const stack_t *restrict ss, stack_t *restrict old)
{
	/* What POSIX asks of the caller, checked before the kernel sees it. */
	if (ss && !(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ) {
		errno = ENOMEM;
		return -1;
	}
	if (ss && (ss->ss_flags & SS_ONSTACK)) {
		errno = EINVAL;
		return -1;
	}
	return syscall(SYS_sigaltstack, ss, old, __lkljs_stack_pointer());
}

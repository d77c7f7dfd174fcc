/*
 * clone() on the lkljs user ABI, version 2 (demo-build/README.md). A wasm
 * function cannot return twice, so the child does not return from the
 * system call: the kernel starts it in __lkljs_clone_start(sp)
 * (clone_start.s) with sp the stack given here, in a copy of the caller's
 * memory. __clone puts the function, its argument and the caller's TLS
 * block at the top of that stack (other archs' clone.s put the first two
 * there too), and the child starts from them.
 *
 * The kernel's clone has its generic arguments (flags, stack, parent_tid,
 * tls, child_tid). Without a stack (fork, vfork) it fails with ENOSYS;
 * CLONE_VM is accepted with CLONE_VFORK only, and the child's memory is
 * then a copy too (posix_spawn's case); threads are refused.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include "pthread_impl.h"
#include "syscall.h"

void __lkljs_clone_start(long *);
hidden void __lkljs_clone_child(int (*)(void *), void *);

/* Called by __lkljs_clone_start on the child's stack; never returns. */
hidden void __lkljs_clone_child(int (*func)(void *), void *arg)
{
	/* The copy of the caller's thread descriptor now describes the child. */
	__pthread_self()->tid = __syscall(SYS_gettid);
	for (;;) __syscall(SYS_exit, func(arg));
}

int __clone(int (*func)(void *), void *stack, int flags, void *arg, ...)
{
	long ptid = 0, tls = 0, ctid = 0;
	/* Callers pass the optional arguments only for the flags that use them. */
	if (flags & (CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_CHILD_SETTID
		     | CLONE_CHILD_CLEARTID)) {
		va_list ap;
		va_start(ap, arg);
		ptid = (long)va_arg(ap, void *);
		tls = (long)va_arg(ap, void *);
		ctid = (long)va_arg(ap, void *);
		va_end(ap);
	}

	if (!stack) return -EINVAL;
	long *sp = (long *)(((uintptr_t)stack & -16) - 16);
	sp[0] = (long)func;
	sp[1] = (long)arg;
	sp[2] = (long)__builtin_wasm_tls_base();
	/* Keeps the child's entry (and its export) in every program that can clone. */
	__asm__ __volatile__ ("" : : "r"(__lkljs_clone_start));
	return __syscall(SYS_clone, flags, (long)sp, ptid, tls, ctid);
}

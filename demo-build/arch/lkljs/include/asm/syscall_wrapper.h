/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_SYSCALL_WRAPPER_H
#define _ASM_LKLJS_SYSCALL_WRAPPER_H

/*
 * Every system call is sys_NAME(const struct pt_regs *), whatever its
 * arity: a syscall table can then call any of them through one function
 * type, which is the only kind of indirect call wasm allows. The wrapper
 * unpacks the arguments from regs->regs.args and calls the typed body.
 */
#include <asm/ptrace.h>

#define __LKLJS_SC_REGS_ARGS(x, args)					\
	__MAP(x, __SC_ARGS, , args[0], , args[1], , args[2], , args[3],	\
	      , args[4], , args[5])

#define __SYSCALL_DEFINEx(x, name, ...)					\
	long sys##name(const struct pt_regs *regs);			\
	ALLOW_ERROR_INJECTION(sys##name, ERRNO);			\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__)); \
	long sys##name(const struct pt_regs *regs)			\
	{								\
		return __se_sys##name(__LKLJS_SC_REGS_ARGS(x, regs->regs.args)); \
	}								\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))	\
	{								\
		long ret = __do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__)); \
		__MAP(x, __SC_TEST, __VA_ARGS__);			\
		__PROTECT(x, ret, __MAP(x, __SC_ARGS, __VA_ARGS__));	\
		return ret;						\
	}								\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#define SYSCALL_DEFINE0(sname)						\
	SYSCALL_METADATA(_##sname, 0);					\
	long sys_##sname(const struct pt_regs *__unused);		\
	ALLOW_ERROR_INJECTION(sys_##sname, ERRNO);			\
	long sys_##sname(const struct pt_regs *__unused)

/* wasm has no symbol aliases, so "not implemented" is a weak function. */
#define COND_SYSCALL(name)						\
	long __weak sys_##name(const struct pt_regs *__unused);		\
	long __weak sys_##name(const struct pt_regs *__unused)		\
	{								\
		return sys_ni_syscall();				\
	}

#define SYS_NI(name)							\
	long sys_##name(const struct pt_regs *__unused);		\
	long sys_##name(const struct pt_regs *__unused)			\
	{								\
		return sys_ni_posix_timers();				\
	}

/* There is no compat (other-ABI) system call interface. */
#define COND_SYSCALL_COMPAT(name)
#define COMPAT_SYS_NI(name)

#endif

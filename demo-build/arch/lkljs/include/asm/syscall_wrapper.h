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

/*
 * A 64-bit argument (loff_t, u64) takes two slots, low word first, as on
 * 32-bit RISC-V; any other argument takes one. So pread64(fd, buf, count,
 * pos) is called with args { fd, buf, count, pos_low, pos_high }.
 */
#define __LKLJS_SLOTS(t)	(__TYPE_IS_LL(t) ? 2 : 1)
#define __LKLJS_ARG(t, args, slot)					\
	__builtin_choose_expr(__TYPE_IS_LL(t),				\
		(long long)((unsigned long long)(args)[slot] |		\
			    (unsigned long long)(args)[(slot) + 1] << 32), \
		(args)[slot])

#define __LKLJS_ARGS1(a, t1, a1)					\
	__LKLJS_ARG(t1, a, 0)
#define __LKLJS_ARGS2(a, t1, a1, t2, a2)				\
	__LKLJS_ARGS1(a, t1, a1),					\
	__LKLJS_ARG(t2, a, __LKLJS_SLOTS(t1))
#define __LKLJS_ARGS3(a, t1, a1, t2, a2, t3, a3)			\
	__LKLJS_ARGS2(a, t1, a1, t2, a2),				\
	__LKLJS_ARG(t3, a, __LKLJS_SLOTS(t1) + __LKLJS_SLOTS(t2))
#define __LKLJS_ARGS4(a, t1, a1, t2, a2, t3, a3, t4, a4)		\
	__LKLJS_ARGS3(a, t1, a1, t2, a2, t3, a3),			\
	__LKLJS_ARG(t4, a, __LKLJS_SLOTS(t1) + __LKLJS_SLOTS(t2) +	\
		    __LKLJS_SLOTS(t3))
#define __LKLJS_ARGS5(a, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)	\
	__LKLJS_ARGS4(a, t1, a1, t2, a2, t3, a3, t4, a4),		\
	__LKLJS_ARG(t5, a, __LKLJS_SLOTS(t1) + __LKLJS_SLOTS(t2) +	\
		    __LKLJS_SLOTS(t3) + __LKLJS_SLOTS(t4))
#define __LKLJS_ARGS6(a, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	__LKLJS_ARGS5(a, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5),	\
	__LKLJS_ARG(t6, a, __LKLJS_SLOTS(t1) + __LKLJS_SLOTS(t2) +	\
		    __LKLJS_SLOTS(t3) + __LKLJS_SLOTS(t4) + __LKLJS_SLOTS(t5))

#define __SYSCALL_DEFINEx(x, name, ...)					\
	long sys##name(const struct pt_regs *regs);			\
	ALLOW_ERROR_INJECTION(sys##name, ERRNO);			\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__)); \
	long sys##name(const struct pt_regs *regs)			\
	{								\
		return __se_sys##name(__LKLJS_ARGS##x(regs->regs.args,	\
						      __VA_ARGS__));	\
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The system call table. Every entry has the one type that the syscall
 * wrappers give every system call (asm/syscall_wrapper.h): a call through
 * this table can then never trap on a type mismatch. Numbers without an
 * implementation return -ENOSYS.
 *
 * linux/syscalls.h is not included on purpose: it declares the typed
 * prototypes, which would clash with the uniform ones declared here.
 */
#include <linux/errno.h>
#include <linux/linkage.h>
#include <asm/ptrace.h>
#include <asm/unistd.h>
#include <asm/lkljs.h>

long lkljs_sys_ni_syscall(const struct pt_regs *regs)
{
	return -ENOSYS;
}

/* The generic sys_ni_syscall() takes no argument; use the uniform one. */
#define sys_ni_syscall lkljs_sys_ni_syscall

#undef __SYSCALL
#define __SYSCALL(nr, call) long call(const struct pt_regs *);
#include <uapi/asm/unistd.h>

#undef __SYSCALL
#define __SYSCALL(nr, call) [nr] = call,
const lkljs_syscall_fn lkljs_syscall_table[__NR_syscalls] = {
	[0 ... __NR_syscalls - 1] = lkljs_sys_ni_syscall,
#include <uapi/asm/unistd.h>
};

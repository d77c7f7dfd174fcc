/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_SYSCALL_H
#define _ASM_LKLJS_SYSCALL_H

#include <uapi/linux/audit.h>
#include <linux/sched.h>
#include <linux/err.h>

static inline int syscall_get_nr(struct task_struct *task,
				 struct pt_regs *regs)
{
	return regs->regs.syscall_nr;
}

static inline long syscall_get_return_value(struct task_struct *task,
					    struct pt_regs *regs)
{
	return regs->regs.return_value;
}

static inline void syscall_get_arguments(struct task_struct *task,
					 struct pt_regs *regs,
					 unsigned long *args)
{
	memcpy(args, regs->regs.args, sizeof(regs->regs.args));
}

static inline int syscall_get_arch(struct task_struct *task)
{
	/* Audit has no number for wasm32. */
	return 0;
}

#endif

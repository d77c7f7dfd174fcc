/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_PTRACE_H
#define _ASM_LKLJS_PTRACE_H

#include <uapi/asm/ptrace.h>

struct pt_regs {
	struct user_regs_struct regs;
};

/* Nothing ever runs in user mode: "user" code is host code. */
#define user_mode(regs)			0
#define kernel_mode(regs)		1
#define instruction_pointer(regs)	0
#define user_stack_pointer(regs)	0
#define profile_pc(regs)		0
#define current_pt_regs()		((struct pt_regs *)NULL)

static inline long regs_return_value(struct pt_regs *regs)
{
	return regs->regs.return_value;
}

#endif

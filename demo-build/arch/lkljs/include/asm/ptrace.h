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

/*
 * A program's stack pointer is a global of its wasm module, which the
 * kernel cannot read. The one call that needs it, sigaltstack (is the
 * caller on its alternate signal stack?), is given it by the libc as a
 * third argument (demo-build/README.md, "Signals"); anywhere else the
 * kernel sees 0, which is on no alternate stack (kernel/signal.c).
 */
unsigned long lkljs_current_user_stack_pointer(void);
#define current_user_stack_pointer() lkljs_current_user_stack_pointer()

static inline long regs_return_value(struct pt_regs *regs)
{
	return regs->regs.return_value;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
#ifndef _UAPI_ASM_LKLJS_PTRACE_H
#define _UAPI_ASM_LKLJS_PTRACE_H

/*
 * There are no machine registers to save: a task's state lives on its host
 * thread. The structure only carries what the generic code asks of it.
 */
struct user_regs_struct {
	unsigned long syscall_nr;
	unsigned long args[6];
	unsigned long return_value;
};

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_CURRENT_H
#define _ASM_LKLJS_CURRENT_H

#ifndef __ASSEMBLY__
struct task_struct;

/*
 * Only one host thread runs kernel code at a time, so the running task is
 * a single global that __switch_to() updates before handing over.
 */
extern struct task_struct *lkljs_current_task;

static __always_inline struct task_struct *get_current(void)
{
	return lkljs_current_task;
}

#define current get_current()
#endif

#endif

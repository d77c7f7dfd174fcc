/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_LKLJS_H
#define _ASM_LKLJS_LKLJS_H

/* Interrupt lines of the virtual CPU; the pending set is one word. */
#define LKLJS_TIMER_IRQ		0
#define LKLJS_NR_IRQS		1

/*
 * Function pointers below this many table slots would look like kfree_rcu()
 * offsets, so padding functions take them (arch/lkljs/kernel/sections.c).
 */
#define LKLJS_TABLE_PADDING	4096
extern void (*const lkljs_table_padding[LKLJS_TABLE_PADDING])(void);

void lkljs_raise_irq(unsigned int irq);
void lkljs_threads_init(void);
void lkljs_console_emergency_flush(void);
void lkljs_setup_memory(void *memory, unsigned long size);

#endif

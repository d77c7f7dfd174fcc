/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_LKLJS_H
#define _ASM_LKLJS_LKLJS_H

/* Interrupt lines of the virtual CPU; the pending set is one word. */
#define LKLJS_TIMER_IRQ		0
#define LKLJS_NR_IRQS		1

void lkljs_raise_irq(unsigned int irq);
void lkljs_threads_init(void);
void lkljs_setup_memory(void *memory, unsigned long size);

#endif

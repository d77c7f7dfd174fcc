/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_IRQFLAGS_H
#define _ASM_LKLJS_IRQFLAGS_H

#define ARCH_IRQ_DISABLED	0
#define ARCH_IRQ_ENABLED	1

/*
 * The interrupt flag is a variable of the single virtual CPU. Host timer
 * threads never run kernel code: they mark an IRQ pending, and the pending
 * ones are handled when the CPU enables interrupts again.
 */
unsigned long arch_local_save_flags(void);
void arch_local_irq_restore(unsigned long flags);

#define arch_local_save_flags arch_local_save_flags
#define arch_local_irq_restore arch_local_irq_restore

#include <asm-generic/irqflags.h>

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of the single virtual CPU. Host threads (the timer) never run
 * kernel code: they set a bit in lkljs_pending_irqs and wake the idle task.
 * The CPU handles pending interrupts whenever it enables interrupts, which
 * is where a real CPU would take them, and in the idle loop.
 */
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/hardirq.h>
#include <linux/sched.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

static unsigned long lkljs_irq_flag = ARCH_IRQ_DISABLED;
/* Written by host threads, so only touched through atomic builtins. */
static unsigned long lkljs_pending_irqs;
static bool lkljs_handling_irqs;
static struct lkljs_host_sem *lkljs_idle_sem;

unsigned long arch_local_save_flags(void)
{
	return lkljs_irq_flag;
}
EXPORT_SYMBOL(arch_local_save_flags);

static void lkljs_handle_pending_irqs(void)
{
	unsigned long pending;

	lkljs_handling_irqs = true;
	while ((pending = __atomic_exchange_n(&lkljs_pending_irqs, 0,
					      __ATOMIC_SEQ_CST))) {
		lkljs_irq_flag = ARCH_IRQ_DISABLED;
		irq_enter();
		while (pending) {
			unsigned int irq = __ffs(pending);

			pending &= ~BIT(irq);
			generic_handle_irq(irq);
		}
		/* May run softirqs, which enable interrupts again. */
		irq_exit();
	}
	lkljs_handling_irqs = false;
}

void arch_local_irq_restore(unsigned long flags)
{
	if (flags == ARCH_IRQ_ENABLED && !lkljs_handling_irqs &&
	    __atomic_load_n(&lkljs_pending_irqs, __ATOMIC_SEQ_CST))
		lkljs_handle_pending_irqs();
	lkljs_irq_flag = flags;
}
EXPORT_SYMBOL(arch_local_irq_restore);

void lkljs_cpu_relax(void)
{
	if (lkljs_irq_flag == ARCH_IRQ_ENABLED)
		arch_local_irq_restore(ARCH_IRQ_ENABLED);
}
EXPORT_SYMBOL(lkljs_cpu_relax);

/* Called on a host thread that does not own the CPU. */
void lkljs_raise_irq(unsigned int irq)
{
	__atomic_fetch_or(&lkljs_pending_irqs, BIT(irq), __ATOMIC_SEQ_CST);
	lkljs_host_sem_up(lkljs_idle_sem);
}

/*
 * Entered with interrupts disabled and left with them enabled. Nothing but
 * an interrupt can make work for an idle uniprocessor, so sleep on the host
 * until one is raised.
 */
void arch_cpu_idle(void)
{
	while (!__atomic_load_n(&lkljs_pending_irqs, __ATOMIC_SEQ_CST))
		lkljs_host_sem_down(lkljs_idle_sem);
	raw_local_irq_enable();
}

void __init init_IRQ(void)
{
	unsigned int irq;

	lkljs_idle_sem = lkljs_host_sem_alloc(0);
	if (!lkljs_idle_sem)
		panic("lkljs: cannot allocate the idle semaphore");

	for (irq = 0; irq < LKLJS_NR_IRQS; irq++)
		irq_set_chip_and_handler(irq, &dummy_irq_chip,
					 handle_simple_irq);
}

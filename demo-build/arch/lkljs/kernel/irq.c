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
 * Who may run kernel code while the idle task is current. While the idle
 * task waits for an interrupt, the CPU is free: a program's host thread that
 * enters the kernel takes it on its own thread (lkljs_cpu_borrow() in
 * kernel/threads.c) instead of waking the idle task's thread to schedule it,
 * which would cost two hand-overs between host threads. The idle task's
 * thread sleeps on in arch_cpu_idle() meanwhile, and is woken only when the
 * idle task has to run on it again.
 */
enum {
	LKLJS_CPU_OWNED,	/* a thread runs kernel code */
	LKLJS_CPU_FREE,		/* the idle task waits; any thread may take the CPU */
	LKLJS_CPU_TO_IDLE,	/* handed back to the idle task's own thread */
};
static int lkljs_cpu_state = LKLJS_CPU_OWNED;
/* With LKLJS_CPU_TO_IDLE: the idle task finishes a switch to it first. */
static bool lkljs_idle_finishes_switch;

static bool lkljs_irqs_pending(void)
{
	return __atomic_load_n(&lkljs_pending_irqs, __ATOMIC_SEQ_CST);
}

bool lkljs_cpu_take_free(void)
{
	int free = LKLJS_CPU_FREE;

	return __atomic_compare_exchange_n(&lkljs_cpu_state, &free,
					   LKLJS_CPU_OWNED, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

/*
 * The owner, standing in for the idle task in arch_cpu_idle(), frees the CPU.
 * An interrupt raised before this found the CPU owned and only posted the
 * idle semaphore, which the idle thread slept through: post it again so
 * that the idle task takes the CPU for it.
 */
void lkljs_cpu_free(void)
{
	__atomic_store_n(&lkljs_cpu_state, LKLJS_CPU_FREE, __ATOMIC_SEQ_CST);
	if (lkljs_irqs_pending())
		lkljs_host_sem_up(lkljs_idle_sem);
}

/*
 * The idle task runs on its own thread again, which sleeps in
 * arch_cpu_idle(): after a switch to it (finish_switch) or, when it is
 * already current, to go on from its wait.
 */
void lkljs_cpu_to_idle(bool finish_switch)
{
	lkljs_idle_finishes_switch = finish_switch;
	__atomic_store_n(&lkljs_cpu_state, LKLJS_CPU_TO_IDLE, __ATOMIC_SEQ_CST);
	lkljs_host_sem_up(lkljs_idle_sem);
}

/* Sleeps until the idle task's thread owns the CPU again. */
static void lkljs_idle_wait(void)
{
	for (;;) {
		int to_idle = LKLJS_CPU_TO_IDLE;

		lkljs_host_sem_down(lkljs_idle_sem);
		if (lkljs_cpu_take_free())
			break;
		if (__atomic_compare_exchange_n(&lkljs_cpu_state, &to_idle,
						LKLJS_CPU_OWNED, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			break;
		/* Another thread has the CPU: an interrupt's post, sleep on. */
	}
	lkljs_idle_parked = false;
	if (lkljs_idle_finishes_switch) {
		lkljs_idle_finishes_switch = false;
		lkljs_idle_switched_in();
		raw_local_irq_disable();
	}
}

/*
 * Entered with interrupts disabled and left with them enabled. Nothing but
 * an interrupt can make work for an idle uniprocessor, so sleep on the host
 * until one is raised, with the CPU free for threads that enter the kernel.
 */
void arch_cpu_idle(void)
{
	while (!lkljs_irqs_pending() && !need_resched()) {
		__atomic_store_n(&lkljs_cpu_state, LKLJS_CPU_FREE,
				 __ATOMIC_SEQ_CST);
		/* Raised meanwhile: take the CPU back, unless it is taken. */
		if (lkljs_irqs_pending() && lkljs_cpu_take_free())
			break;
		lkljs_idle_wait();
	}
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

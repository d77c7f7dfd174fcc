// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time comes from the host: the clocksource and sched_clock read the host's
 * monotonic nanosecond clock, and the clock event device is a host one-shot
 * timer that raises the timer interrupt.
 */
#include <linux/clocksource.h>
#include <linux/clockchips.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/sched/clock.h>
#include <linux/timex.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

static struct lkljs_host_timer *lkljs_timer;

unsigned long long sched_clock(void)
{
	return lkljs_host_time_ns();
}

/*
 * The battery-backed clock of a real machine: timekeeping starts the
 * calendar from it, so `date` in the page shows the visitor's time.
 */
void read_persistent_clock64(struct timespec64 *ts)
{
	u32 remainder;

	ts->tv_sec = div_u64_rem(lkljs_host_wall_clock_ns(), NSEC_PER_SEC,
				 &remainder);
	ts->tv_nsec = remainder;
}

static u64 lkljs_clocksource_read(struct clocksource *cs)
{
	return lkljs_host_time_ns();
}

static struct clocksource lkljs_clocksource = {
	.name	= "lkljs",
	.rating	= 400,
	.read	= lkljs_clocksource_read,
	.mask	= CLOCKSOURCE_MASK(64),
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS,
};

static int lkljs_timer_next_event(unsigned long delta_ns,
				  struct clock_event_device *evt)
{
	/* Zero means "cancel" to the host, and the kernel asked for "now". */
	lkljs_host_timer_set(lkljs_timer, delta_ns ? delta_ns : 1);
	return 0;
}

static int lkljs_timer_shutdown(struct clock_event_device *evt)
{
	lkljs_host_timer_set(lkljs_timer, 0);
	return 0;
}

static struct clock_event_device lkljs_clockevent = {
	.name			= "lkljs",
	.features		= CLOCK_EVT_FEAT_ONESHOT,
	.rating			= 400,
	.set_next_event		= lkljs_timer_next_event,
	.set_state_shutdown	= lkljs_timer_shutdown,
	.set_state_oneshot_stopped = lkljs_timer_shutdown,
};

static irqreturn_t lkljs_timer_interrupt(int irq, void *dev_id)
{
	struct clock_event_device *evt = dev_id;

	evt->event_handler(evt);
	return IRQ_HANDLED;
}

static void lkljs_timer_expired(void *argument)
{
	lkljs_raise_irq(LKLJS_TIMER_IRQ);
}

void __init time_init(void)
{
	int err;

	lkljs_timer = lkljs_host_timer_alloc(lkljs_timer_expired, NULL);
	if (!lkljs_timer)
		panic("lkljs: the host cannot create a timer");

	err = request_irq(LKLJS_TIMER_IRQ, lkljs_timer_interrupt, IRQF_TIMER,
			  "timer", &lkljs_clockevent);
	if (err)
		panic("lkljs: cannot request the timer interrupt: %d", err);

	err = clocksource_register_hz(&lkljs_clocksource, NSEC_PER_SEC);
	if (err)
		panic("lkljs: cannot register the clocksource: %d", err);

	lkljs_clockevent.cpumask = cpumask_of(0);
	clockevents_config_and_register(&lkljs_clockevent, NSEC_PER_SEC,
					1, ULONG_MAX);

	/* One delay "loop" is one nanosecond of the host clock. */
	lpj_fine = NSEC_PER_SEC / HZ;
}

/* Busy-waits on the host clock; udelay() callers expect not to sleep. */
static void lkljs_delay_ns(unsigned long long ns)
{
	unsigned long long end = lkljs_host_time_ns() + ns;

	while (lkljs_host_time_ns() < end)
		cpu_relax();
}

void __delay(unsigned long loops)
{
	lkljs_delay_ns(loops);
}
EXPORT_SYMBOL(__delay);

void __const_udelay(unsigned long xloops)
{
	/* xloops is microseconds scaled by 2^32 / 10^6. */
	lkljs_delay_ns(((unsigned long long)xloops * NSEC_PER_SEC) >> 32);
}
EXPORT_SYMBOL(__const_udelay);

void __udelay(unsigned long usecs)
{
	lkljs_delay_ns((unsigned long long)usecs * NSEC_PER_USEC);
}
EXPORT_SYMBOL(__udelay);

void __ndelay(unsigned long nsecs)
{
	lkljs_delay_ns(nsecs);
}
EXPORT_SYMBOL(__ndelay);

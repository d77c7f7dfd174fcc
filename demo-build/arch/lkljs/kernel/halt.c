// SPDX-License-Identifier: GPL-2.0-only
/*
 * Power management and the end of boot. The demo has no user space yet, so
 * boot ends when kernel_init() executes /init: a binary format recognises
 * that one file and halts the machine, which stops the host with status 0.
 */
#include <linux/binfmts.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/reboot.h>
#include <linux/pm.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <linux/rcupdate.h>
#include <asm/host.h>

#define LKLJS_INIT_PATH "/init"

void (*pm_power_off)(void);
EXPORT_SYMBOL(pm_power_off);

void machine_halt(void)
{
	lkljs_host_exit(0);
}

void machine_power_off(void)
{
	lkljs_host_exit(0);
}

/* A restart cannot be carried out from inside the module: report it. */
void machine_restart(char *command)
{
	pr_emerg("lkljs: restart requested; stopping instead\n");
	lkljs_host_exit(5);
}

/* What the demo shows at the end of boot: the tasks, each a host thread. */
static void lkljs_report_tasks(void)
{
	struct task_struct *process, *thread;
	unsigned int count = 0;

	pr_info("lkljs: tasks, each on its own host thread:\n");
	rcu_read_lock();
	for_each_process_thread(process, thread) {
		pr_info("lkljs:   %5d %s\n", task_pid_nr(thread), thread->comm);
		count++;
	}
	rcu_read_unlock();
	pr_info("lkljs: %u tasks besides the idle task\n", count);
}

/* Sleeping needs the timer interrupt, the scheduler and the idle task. */
static void lkljs_report_sleep(void)
{
	unsigned long before = jiffies;
	u64 start_ns = ktime_get_ns();

	msleep(50);
	pr_info("lkljs: slept 50 ms: %llu ms and %lu jiffies passed (HZ=%d)\n",
		div_u64(ktime_get_ns() - start_ns, NSEC_PER_MSEC),
		jiffies - before, HZ);
}

static int lkljs_load_init(struct linux_binprm *binary)
{
	if (strcmp(binary->filename, LKLJS_INIT_PATH))
		return -ENOEXEC;

	pr_info("lkljs: boot complete, %s reached\n", LKLJS_INIT_PATH);
	lkljs_report_tasks();
	lkljs_report_sleep();
	pr_info("lkljs: no user space yet; halting\n");
	kernel_halt();
	return -ENOEXEC;
}

static struct linux_binfmt lkljs_init_format = {
	.load_binary = lkljs_load_init,
};

/*
 * kernel_init() runs the rootfs /init when it exists (and otherwise looks
 * for a root device to mount, which this machine does not have).
 */
static int __init lkljs_init_create(void)
{
	struct file *init_file;

	register_binfmt(&lkljs_init_format);

	init_file = filp_open(LKLJS_INIT_PATH, O_CREAT | O_WRONLY, 0700);
	if (IS_ERR(init_file)) {
		pr_err("lkljs: cannot create %s: %ld\n", LKLJS_INIT_PATH,
		       PTR_ERR(init_file));
		return PTR_ERR(init_file);
	}
	filp_close(init_file, NULL);
	/*
	 * The last reference is dropped by task work on the way back to user
	 * mode, which this task never takes; until then the file counts as
	 * open for writing and exec refuses it (ETXTBSY).
	 */
	task_work_run();
	return 0;
}
late_initcall(lkljs_init_create);

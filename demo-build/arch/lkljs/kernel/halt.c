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

static int lkljs_load_init(struct linux_binprm *binary)
{
	if (strcmp(binary->filename, LKLJS_INIT_PATH))
		return -ENOEXEC;

	pr_info("lkljs: boot complete, %s reached; halting\n",
		LKLJS_INIT_PATH);
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

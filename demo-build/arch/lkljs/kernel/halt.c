// SPDX-License-Identifier: GPL-2.0-only
/*
 * Power management: halting or powering off stops the host with status 0
 * (a clean end); a restart cannot be carried out from inside the module.
 */
#include <linux/export.h>
#include <linux/pm.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <lkljs-host.h>

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

void machine_restart(char *command)
{
	pr_emerg("lkljs: restart requested; stopping instead\n");
	lkljs_host_exit(5);
}

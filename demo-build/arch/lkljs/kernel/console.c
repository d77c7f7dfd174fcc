// SPDX-License-Identifier: GPL-2.0-only
/* The kernel console: every chunk of log text goes to the host. */
#include <linux/console.h>
#include <linux/init.h>
#include <asm/host.h>

static void lkljs_console_write(struct console *console, const char *text,
				unsigned int length)
{
	lkljs_host_console_write(text, length);
}

static struct console lkljs_console = {
	.name	= "lkljs",
	.write	= lkljs_console_write,
	/* Replay what was logged before the console existed. */
	.flags	= CON_PRINTBUFFER,
	.index	= -1,
};

static int __init lkljs_console_init(void)
{
	register_console(&lkljs_console);
	return 0;
}
console_initcall(lkljs_console_init);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel console and the terminal behind /dev/console: both write
 * straight to the host, which hands whole lines to the page (or stdout).
 * There is no input yet.
 */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/kmsg_dump.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>

static struct tty_driver *lkljs_tty_driver;
static struct tty_port lkljs_tty_port;

static void lkljs_console_write(struct console *console, const char *text,
				unsigned int length)
{
	lkljs_host_console_write(text, length);
}

static struct tty_driver *lkljs_console_device(struct console *console,
					       int *index)
{
	*index = 0;
	return lkljs_tty_driver;
}

static struct console lkljs_console = {
	.name	= "lkljs",
	.write	= lkljs_console_write,
	.device	= lkljs_console_device,
	/* Replay what was logged before the console existed. */
	.flags	= CON_PRINTBUFFER,
	.index	= -1,
};

/*
 * Before the console is registered the log only sits in the printk buffer;
 * on a panic that early, write the buffer to the host directly.
 */
void lkljs_console_emergency_flush(void)
{
	struct kmsg_dump_iter iter;
	static char line[1024];
	size_t length;

	if (lkljs_console.flags & CON_ENABLED)
		return;
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, line, sizeof(line), &length))
		lkljs_host_console_write(line, length);
}

static int __init lkljs_console_init(void)
{
	register_console(&lkljs_console);
	return 0;
}
console_initcall(lkljs_console_init);

static int lkljs_tty_open(struct tty_struct *tty, struct file *file)
{
	return tty_port_open(&lkljs_tty_port, tty, file);
}

static void lkljs_tty_close(struct tty_struct *tty, struct file *file)
{
	tty_port_close(&lkljs_tty_port, tty, file);
}

static int lkljs_tty_write(struct tty_struct *tty, const u8 *buffer, int count)
{
	lkljs_host_console_write((const char *)buffer, count);
	return count;
}

/* The host takes any amount at once. */
static unsigned int lkljs_tty_write_room(struct tty_struct *tty)
{
	return PAGE_SIZE;
}

static const struct tty_operations lkljs_tty_operations = {
	.open		= lkljs_tty_open,
	.close		= lkljs_tty_close,
	.write		= lkljs_tty_write,
	.write_room	= lkljs_tty_write_room,
};

static const struct tty_port_operations lkljs_tty_port_operations = {
};

static int __init lkljs_tty_init(void)
{
	struct tty_driver *driver;
	int err;

	driver = tty_alloc_driver(1, TTY_DRIVER_REAL_RAW |
				     TTY_DRIVER_RESET_TERMIOS);
	if (IS_ERR(driver))
		return PTR_ERR(driver);

	driver->driver_name = "lkljs";
	driver->name = "lkljs";
	driver->type = TTY_DRIVER_TYPE_CONSOLE;
	driver->init_termios = tty_std_termios;
	tty_set_operations(driver, &lkljs_tty_operations);

	tty_port_init(&lkljs_tty_port);
	lkljs_tty_port.ops = &lkljs_tty_port_operations;
	tty_port_link_device(&lkljs_tty_port, driver, 0);

	err = tty_register_driver(driver);
	if (err) {
		tty_driver_kref_put(driver);
		tty_port_destroy(&lkljs_tty_port);
		return err;
	}
	lkljs_tty_driver = driver;
	return 0;
}
device_initcall(lkljs_tty_init);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel console and the terminal behind /dev/console.
 *
 * Output: the kernel log goes to the host as text; the tty's output goes to
 * the host as raw bytes, exactly as the line discipline produced them.
 *
 * Input: the host puts what is typed into a ring of its own and raises
 * LKLJS_CONSOLE_IRQ. The interrupt schedules a work item that moves the
 * bytes into the tty's flip buffer (tty_insert_flip_string) and pushes
 * them to the line discipline, the kernel's own n_tty: echo, erase, ^C, ^Z,
 * ^\ to the foreground process group, canonical and raw modes all come from
 * there. What the flip buffer cannot take stays in the host's ring until the
 * line discipline asks for more (unthrottle) or the host types again.
 *
 * Window size: the host's resize becomes tty_do_resize(), which stores the
 * size for TIOCGWINSZ and sends SIGWINCH to the foreground process group.
 *
 * End of input: when the host's input is a pipe or file that has ended, the
 * console answers every read that would wait for input with the EOF
 * character (VEOF, ^D) once the bytes before it are read, as a pipe at its
 * end would: a shell reading the console then exits. It is checked every
 * tick while a reader waits, so the EOF never overtakes typed bytes.
 */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kmsg_dump.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
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

static void lkljs_tty_input_work(struct work_struct *work);
static DECLARE_WORK(lkljs_tty_input, lkljs_tty_input_work);
static void lkljs_tty_end_of_input_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(lkljs_tty_end_of_input, lkljs_tty_end_of_input_work);

/* Moves the host's input into the flip buffer; false if some is left. */
static bool lkljs_tty_take_input(void)
{
	bool all_taken = true;
	bool pushed = false;

	for (;;) {
		const char *bytes;
		unsigned long length = lkljs_host_console_input_peek(&bytes);
		int taken;

		if (!length)
			break;
		taken = tty_insert_flip_string(&lkljs_tty_port, bytes, length);
		if (taken > 0) {
			lkljs_host_console_input_consume(taken);
			pushed = true;
		}
		if (taken < length) {
			all_taken = false;
			break;
		}
	}
	if (pushed)
		tty_flip_buffer_push(&lkljs_tty_port);
	return all_taken;
}

static void lkljs_tty_input_work(struct work_struct *work)
{
	struct tty_struct *tty = tty_port_tty_get(&lkljs_tty_port);
	unsigned short columns, rows;
	bool all_taken;

	/* Without an open tty the input waits in the host's ring. */
	if (!tty)
		return;
	if (lkljs_host_console_take_size(&columns, &rows)) {
		struct winsize size = { .ws_row = rows, .ws_col = columns };

		tty_do_resize(tty, &size);
	}
	all_taken = lkljs_tty_take_input();
	if (all_taken && lkljs_host_console_input_ended())
		schedule_delayed_work(&lkljs_tty_end_of_input, 1);
	tty_kref_put(tty);
}

static void lkljs_tty_end_of_input_work(struct work_struct *work)
{
	struct tty_struct *tty = tty_port_tty_get(&lkljs_tty_port);
	const char *unused;

	if (!tty)
		return;
	/*
	 * Only once every typed byte has left the host's ring (the flip buffer
	 * keeps the order) and a reader waits, in read or poll, for more.
	 */
	if (!lkljs_host_console_input_peek(&unused) &&
	    waitqueue_active(&tty->read_wait)) {
		char eof = tty->termios.c_cc[VEOF];

		if (tty_insert_flip_string(&lkljs_tty_port, &eof, 1) == 1)
			tty_flip_buffer_push(&lkljs_tty_port);
	}
	tty_kref_put(tty);
	schedule_delayed_work(&lkljs_tty_end_of_input, 1);
}

/* Set once the interrupt is requested; before that the open drains. */
static bool lkljs_console_can_interrupt;

void lkljs_console_kick(void)
{
	if (__atomic_load_n(&lkljs_console_can_interrupt, __ATOMIC_ACQUIRE))
		lkljs_raise_irq(LKLJS_CONSOLE_IRQ);
}

static irqreturn_t lkljs_console_interrupt(int irq, void *dev_id)
{
	schedule_work(&lkljs_tty_input);
	return IRQ_HANDLED;
}

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
	lkljs_host_tty_write((const char *)buffer, count);
	return count;
}

/* The host takes any amount at once. */
static unsigned int lkljs_tty_write_room(struct tty_struct *tty)
{
	return PAGE_SIZE;
}

/* The line discipline has room again: take what the host still holds. */
static void lkljs_tty_unthrottle(struct tty_struct *tty)
{
	schedule_work(&lkljs_tty_input);
}

static const struct tty_operations lkljs_tty_operations = {
	.open		= lkljs_tty_open,
	.close		= lkljs_tty_close,
	.write		= lkljs_tty_write,
	.write_room	= lkljs_tty_write_room,
	.unthrottle	= lkljs_tty_unthrottle,
};

/* Input typed before the first open is delivered once the tty is open. */
static int lkljs_tty_activate(struct tty_port *port, struct tty_struct *tty)
{
	schedule_work(&lkljs_tty_input);
	return 0;
}

static const struct tty_port_operations lkljs_tty_port_operations = {
	.activate	= lkljs_tty_activate,
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
	if (err)
		goto fail;
	err = request_irq(LKLJS_CONSOLE_IRQ, lkljs_console_interrupt, 0,
			  "console input", NULL);
	if (err) {
		tty_unregister_driver(driver);
		goto fail;
	}
	lkljs_tty_driver = driver;
	__atomic_store_n(&lkljs_console_can_interrupt, true, __ATOMIC_RELEASE);
	return 0;
fail:
	tty_driver_kref_put(driver);
	tty_port_destroy(&lkljs_tty_port);
	return err;
}
device_initcall(lkljs_tty_init);

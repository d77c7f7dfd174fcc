// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of the console tty (arch/lkljs/kernel/console.c): the
 * ring of typed bytes the kernel drains, the window size, the end of input,
 * and the tty's output. The C API is in lkljs.h; JavaScript reaches it
 * through Module.lkljs.console (lkljs-api.js).
 *
 * Any host thread (and the browser's main thread, which must not block)
 * may type: writers take a spin lock for the few instructions of a copy,
 * and the kernel, the one reader, only moves the head.
 */
#include <emscripten.h>

#include <lkljs-host.h>
#include "host.h"
#include "lkljs.h"

#define LKLJS_CONSOLE_RING (64 * 1024)

static char lkljs_console_ring[LKLJS_CONSOLE_RING];
/* Free-running counts of bytes read and written; equal when empty. */
static unsigned long lkljs_console_head, lkljs_console_tail;
static int lkljs_console_writer_lock;
static int lkljs_console_ended;
/* columns << 16 | rows of a resize the kernel has not taken; 0 if none. */
static unsigned int lkljs_console_new_size;
static void (*lkljs_console_output_hook)(const char *, unsigned long, void *);
static void *lkljs_console_output_argument;

unsigned long lkljs_console_input(const void *bytes, unsigned long length)
{
	const char *from = bytes;
	unsigned long head, tail, taken;

	while (__atomic_exchange_n(&lkljs_console_writer_lock, 1, __ATOMIC_ACQUIRE))
		;
	head = __atomic_load_n(&lkljs_console_head, __ATOMIC_ACQUIRE);
	tail = lkljs_console_tail;
	for (taken = 0; taken < length && tail - head < LKLJS_CONSOLE_RING; taken++, tail++)
		lkljs_console_ring[tail % LKLJS_CONSOLE_RING] = from[taken];
	__atomic_store_n(&lkljs_console_tail, tail, __ATOMIC_RELEASE);
	__atomic_store_n(&lkljs_console_writer_lock, 0, __ATOMIC_RELEASE);
	if (taken)
		lkljs_console_kick();
	return taken;
}

void lkljs_console_end_input(void)
{
	__atomic_store_n(&lkljs_console_ended, 1, __ATOMIC_RELEASE);
	lkljs_console_kick();
}

void lkljs_console_resize(unsigned int columns, unsigned int rows)
{
	if (columns > 0xffff)
		columns = 0xffff;
	if (rows > 0xffff)
		rows = 0xffff;
	__atomic_store_n(&lkljs_console_new_size, columns << 16 | rows,
			 __ATOMIC_RELEASE);
	lkljs_console_kick();
}

void lkljs_console_set_output(void (*output)(const char *bytes,
					     unsigned long length,
					     void *argument),
			      void *argument)
{
	lkljs_console_output_argument = argument;
	__atomic_store_n(&lkljs_console_output_hook, output, __ATOMIC_RELEASE);
}

/* For Module.lkljs.console, which cannot take the C API's names. */
EMSCRIPTEN_KEEPALIVE unsigned long lkljs_js_console_input(const void *bytes,
							  unsigned long length)
{
	return lkljs_console_input(bytes, length);
}

EMSCRIPTEN_KEEPALIVE void lkljs_js_console_end_input(void)
{
	lkljs_console_end_input();
}

EMSCRIPTEN_KEEPALIVE void lkljs_js_console_resize(unsigned int columns,
						  unsigned int rows)
{
	lkljs_console_resize(columns, rows);
}

unsigned long lkljs_host_console_input_peek(const char **bytes)
{
	unsigned long head = lkljs_console_head;
	unsigned long tail = __atomic_load_n(&lkljs_console_tail, __ATOMIC_ACQUIRE);
	unsigned long to_end = LKLJS_CONSOLE_RING - head % LKLJS_CONSOLE_RING;

	*bytes = lkljs_console_ring + head % LKLJS_CONSOLE_RING;
	return tail - head < to_end ? tail - head : to_end;
}

void lkljs_host_console_input_consume(unsigned long n)
{
	__atomic_store_n(&lkljs_console_head, lkljs_console_head + n,
			 __ATOMIC_RELEASE);
}

int lkljs_host_console_input_ended(void)
{
	return __atomic_load_n(&lkljs_console_ended, __ATOMIC_ACQUIRE);
}

int lkljs_host_console_take_size(unsigned short *columns, unsigned short *rows)
{
	unsigned int size = __atomic_exchange_n(&lkljs_console_new_size, 0,
						__ATOMIC_ACQ_REL);

	if (!size)
		return 0;
	*columns = size >> 16;
	*rows = size & 0xffff;
	return 1;
}

void lkljs_host_tty_write(const char *bytes, unsigned int length)
{
	void (*output)(const char *, unsigned long, void *) =
		__atomic_load_n(&lkljs_console_output_hook, __ATOMIC_ACQUIRE);

	if (output)
		output(bytes, length, lkljs_console_output_argument);
	/*
	 * On the main thread and synchronously, like the kernel log, so that
	 * the two keep their order and all is out before a later exit.
	 */
	MAIN_THREAD_EM_ASM({ Module.lkljs.console._output($0, $1); },
			   bytes, length);
}

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
 *
 * The tty's output goes the other way through a ring of its own, which the
 * main thread drains into Module.lkljs.console. The kernel, the one writer,
 * does not wait for the main thread: the line discipline writes an echo a
 * character at a time and a line as two writes (the text, then "\r\n"),
 * and a round trip to the main thread for each was much of the time that
 * `ls -l /proc` took in the page. A write asks the main thread for a drain
 * only if none is pending, so a burst of writes is delivered as one chunk.
 * Whatever else the main thread is asked for (a kernel log line, a panic,
 * the exit) drains the ring first, so the page and stdout keep the
 * kernel's order.
 */
#include <emscripten.h>
#include <emscripten/threading.h>
#include <string.h>

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

#define LKLJS_TTY_OUTPUT_RING (64 * 1024)

static char lkljs_tty_output_ring[LKLJS_TTY_OUTPUT_RING];
/* Free-running counts of bytes delivered and written; equal when empty. */
static unsigned long lkljs_tty_output_head, lkljs_tty_output_tail;
/* A drain is queued on the main thread and has not started yet. */
static int lkljs_tty_output_drain_queued;

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

/*
 * On the main thread: hands what the ring holds to Module.lkljs.console,
 * in at most two pieces (the ring's end, then its start). The flag is
 * cleared before the ring is read, so a write that this drain misses
 * queues another.
 */
EMSCRIPTEN_KEEPALIVE void lkljs_console_output_drain(void)
{
	__atomic_store_n(&lkljs_tty_output_drain_queued, 0, __ATOMIC_SEQ_CST);
	for (;;) {
		unsigned long head = lkljs_tty_output_head;
		unsigned long tail = __atomic_load_n(&lkljs_tty_output_tail,
						     __ATOMIC_SEQ_CST);
		unsigned long at = head % LKLJS_TTY_OUTPUT_RING;
		unsigned long length = tail - head;

		if (!length)
			return;
		if (length > LKLJS_TTY_OUTPUT_RING - at)
			length = LKLJS_TTY_OUTPUT_RING - at;
		EM_ASM({ Module.lkljs.console._output($0, $1); },
		       lkljs_tty_output_ring + at, length);
		__atomic_store_n(&lkljs_tty_output_head, head + length,
				 __ATOMIC_RELEASE);
	}
}

void lkljs_host_tty_write(const char *bytes, unsigned int length)
{
	void (*output)(const char *, unsigned long, void *) =
		__atomic_load_n(&lkljs_console_output_hook, __ATOMIC_ACQUIRE);

	if (output)
		output(bytes, length, lkljs_console_output_argument);
	while (length) {
		unsigned long head = __atomic_load_n(&lkljs_tty_output_head,
						     __ATOMIC_ACQUIRE);
		unsigned long tail = lkljs_tty_output_tail;
		unsigned long at = tail % LKLJS_TTY_OUTPUT_RING;
		unsigned long room = LKLJS_TTY_OUTPUT_RING - (tail - head);
		unsigned long taken = length;

		if (!room) {
			/* 64 KiB not yet shown: wait until they are. */
			emscripten_sync_run_in_main_runtime_thread(
				EM_FUNC_SIG_V, lkljs_console_output_drain);
			continue;
		}
		if (taken > room)
			taken = room;
		if (taken > LKLJS_TTY_OUTPUT_RING - at)
			taken = LKLJS_TTY_OUTPUT_RING - at;
		memcpy(lkljs_tty_output_ring + at, bytes, taken);
		__atomic_store_n(&lkljs_tty_output_tail, tail + taken,
				 __ATOMIC_SEQ_CST);
		bytes += taken;
		length -= taken;
	}
	if (__atomic_exchange_n(&lkljs_tty_output_drain_queued, 1,
				__ATOMIC_SEQ_CST))
		return;
	/*
	 * On the main thread (a kernel thread that is a coroutine there, such
	 * as the worker that echoes what is typed), once the current task is
	 * through, so that its writes also go as one chunk.
	 */
	if (emscripten_is_main_runtime_thread())
		EM_ASM({ queueMicrotask(_lkljs_console_output_drain); });
	else
		emscripten_async_run_in_main_runtime_thread(
			EM_FUNC_SIG_V, lkljs_console_output_drain);
}

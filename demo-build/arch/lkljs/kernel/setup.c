// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot: the host calls lkljs_start_kernel() on its boot thread with a block
 * of memory and a command line; that thread becomes the init task (and
 * later the idle task) and runs start_kernel().
 */
#include <linux/init.h>
#include <linux/start_kernel.h>
#include <linux/string.h>
#include <linux/panic_notifier.h>
#include <linux/notifier.h>
#include <linux/sched/task.h>
#include <lkljs-host.h>
#include <asm/lkljs.h>
#include <asm/setup.h>

static void *lkljs_memory;
static unsigned long lkljs_memory_size;
static const char *lkljs_command_line;

static int lkljs_panic_exit(struct notifier_block *block, unsigned long event,
			    void *message)
{
	/* A panic before the console exists must still be seen. */
	lkljs_console_emergency_flush();
	lkljs_host_panic(message);
	lkljs_host_exit(1);
}

static struct notifier_block lkljs_panic_block = {
	.notifier_call = lkljs_panic_exit,
	/* Run after every other handler has had its say. */
	.priority = INT_MIN,
};

void __init setup_arch(char **command_line)
{
	strscpy(boot_command_line, lkljs_command_line, COMMAND_LINE_SIZE);
	*command_line = boot_command_line;

	atomic_notifier_chain_register(&panic_notifier_list,
				       &lkljs_panic_block);

	/* The padding must own table slots 1 to 4096; see sections.c. */
	if (!lkljs_table_padding_holds())
		panic("lkljs: function table padding misplaced; link sections.o first");

	lkljs_setup_memory(lkljs_memory, lkljs_memory_size);
}

void lkljs_start_kernel(void *memory, unsigned long memory_size,
			const char *command_line, void *initrd,
			unsigned long initrd_size)
{
	lkljs_memory = memory;
	lkljs_memory_size = memory_size;
	lkljs_command_line = command_line;
	lkljs_set_initrd(initrd, initrd_size);

	lkljs_threads_init();
	start_kernel();
	/* start_kernel() ends in the idle loop and does not return. */
	lkljs_host_exit(4);
}

/*
 * seqlock.h's scoped_seqlock_read() calls this function, declared but defined
 * nowhere, in a state the compiler should prove impossible: a canary for poor
 * optimisation. With -Os the call folds away; with -Oz (build-kernel.sh) it
 * is not inlined far enough and the link fails. The header itself makes it
 * an empty function for compilers that cannot prove it (GCC 8 on some
 * architectures, KASAN builds); this is the same, out of line.
 */
void __scoped_seqlock_bug(void)
{
}

// SPDX-License-Identifier: GPL-2.0-only
/* /proc/cpuinfo: the one virtual CPU. */
#include <linux/seq_file.h>

static int lkljs_cpuinfo_show(struct seq_file *file, void *entry)
{
	seq_puts(file, "processor\t: 0\n"
		       "model name\t: WebAssembly (lkljs library OS)\n\n");
	return 0;
}

static void *lkljs_cpuinfo_start(struct seq_file *file, loff_t *position)
{
	return *position == 0 ? (void *)1 : NULL;
}

static void *lkljs_cpuinfo_next(struct seq_file *file, void *entry,
				loff_t *position)
{
	++*position;
	return NULL;
}

static void lkljs_cpuinfo_stop(struct seq_file *file, void *entry)
{
}

const struct seq_operations cpuinfo_op = {
	.start	= lkljs_cpuinfo_start,
	.next	= lkljs_cpuinfo_next,
	.stop	= lkljs_cpuinfo_stop,
	.show	= lkljs_cpuinfo_show,
};

// SPDX-License-Identifier: GPL-2.0-only
/* Copies standard input to standard output until end of file; exits 0. */
#include "lkljs-program.h"

__attribute__((export_name("_start"))) void _start(long *sp)
{
	char buffer[512];
	long count;

	while ((count = sys(LKLJS_NR_read, 0, buffer, sizeof(buffer))) > 0)
		if (sys(LKLJS_NR_write, 1, buffer, count) != count)
			exit_group(1);
	exit_group(count < 0 ? 1 : 0);
}

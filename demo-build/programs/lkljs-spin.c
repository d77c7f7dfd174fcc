// SPDX-License-Identifier: GPL-2.0-only
/*
 * Computes for argv[1] million rounds (default 500) without a single system
 * call, then exits 0. A program in user mode holds no CPU, so the kernel
 * and other programs must carry on meanwhile.
 */
#include "lkljs-program.h"

/* volatile: every round is a real load and store the compiler cannot fold. */
static volatile unsigned long rounds_done;

__attribute__((export_name("_start"))) void _start(long *sp)
{
	struct start_block block = start_block(sp);
	unsigned long millions = block.argc > 1 ? parse_number(block.argv[1]) : 500;
	unsigned long i;

	for (i = 0; i < millions * 1000000UL; i++)
		rounds_done++;
	exit_group(0);
}

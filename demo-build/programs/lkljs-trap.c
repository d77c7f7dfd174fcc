// SPDX-License-Identifier: GPL-2.0-only
/*
 * Traps in user code: an out-of-bounds load (SIGSEGV), or, with the
 * argument "unreachable", the unreachable instruction (SIGILL). The kernel
 * must kill only this process.
 */
#include "lkljs-program.h"

__attribute__((export_name("_start"))) void _start(long *sp)
{
	struct start_block block = start_block(sp);

	put(1, "lkljs-trap: about to trap\n");
	if (block.argc > 1 && same_prefix(block.argv[1], "unreachable"))
		__builtin_trap();
	/* Far beyond any memory a program can have (256 MiB at most). */
	exit_group(*(volatile int *)0xfffffff0);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reports what it was started with, on standard output: its PID and parent,
 * argv, the variable LKLJS_GREETING, AT_EXECFN, and whether descriptors 10
 * and 11 are open (lkljs-exec opens them). Exits with status 42.
 */
#include "lkljs-program.h"

#define AT_EXECFN 31

__attribute__((export_name("_start"))) void _start(long *sp)
{
	struct start_block block = start_block(sp);
	const char *greeting = environment(block.envp, "LKLJS_GREETING");
	const char *execfn = (const char *)auxv_value(block.auxv, AT_EXECFN);
	long i, fd;

	put(1, "hello from pid ");
	put_number(1, sys(LKLJS_NR_getpid));
	put(1, ", parent ");
	put_number(1, sys(LKLJS_NR_getppid));
	put(1, "\n");
	for (i = 0; i < block.argc; i++) {
		put(1, "argv[");
		put_number(1, i);
		put(1, "]=");
		put(1, block.argv[i]);
		put(1, "\n");
	}
	put(1, "LKLJS_GREETING=");
	put(1, greeting ? greeting : "(unset)");
	put(1, "\nexecfn=");
	put(1, execfn ? execfn : "(none)");
	put(1, "\n");
	for (fd = 10; fd <= 11; fd++) {
		put(1, "fd ");
		put_number(1, fd);
		put(1, sys(LKLJS_NR_fcntl64, fd, F_GETFD) >= 0 ? " open\n" : " closed\n");
	}
	exit_group(42);
}

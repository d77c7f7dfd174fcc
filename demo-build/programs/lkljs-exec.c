// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opens /etc/hostname as descriptor 10 (kept across exec) and /etc/motd as
 * descriptor 11 with O_CLOEXEC (closed by exec), then executes /bin/lkljs-hello
 * with argv { "lkljs-hello", "via-exec", argv[1...] } and its own
 * environment plus LKLJS_EXECED=1. Exits 1 if the exec fails.
 */
#include "lkljs-program.h"

#define MAX_ARGS 16
#define MAX_ENV 32

__attribute__((export_name("_start"))) void _start(long *sp)
{
	struct start_block block = start_block(sp);
	char *argv[MAX_ARGS + 3], *envp[MAX_ENV + 2];
	long i, count = 0, err;

	long kept = sys(LKLJS_NR_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);
	long closed = sys(LKLJS_NR_openat, AT_FDCWD, "/etc/motd", O_RDONLY);

	if (sys(LKLJS_NR_dup3, kept, 10, 0) != 10 ||
	    sys(LKLJS_NR_dup3, closed, 11, O_CLOEXEC) != 11) {
		put(2, "lkljs-exec: cannot open descriptors 10 and 11\n");
		exit_group(1);
	}
	argv[count++] = "lkljs-hello";
	argv[count++] = "via-exec";
	for (i = 1; i < block.argc && i <= MAX_ARGS; i++)
		argv[count++] = block.argv[i];
	argv[count] = 0;
	for (count = 0; block.envp[count] && count < MAX_ENV; count++)
		envp[count] = block.envp[count];
	envp[count++] = "LKLJS_EXECED=1";
	envp[count] = 0;

	err = sys(LKLJS_NR_execve, "/bin/lkljs-hello", argv, envp);
	put(2, "lkljs-exec: execve returned ");
	put_number(2, err);
	put(2, "\n");
	exit_group(1);
}

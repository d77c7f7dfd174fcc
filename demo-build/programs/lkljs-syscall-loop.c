// SPDX-License-Identifier: GPL-2.0-only
/*
 * A system call round trip from a program: calls getppid argv[1] times
 * (default 10000) and prints "N calls in T ns" on standard output. Exits 1
 * if getppid ever returns something other than the first answer.
 */
#include "lkljs-program.h"

struct timespec64 {
	long long seconds;
	long long nanoseconds;
};

static long long now_ns(void)
{
	struct timespec64 now;

	sys(LKLJS_NR_clock_gettime64, CLOCK_MONOTONIC, &now);
	return now.seconds * 1000000000LL + now.nanoseconds;
}

__attribute__((export_name("_start"))) void _start(long *sp)
{
	struct start_block block = start_block(sp);
	long calls = block.argc > 1 ? parse_number(block.argv[1]) : 10000;
	long parent = sys(LKLJS_NR_getppid), i;
	long long started = now_ns(), elapsed;

	for (i = 0; i < calls; i++)
		if (sys(LKLJS_NR_getppid) != parent)
			exit_group(1);
	elapsed = now_ns() - started;
	put_number(1, calls);
	put(1, " calls in ");
	put_number(1, elapsed);
	put(1, " ns\n");
	exit_group(0);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passes pointers outside its memory to system calls, which must fail with
 * EFAULT rather than trap or touch the kernel: write, read, openat and
 * clock_gettime64. Prints "efault: all calls failed with EFAULT" and exits
 * 0, or names the call that did not and exits 1.
 */
#include "lkljs-program.h"

/* Far beyond any memory a program can have (256 MiB at most). */
#define BAD_POINTER 0xfffff000UL

static void expect_efault(const char *call, long result)
{
	if (result == -EFAULT)
		return;
	put(1, "efault: ");
	put(1, call);
	put(1, " returned ");
	put_number(1, result);
	put(1, ", not -EFAULT\n");
	exit_group(1);
}

__attribute__((export_name("_start"))) void _start(long *sp)
{
	long fd = sys(LKLJS_NR_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);

	expect_efault("write", sys(LKLJS_NR_write, 1, BAD_POINTER, 16));
	expect_efault("read", sys(LKLJS_NR_read, fd, BAD_POINTER, 16));
	expect_efault("openat", sys(LKLJS_NR_openat, AT_FDCWD, BAD_POINTER, O_RDONLY));
	expect_efault("clock_gettime64", sys(LKLJS_NR_clock_gettime64, CLOCK_MONOTONIC, BAD_POINTER));
	/* Straddling the end of memory is as bad as lying beyond it. */
	expect_efault("write across the end of memory",
		      sys(LKLJS_NR_write, 1, 0x10000000UL - 4, 16));
	put(1, "efault: all calls failed with EFAULT\n");
	exit_group(0);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the self-test programs (proc-test, signal-test) share: CHECK, which
 * prints each failure as "FAIL function:line: ..." for the self-test cases
 * to show, the verdict line those cases look for, a monotonic clock and the
 * median of benchmark samples. Included by each program's single .c file.
 */
#ifndef LKLJS_TEST_SUPPORT_H
#define LKLJS_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int failures;

#define CHECK(condition, ...) do { \
	if (!(condition)) { \
		printf("FAIL %s:%d: ", __func__, __LINE__); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		failures++; \
	} \
} while (0)

/* "COMMAND: passed" or "COMMAND: FAILED", and the program's exit status. */
static int test_verdict(const char *command)
{
	printf("%s: %s\n", command, failures ? "FAILED" : "passed");
	return failures ? 1 : 0;
}

static long long now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static int compare_longs(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Sorts values in place. */
static long long median(long long *values, int count)
{
	qsort(values, count, sizeof(values[0]), compare_longs);
	return values[count / 2];
}

#endif

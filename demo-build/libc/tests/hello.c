/*
 * The libc's check program: exercises what a first user program needs of
 * the libc (stdio, malloc small and large, strtol, qsort, floating-point
 * formatting, argv and environ, files through system calls, exit status).
 * It prints what it finds; the checks compare that output with what a real
 * C library prints. Exit status: 0, or the argument of "--exit N".
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static jmp_buf jump_back;
static int dive(int depth)
{
	if (depth == 0) longjmp(jump_back, 42);
	return dive(depth - 1) + 1;
}

/* In a function of its own: a function that calls setjmp allocates its
 * setjmp table on entry, and main must not allocate before the brk test. */
static void jump_test(void)
{
	volatile int passes = 0;
	int jumped = setjmp(jump_back);
	passes++;
	if (!jumped) dive(10);
	printf("setjmp: returned %d on pass %d\n", jumped, passes);
}

static int constructed;
__attribute__((constructor)) static void construct(void)
{
	constructed = 42;
}

static _Thread_local int thread_local_counter = 7;

int main(int argc, char **argv)
{
	/* The break first, before anything allocates: once mappings lie above
	 * it, it cannot grow (as on any Linux when something is mapped right
	 * above it). musl's own brk() and sbrk(n) always fail by design, so the
	 * call is made directly. */
	long break_start = syscall(SYS_brk, 0);
	long break_grown = syscall(SYS_brk, break_start + 10000);
	if (break_grown == break_start + 10000) memset((void *)break_start, 1, 10000);
	long break_shrunk = syscall(SYS_brk, break_start);

	printf("hello from musl on lkljs\n");
	printf("constructor ran: %d, thread-local: %d\n", constructed, ++thread_local_counter);

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	const char *greeting = getenv("GREETING");
	printf("GREETING=%s\n", greeting ? greeting : "(unset)");
	int environment_count = 0;
	for (char **e = environ; *e; e++) environment_count++;
	printf("environ has %d entries\n", environment_count);

	/* Small blocks, reused after free. */
	char *small[64];
	for (int i = 0; i < 64; i++) {
		small[i] = malloc(16 + i);
		memset(small[i], 'a' + i % 26, 16 + i);
	}
	int small_ok = 1;
	for (int i = 0; i < 64; i++) {
		for (int j = 0; j < 16 + i; j++)
			if (small[i][j] != 'a' + i % 26) small_ok = 0;
		free(small[i]);
	}
	printf("small blocks: %s\n", small_ok ? "ok" : "CORRUPT");

	/* Large blocks come from mmap; freeing them returns their pages,
	 * which the next large block reuses, zeroed. */
	size_t large_size = 3 << 20;
	unsigned char *large = malloc(large_size);
	memset(large, 0xab, large_size);
	uintptr_t first_large = (uintptr_t)large;
	free(large);
	unsigned char *again = calloc(1, large_size);
	int zeroed = 1;
	for (size_t i = 0; i < large_size; i += 4096)
		if (again[i]) zeroed = 0;
	printf("large block: %s, pages %s, zeroed: %s\n", again ? "ok" : "FAILED",
		((uintptr_t)again & -4096) == (first_large & -4096) ? "reused" : "not reused", zeroed ? "yes" : "no");
	again = realloc(again, 2 * large_size);
	again[2 * large_size - 1] = 1;
	free(again);
	void *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap: %s, munmap: %d\n", page != MAP_FAILED ? "ok" : strerror(errno), munmap(page, 4096));
	printf("brk: %s\n", break_start % 4096 == 0 && break_grown == break_start + 10000 && break_shrunk == break_start ? "ok" : "FAILED");

	jump_test();

	char *end;
	printf("strtol: %ld %ld %ld\n", strtol("-12345", &end, 10), strtol("0x7f", &end, 16), strtol("0755", &end, 0));

	int numbers[] = { 42, -7, 19, 0, 1000, 3, 3, -100 };
	qsort(numbers, sizeof numbers / sizeof *numbers, sizeof *numbers, compare_ints);
	printf("qsort:");
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) printf(" %d", numbers[i]);
	printf("\n");

	char buffer[128];
	snprintf(buffer, sizeof buffer, "%.3f %e %g %.10Lf %a", 3.14159265, 12345.678, 0.0001, (long double)1 / 3, 1.0);
	printf("floats: %s\n", buffer);
	printf("strtod: %.6f\n", strtod("2.718281828", 0));

	/* Files through the kernel's system calls. */
	const char *path = argc > 1 && strcmp(argv[1], "--exit") ? argv[1] : "/tmp/hello.txt";
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0) {
		printf("open %s: %s\n", path, strerror(errno));
	} else {
		const char message[] = "written through the kernel\n";
		ssize_t written = write(fd, message, sizeof message - 1);
		off_t position = lseek(fd, 0, SEEK_SET);
		char readback[64] = { 0 };
		ssize_t got = read(fd, readback, sizeof readback - 1);
		struct stat st;
		int stat_result = fstat(fd, &st);
		close(fd);
		printf("file: wrote %zd, seek %lld, read %zd: %s", written, (long long)position, got, readback);
		printf("fstat: %d, size %lld, regular %d\n", stat_result, (long long)st.st_size, S_ISREG(st.st_mode));
	}
	printf("open missing: %d %s\n", open("/no/such/file", O_RDONLY), strerror(errno));
	fprintf(stderr, "to stderr\n");

	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--exit")) {
			printf("exiting with %s\n", argv[i + 1]);
			exit(atoi(argv[i + 1]));
		}
	return 0;
}

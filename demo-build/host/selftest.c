// SPDX-License-Identifier: GPL-2.0-only
/*
 * The self-test suite: real system calls from host threads into the
 * kernel, each case checking real results (return values, errno codes,
 * file contents, directory entries). Output is TAP on the console:
 * "1..N", then "ok K - name" or "not ok K - name # why", with "# ..."
 * diagnostics. selftest.js adds the clean-halt case and the summary line.
 *
 * The benchmark mode (lkljs_bench_run) prints "@@bench NAME VALUE" lines
 * that src/benches/kernel_alive.rs parses.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkljs-host.h>
#include "host.h"
#include "lkljs.h"
#include "lkljs-syscall-numbers.h"
#include "lkljs-uapi.h"

#define LKLJS_WHY_SIZE 200

/* Fails the current case with a reason unless the condition holds. */
#define EXPECT(condition, ...)						\
	do {								\
		if (!(condition)) {					\
			snprintf(why, LKLJS_WHY_SIZE, __VA_ARGS__);	\
			return 0;					\
		}							\
	} while (0)

static void lkljs_diagnostic(const char *text)
{
	char line[300];

	snprintf(line, sizeof(line), "# %s\n", text);
	lkljs_host_print(line);
}

static long lkljs_open(const char *path, long flags, long mode)
{
	return lkljs_call(LKLJS_NR_openat, LKLJS_AT_FDCWD, path, flags, mode);
}

/* Reads a whole small file into buffer (NUL-terminated); length or -errno. */
static long lkljs_read_file(const char *path, char *buffer, long size)
{
	long fd = lkljs_open(path, LKLJS_O_RDONLY, 0), total = 0, count;

	if (fd < 0)
		return fd;
	while (total < size - 1 &&
	       (count = lkljs_call(LKLJS_NR_read, fd, buffer + total,
				   size - 1 - total)) > 0)
		total += count;
	lkljs_call(LKLJS_NR_close, fd);
	buffer[total] = 0;
	return count < 0 ? count : total;
}

static long long lkljs_monotonic_ns(void)
{
	struct lkljs_timespec64 now;

	if (lkljs_call(LKLJS_NR_clock_gettime64, LKLJS_CLOCK_MONOTONIC, &now))
		return -1;
	return now.sec * 1000000000LL + now.nsec;
}

static int lkljs_sleep_ms(long milliseconds)
{
	struct lkljs_timespec64 wait = {
		.sec = milliseconds / 1000,
		.nsec = (milliseconds % 1000) * 1000000LL,
	};

	return lkljs_call(LKLJS_NR_clock_nanosleep_time64,
			  LKLJS_CLOCK_MONOTONIC, 0, &wait, 0) == 0;
}

static int case_getpid(char *why)
{
	long pid = lkljs_call(LKLJS_NR_getpid);

	EXPECT(pid == 1, "getpid returned %ld", pid);
	EXPECT(lkljs_call(LKLJS_NR_getppid) == 0, "PID 1 has a parent");
	return 1;
}

static int case_uname(char *why)
{
	struct lkljs_utsname name;
	long err = lkljs_call(LKLJS_NR_uname, &name);

	EXPECT(err == 0, "uname returned %ld", err);
	EXPECT(!strcmp(name.sysname, "Linux"), "sysname is '%s'", name.sysname);
	EXPECT(!strncmp(name.release, "6.1.", 4), "release is '%s'", name.release);
	EXPECT(!strcmp(name.nodename, "lkljs"),
	       "nodename is '%s', not /etc/hostname's", name.nodename);
	return 1;
}

static int case_umask(char *why)
{
	long old = lkljs_call(LKLJS_NR_umask, 027);
	long mine = lkljs_call(LKLJS_NR_umask, old);

	EXPECT(old == 022, "the initial umask is %lo, not 022", old);
	EXPECT(mine == 027, "umask returned %lo after setting 027", mine);
	return 1;
}

static int case_create_close(char *why)
{
	long fd = lkljs_open("/tmp/selftest.txt",
			     LKLJS_O_CREAT | LKLJS_O_WRONLY | LKLJS_O_TRUNC,
			     0644);
	long err;

	EXPECT(fd >= 3, "openat(O_CREAT) returned %ld", fd);
	err = lkljs_call(LKLJS_NR_close, fd);
	EXPECT(err == 0, "close returned %ld", err);
	err = lkljs_call(LKLJS_NR_close, fd);
	EXPECT(err == -LKLJS_EBADF, "a second close returned %ld, not -EBADF", err);
	return 1;
}

static int case_failing_open(char *why)
{
	long fd = lkljs_open("/no/such/file", LKLJS_O_RDONLY, 0);

	EXPECT(fd == -LKLJS_ENOENT, "openat returned %ld, not -ENOENT", fd);
	fd = lkljs_open("/tmp/selftest.txt",
			LKLJS_O_CREAT | LKLJS_O_EXCL | LKLJS_O_WRONLY, 0644);
	EXPECT(fd == -LKLJS_EEXIST, "O_EXCL on an existing file returned %ld", fd);
	return 1;
}

static const char lkljs_text[] = "hello, kernel\n";
#define LKLJS_TEXT_LENGTH ((long)sizeof(lkljs_text) - 1)

static int case_read_write(char *why)
{
	char buffer[32] = { 0 };
	long long position = -1;
	long fd = lkljs_open("/tmp/selftest.txt", LKLJS_O_RDWR, 0);
	long count;

	EXPECT(fd >= 0, "openat returned %ld", fd);
	count = lkljs_call(LKLJS_NR_write, fd, lkljs_text, LKLJS_TEXT_LENGTH);
	EXPECT(count == LKLJS_TEXT_LENGTH, "write returned %ld", count);
	lkljs_call(LKLJS_NR_llseek, fd, 0, 0, &position, LKLJS_SEEK_SET);
	count = lkljs_call(LKLJS_NR_read, fd, buffer, sizeof(buffer));
	lkljs_call(LKLJS_NR_close, fd);
	EXPECT(count == LKLJS_TEXT_LENGTH, "read returned %ld", count);
	EXPECT(!memcmp(buffer, lkljs_text, count), "read back '%s'", buffer);
	return 1;
}

static int case_llseek(char *why)
{
	static const struct {
		long offset, whence;
		long long expected;
	} steps[] = {
		{ 5, LKLJS_SEEK_SET, 5 },
		{ 3, LKLJS_SEEK_CUR, 8 },
		{ -4, LKLJS_SEEK_END, LKLJS_TEXT_LENGTH - 4 },
	};
	char tail[8] = { 0 };
	long fd = lkljs_open("/tmp/selftest.txt", LKLJS_O_RDONLY, 0);
	unsigned int i;

	EXPECT(fd >= 0, "openat returned %ld", fd);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		long long position = -1;
		long high = steps[i].offset < 0 ? -1 : 0;
		long err = lkljs_call(LKLJS_NR_llseek, fd, high, steps[i].offset,
				      &position, steps[i].whence);

		EXPECT(err == 0 && position == steps[i].expected,
		       "llseek step %u: returned %ld, position %ld", i, err,
		       (long)position);
	}
	lkljs_call(LKLJS_NR_read, fd, tail, 4);
	lkljs_call(LKLJS_NR_close, fd);
	EXPECT(!strcmp(tail, "nel\n"), "read '%s' at SEEK_END - 4", tail);
	return 1;
}

static int case_fstat(char *why)
{
	struct lkljs_stat64 status;
	long fd = lkljs_open("/tmp/selftest.txt", LKLJS_O_RDONLY, 0);
	long err;

	EXPECT(fd >= 0, "openat returned %ld", fd);
	err = lkljs_call(LKLJS_NR_fstat64, fd, &status);
	lkljs_call(LKLJS_NR_close, fd);
	EXPECT(err == 0, "fstat64 returned %ld", err);
	EXPECT((status.mode & LKLJS_S_IFMT) == LKLJS_S_IFREG,
	       "mode %o is not a regular file", status.mode);
	EXPECT((status.mode & 0777) == 0644, "permissions are %o", status.mode & 0777);
	EXPECT(status.size == LKLJS_TEXT_LENGTH, "size is %ld", (long)status.size);
	return 1;
}

/* A 64-bit argument takes two slots, low word first. */
#define LKLJS_LOW(value)	((long)((unsigned long long)(value) & 0xffffffffU))
#define LKLJS_HIGH(value)	((long)((unsigned long long)(value) >> 32))

static int case_64bit_arguments(char *why)
{
	const long long four_gib = 1LL << 32;
	struct lkljs_stat64 status;
	char buffer[8] = { 0 };
	long fd = lkljs_open("/tmp/selftest.txt", LKLJS_O_RDWR, 0);
	long count, err;

	EXPECT(fd >= 0, "openat returned %ld", fd);
	count = lkljs_call(LKLJS_NR_pread64, fd, buffer, 3, LKLJS_LOW(7),
			   LKLJS_HIGH(7));
	EXPECT(count == 3 && !strcmp(buffer, "ker"),
	       "pread64 at 7 returned %ld: '%s'", count, buffer);
	/* A sparse 4 GiB file: only the high word says how big. */
	err = lkljs_call(LKLJS_NR_ftruncate64, fd, LKLJS_LOW(four_gib),
			 LKLJS_HIGH(four_gib));
	EXPECT(err == 0, "ftruncate64 to 4 GiB returned %ld", err);
	lkljs_call(LKLJS_NR_fstat64, fd, &status);
	EXPECT(status.size == four_gib, "the size is %lld, not 4 GiB",
	       status.size);
	err = lkljs_call(LKLJS_NR_ftruncate64, fd, LKLJS_TEXT_LENGTH, 0);
	lkljs_call(LKLJS_NR_fstat64, fd, &status);
	lkljs_call(LKLJS_NR_close, fd);
	EXPECT(err == 0 && status.size == LKLJS_TEXT_LENGTH,
	       "truncating back returned %ld, size %lld", err, status.size);
	return 1;
}

/*
 * Collects the names getdents64 returns for a directory into names (one
 * space-separated, sorted by the caller's expectation); returns the count.
 */
static long lkljs_list_directory(const char *path, char *names, long size)
{
	char buffer[2048];
	long fd = lkljs_open(path, LKLJS_O_RDONLY | LKLJS_O_DIRECTORY, 0);
	long count, entries = 0, used = 0;

	if (fd < 0)
		return fd;
	names[0] = 0;
	while ((count = lkljs_call(LKLJS_NR_getdents64, fd, buffer,
				   sizeof(buffer))) > 0) {
		long offset = 0;

		while (offset < count) {
			struct lkljs_dirent64 *entry =
				(struct lkljs_dirent64 *)(buffer + offset);

			used += snprintf(names + used, size - used, "%s%s",
					 used ? " " : "", entry->name);
			if (used >= size)
				used = size - 1;
			entries++;
			offset += entry->reclen;
		}
	}
	lkljs_call(LKLJS_NR_close, fd);
	return count < 0 ? count : entries;
}

static int lkljs_has_word(const char *words, const char *word)
{
	long length = strlen(word);
	const char *at = words;

	while ((at = strstr(at, word))) {
		if ((at == words || at[-1] == ' ') &&
		    (at[length] == ' ' || at[length] == 0))
			return 1;
		at += length;
	}
	return 0;
}

static int case_directories(char *why)
{
	struct lkljs_stat64 status;
	char names[256], line[300];
	long err, entries;
	const char *const files[] = { "/tmp/dir/alpha", "/tmp/dir/beta" };
	unsigned int i;

	err = lkljs_call(LKLJS_NR_mkdirat, LKLJS_AT_FDCWD, "/tmp/dir", 0755);
	EXPECT(err == 0, "mkdirat returned %ld", err);
	err = lkljs_call(LKLJS_NR_mkdirat, LKLJS_AT_FDCWD, "/tmp/dir", 0755);
	EXPECT(err == -LKLJS_EEXIST, "a second mkdirat returned %ld", err);
	err = lkljs_call(LKLJS_NR_fstatat64, LKLJS_AT_FDCWD, "/tmp/dir",
			 &status, 0);
	EXPECT(err == 0, "fstatat64 returned %ld", err);
	EXPECT((status.mode & LKLJS_S_IFMT) == LKLJS_S_IFDIR,
	       "mode %o is not a directory", status.mode);
	for (i = 0; i < 2; i++) {
		long fd = lkljs_open(files[i], LKLJS_O_CREAT | LKLJS_O_WRONLY,
				     0600);

		EXPECT(fd >= 0, "creating %s returned %ld", files[i], fd);
		lkljs_call(LKLJS_NR_close, fd);
	}
	entries = lkljs_list_directory("/tmp/dir", names, sizeof(names));
	snprintf(line, sizeof(line), "/tmp/dir holds: %s", names);
	lkljs_diagnostic(line);
	EXPECT(entries == 4, "getdents64 listed %ld entries: %s", entries, names);
	EXPECT(lkljs_has_word(names, ".") && lkljs_has_word(names, "..") &&
	       lkljs_has_word(names, "alpha") && lkljs_has_word(names, "beta"),
	       "getdents64 listed '%s'", names);
	return 1;
}

static int case_pipe(char *why)
{
	int fds[2] = { -1, -1 };
	char buffer[8] = { 0 };
	long err, count;

	err = lkljs_call(LKLJS_NR_pipe2, fds, LKLJS_O_NONBLOCK | LKLJS_O_CLOEXEC);
	EXPECT(err == 0, "pipe2 returned %ld", err);
	count = lkljs_call(LKLJS_NR_read, fds[0], buffer, sizeof(buffer));
	EXPECT(count == -LKLJS_EAGAIN, "reading an empty pipe returned %ld", count);
	count = lkljs_call(LKLJS_NR_write, fds[1], "pipe!", 5);
	EXPECT(count == 5, "write returned %ld", count);
	count = lkljs_call(LKLJS_NR_read, fds[0], buffer, sizeof(buffer));
	lkljs_call(LKLJS_NR_close, fds[0]);
	lkljs_call(LKLJS_NR_close, fds[1]);
	EXPECT(count == 5 && !memcmp(buffer, "pipe!", 5),
	       "read returned %ld: '%s'", count, buffer);
	return 1;
}

static int case_epoll(char *why)
{
	struct lkljs_epoll_event event = { .events = LKLJS_EPOLLIN, .data = 42 };
	struct lkljs_epoll_event ready[4];
	int fds[2] = { -1, -1 };
	long epoll, err, count;

	EXPECT(lkljs_call(LKLJS_NR_pipe2, fds, 0) == 0, "pipe2 failed");
	epoll = lkljs_call(LKLJS_NR_epoll_create1, 0);
	EXPECT(epoll >= 0, "epoll_create1 returned %ld", epoll);
	err = lkljs_call(LKLJS_NR_epoll_ctl, epoll, LKLJS_EPOLL_CTL_ADD, fds[0],
			 &event);
	EXPECT(err == 0, "epoll_ctl returned %ld", err);
	count = lkljs_call(LKLJS_NR_epoll_pwait, epoll, ready, 4, 0, 0, 8);
	EXPECT(count == 0, "epoll_pwait on an empty pipe returned %ld", count);
	lkljs_call(LKLJS_NR_write, fds[1], "x", 1);
	memset(ready, 0, sizeof(ready));
	count = lkljs_call(LKLJS_NR_epoll_pwait, epoll, ready, 4, 1000, 0, 8);
	lkljs_call(LKLJS_NR_close, epoll);
	lkljs_call(LKLJS_NR_close, fds[0]);
	lkljs_call(LKLJS_NR_close, fds[1]);
	EXPECT(count == 1, "epoll_pwait returned %ld after a write", count);
	EXPECT((ready[0].events & LKLJS_EPOLLIN) && ready[0].data == 42,
	       "event %x with data %ld", ready[0].events, (long)ready[0].data);
	return 1;
}

static int case_nanosleep(char *why)
{
	long long before = lkljs_monotonic_ns(), slept;
	char line[80];

	EXPECT(before >= 0, "clock_gettime64 failed");
	EXPECT(lkljs_sleep_ms(50), "clock_nanosleep_time64 failed");
	slept = lkljs_monotonic_ns() - before;
	snprintf(line, sizeof(line), "asked for 50 ms, slept %ld ms",
		 (long)(slept / 1000000));
	lkljs_diagnostic(line);
	EXPECT(slept >= 50000000LL && slept < 5000000000LL,
	       "slept %ld ms", (long)(slept / 1000000));
	return 1;
}

static int case_realtime_clock(char *why)
{
	struct lkljs_timespec64 kernel_now;
	long long kernel_ns, host_ns, apart_ms;

	EXPECT(lkljs_call(LKLJS_NR_clock_gettime64, LKLJS_CLOCK_REALTIME,
			  &kernel_now) == 0, "clock_gettime64(CLOCK_REALTIME) failed");
	host_ns = (long long)lkljs_host_wall_clock_ns();
	kernel_ns = kernel_now.sec * 1000000000LL + kernel_now.nsec;
	apart_ms = (host_ns - kernel_ns) / 1000000;
	/* The kernel read the host's clock once at boot and has kept time since. */
	EXPECT(apart_ms > -2000 && apart_ms < 2000,
	       "kernel calendar time is %lld ms away from the host's", apart_ms);
	return 1;
}

static int case_mount_proc(char *why)
{
	char comm[32];
	long err, fd;

	err = lkljs_call(LKLJS_NR_mkdirat, LKLJS_AT_FDCWD, "/tmp/proc", 0555);
	EXPECT(err == 0, "mkdirat returned %ld", err);
	err = lkljs_call(LKLJS_NR_mount, "proc", "/tmp/proc", "proc", 0, 0);
	EXPECT(err == 0, "mount returned %ld", err);
	err = lkljs_call(LKLJS_NR_chdir, "/tmp/proc");
	EXPECT(err == 0, "chdir returned %ld", err);
	/* A relative path: the cwd is the new mount. */
	err = lkljs_read_file("1/comm", comm, sizeof(comm));
	lkljs_call(LKLJS_NR_chdir, "/");
	/* Here PID 1 executed the host program (rdinit=/sbin/lkljs-host). */
	EXPECT(err > 0 && !strcmp(comm, "lkljs-host\n"),
	       "1/comm read %ld bytes: '%s'", err, comm);
	err = lkljs_call(LKLJS_NR_umount2, "/tmp/proc", 0);
	EXPECT(err == 0, "umount2 returned %ld", err);
	fd = lkljs_open("/tmp/proc/1/comm", LKLJS_O_RDONLY, 0);
	EXPECT(fd == -LKLJS_ENOENT, "after umount, opening 1/comm returned %ld", fd);
	return 1;
}

static int case_rootfs(char *why)
{
	static const char *const mounts[] = {
		" / rootfs ", "proc /proc proc ", "sysfs /sys sysfs ",
		"devtmpfs /dev devtmpfs ", "tmpfs /tmp tmpfs ",
	};
	char text[1024];
	long length;
	unsigned int i;

	length = lkljs_read_file("/proc/mounts", text, sizeof(text));
	EXPECT(length > 0, "reading /proc/mounts returned %ld", length);
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		EXPECT(strstr(text, mounts[i]), "/proc/mounts lacks '%s'",
		       mounts[i]);
	length = lkljs_read_file("/etc/hostname", text, sizeof(text));
	EXPECT(length == 6 && !strcmp(text, "lkljs\n"),
	       "/etc/hostname holds '%s'", text);
	length = lkljs_read_file("/sbin/lkljs-host", text, sizeof(text));
	EXPECT(length > 0 && !strncmp(text, "#!lkljs-host\n", 13),
	       "/sbin/lkljs-host starts '%.20s'", text);
	/* The init program that boot.js runs as PID 1: a wasm binary. */
	length = lkljs_read_file("/init", text, sizeof(text));
	EXPECT(length >= 4 && !memcmp(text, "\0asm", 4), "/init is no wasm binary");
	return 1;
}

/* /proc/PID/comm of every process into found, and the wanted ones shown. */
static int case_proc_tasks(char *why)
{
	char names[2048], path[40], comm[32], line[80];
	int kthreadd = 0, ksoftirqd = 0, kworker = 0;
	long entries = lkljs_list_directory("/proc", names, sizeof(names));
	const char *at = names;

	EXPECT(entries > 0, "listing /proc returned %ld", entries);
	while (*at) {
		const char *end = strchr(at, ' ');
		long length = end ? end - at : (long)strlen(at);
		int numeric = length > 0 && length < 10;
		long i;

		for (i = 0; i < length; i++)
			numeric &= at[i] >= '0' && at[i] <= '9';
		if (numeric) {
			snprintf(path, sizeof(path), "/proc/%.*s/comm",
				 (int)length, at);
			if (lkljs_read_file(path, comm, sizeof(comm)) > 0) {
				int wanted = 0;

				comm[strcspn(comm, "\n")] = 0;
				if (!strcmp(comm, "kthreadd"))
					wanted = kthreadd = 1;
				if (!strcmp(comm, "ksoftirqd/0"))
					wanted = ksoftirqd = 1;
				if (!strncmp(comm, "kworker/", 8))
					wanted = kworker = 1;
				if (wanted) {
					snprintf(line, sizeof(line), "%.*s %s",
						 (int)length, at, comm);
					lkljs_diagnostic(line);
				}
			}
		}
		at = end ? end + 1 : at + length;
	}
	EXPECT(kthreadd, "no kthreadd in /proc");
	EXPECT(ksoftirqd, "no ksoftirqd/0 in /proc");
	EXPECT(kworker, "no kworker in /proc");
	return 1;
}

struct lkljs_second_thread {
	long pid, tid, fd;
};

static void *lkljs_second_thread_main(void *result_pointer)
{
	struct lkljs_second_thread *result = result_pointer;

	result->pid = lkljs_call(LKLJS_NR_getpid);
	result->tid = lkljs_call(LKLJS_NR_gettid);
	result->fd = lkljs_open("/tmp/second.txt",
				LKLJS_O_CREAT | LKLJS_O_RDWR | LKLJS_O_TRUNC,
				0644);
	if (result->fd >= 0)
		lkljs_call(LKLJS_NR_write, result->fd, "second\n", 7);
	return NULL;
}

static int case_second_thread(char *why)
{
	struct lkljs_second_thread result = { 0 };
	long long position = -1;
	char text[16] = { 0 };
	long my_tid = lkljs_call(LKLJS_NR_gettid), count;
	pthread_t thread;

	EXPECT(!pthread_create(&thread, NULL, lkljs_second_thread_main, &result),
	       "pthread_create failed");
	pthread_join(thread, NULL);
	EXPECT(result.pid == 1, "getpid on the second thread returned %ld",
	       result.pid);
	EXPECT(result.tid > 1 && result.tid != my_tid,
	       "gettid on the second thread returned %ld (mine is %ld)",
	       result.tid, my_tid);
	EXPECT(result.fd >= 0, "openat on the second thread returned %ld",
	       result.fd);
	/* One file table for all of PID 1's threads: its fd works here. */
	lkljs_call(LKLJS_NR_llseek, result.fd, 0, 0, &position, LKLJS_SEEK_SET);
	count = lkljs_call(LKLJS_NR_read, result.fd, text, sizeof(text) - 1);
	lkljs_call(LKLJS_NR_close, result.fd);
	EXPECT(count == 7 && !strcmp(text, "second\n"),
	       "reading its fd here returned %ld: '%s'", count, text);
	return 1;
}

#define LKLJS_THREADS 8
#define LKLJS_CALLS_PER_THREAD 100

struct lkljs_worker {
	int index;
	int errors;
	long fd;
};

/* 100 calls: getpid, then writes of "index:call\n" to a file of its own. */
static void *lkljs_worker_main(void *worker_pointer)
{
	struct lkljs_worker *worker = worker_pointer;
	char path[32], record[16];
	int call;

	snprintf(path, sizeof(path), "/tmp/worker%d", worker->index);
	worker->fd = lkljs_open(path, LKLJS_O_CREAT | LKLJS_O_WRONLY |
				LKLJS_O_TRUNC, 0644);
	if (worker->fd < 0) {
		worker->errors++;
		return NULL;
	}
	for (call = 2; call < LKLJS_CALLS_PER_THREAD; call++) {
		if (call % 2) {
			int length = snprintf(record, sizeof(record), "%d:%d\n",
					      worker->index, call);

			if (lkljs_call(LKLJS_NR_write, worker->fd, record,
				       length) != length)
				worker->errors++;
		} else if (lkljs_call(LKLJS_NR_getpid) != 1) {
			worker->errors++;
		}
	}
	if (lkljs_call(LKLJS_NR_close, worker->fd))
		worker->errors++;
	return NULL;
}

static int case_many_threads(char *why)
{
	struct lkljs_worker workers[LKLJS_THREADS];
	pthread_t threads[LKLJS_THREADS];
	char text[1024], expected[1024], path[32];
	int i, call;

	for (i = 0; i < LKLJS_THREADS; i++) {
		workers[i] = (struct lkljs_worker){ .index = i };
		EXPECT(!pthread_create(&threads[i], NULL, lkljs_worker_main,
				       &workers[i]),
		       "pthread_create %d failed", i);
	}
	for (i = 0; i < LKLJS_THREADS; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < LKLJS_THREADS; i++) {
		long used = 0;

		EXPECT(!workers[i].errors, "thread %d saw %d wrong results", i,
		       workers[i].errors);
		for (call = 3; call < LKLJS_CALLS_PER_THREAD; call += 2)
			used += snprintf(expected + used, sizeof(expected) - used,
					 "%d:%d\n", i, call);
		snprintf(path, sizeof(path), "/tmp/worker%d", i);
		EXPECT(lkljs_read_file(path, text, sizeof(text)) == used &&
		       !strcmp(text, expected),
		       "%s does not hold thread %d's %d records", path, i,
		       LKLJS_CALLS_PER_THREAD / 2 - 1);
	}
	return 1;
}

struct lkljs_blocked_reader {
	int fd;
	long result;
	struct lkljs_host_thread *handle;
	struct lkljs_host_sem *started;
};

static void *lkljs_blocked_reader_main(void *reader_pointer)
{
	struct lkljs_blocked_reader *reader = reader_pointer;
	char byte;

	reader->handle = lkljs_this_thread();
	lkljs_host_sem_up(reader->started);
	reader->result = lkljs_call(LKLJS_NR_read, reader->fd, &byte, 1);
	return NULL;
}

static int case_interrupt(char *why)
{
	struct lkljs_blocked_reader reader = { 0 };
	int fds[2] = { -1, -1 };
	pthread_t thread;

	EXPECT(lkljs_call(LKLJS_NR_pipe2, fds, 0) == 0, "pipe2 failed");
	reader.fd = fds[0];
	reader.started = lkljs_host_sem_alloc(0);
	EXPECT(reader.started, "no semaphore");
	EXPECT(!pthread_create(&thread, NULL, lkljs_blocked_reader_main, &reader),
	       "pthread_create failed");
	lkljs_host_sem_down(reader.started);
	/* Give the read time to go to sleep in the kernel. */
	lkljs_sleep_ms(100);
	lkljs_interrupt(reader.handle);
	pthread_join(thread, NULL);
	lkljs_host_sem_free(reader.started);
	lkljs_call(LKLJS_NR_close, fds[0]);
	lkljs_call(LKLJS_NR_close, fds[1]);
	EXPECT(reader.result == -LKLJS_EINTR,
	       "the interrupted read returned %ld, not -EINTR", reader.result);
	return 1;
}

static int case_loopback_up(char *why)
{
	struct lkljs_ifreq request = { .name = "lo" };
	long err = lkljs_loopback_up(), fd;

	EXPECT(err == 0, "SIOCSIFFLAGS on lo returned %ld", err);
	fd = lkljs_call(LKLJS_NR_socket, LKLJS_AF_INET, LKLJS_SOCK_DGRAM, 0);
	EXPECT(fd >= 0, "socket returned %ld", fd);
	err = lkljs_call(LKLJS_NR_ioctl, fd, LKLJS_SIOCGIFFLAGS, &request);
	lkljs_call(LKLJS_NR_close, fd);
	EXPECT(err == 0, "SIOCGIFFLAGS returned %ld", err);
	EXPECT((request.flags & (LKLJS_IFF_UP | LKLJS_IFF_LOOPBACK)) ==
	       (LKLJS_IFF_UP | LKLJS_IFF_LOOPBACK),
	       "lo flags are %x", request.flags);
	return 1;
}

/* A socket bound to 127.0.0.1 on a port the kernel picks; fd or -errno. */
static long lkljs_bound_socket(long type, struct lkljs_sockaddr_in *address)
{
	long length = sizeof(*address);
	long fd = lkljs_call(LKLJS_NR_socket, LKLJS_AF_INET, type, 0), err;

	if (fd < 0)
		return fd;
	*address = (struct lkljs_sockaddr_in){
		.family = LKLJS_AF_INET,
		.address = LKLJS_INADDR_LOOPBACK,
	};
	err = lkljs_call(LKLJS_NR_bind, fd, address, sizeof(*address));
	if (!err)
		err = lkljs_call(LKLJS_NR_getsockname, fd, address, &length);
	if (err) {
		lkljs_call(LKLJS_NR_close, fd);
		return err;
	}
	return fd;
}

static int case_tcp(char *why)
{
	struct lkljs_sockaddr_in address, peer;
	long peer_length = sizeof(peer);
	char buffer[16] = { 0 };
	long server, client, connection, err, count;
	char line[80];

	server = lkljs_bound_socket(LKLJS_SOCK_STREAM, &address);
	EXPECT(server >= 0, "binding a TCP socket returned %ld", server);
	err = lkljs_call(LKLJS_NR_listen, server, 4);
	EXPECT(err == 0, "listen returned %ld", err);
	client = lkljs_call(LKLJS_NR_socket, LKLJS_AF_INET, LKLJS_SOCK_STREAM, 0);
	EXPECT(client >= 0, "socket returned %ld", client);
	err = lkljs_call(LKLJS_NR_connect, client, &address, sizeof(address));
	EXPECT(err == 0, "connect to 127.0.0.1 returned %ld", err);
	connection = lkljs_call(LKLJS_NR_accept4, server, &peer, &peer_length, 0);
	EXPECT(connection >= 0, "accept4 returned %ld", connection);
	EXPECT(peer.address == LKLJS_INADDR_LOOPBACK,
	       "the peer address is %x", peer.address);
	count = lkljs_call(LKLJS_NR_sendto, client, "ping", 4, 0, 0, 0);
	EXPECT(count == 4, "send returned %ld", count);
	count = lkljs_call(LKLJS_NR_recvfrom, connection, buffer, sizeof(buffer),
			   0, 0, 0);
	EXPECT(count == 4 && !memcmp(buffer, "ping", 4),
	       "the server received %ld bytes: '%s'", count, buffer);
	count = lkljs_call(LKLJS_NR_sendto, connection, "pong", 4, 0, 0, 0);
	memset(buffer, 0, sizeof(buffer));
	count = lkljs_call(LKLJS_NR_recvfrom, client, buffer, sizeof(buffer),
			   0, 0, 0);
	EXPECT(count == 4 && !memcmp(buffer, "pong", 4),
	       "the client received %ld bytes: '%s'", count, buffer);
	snprintf(line, sizeof(line), "TCP 127.0.0.1:%d: ping/pong exchanged",
		 (address.port >> 8) | ((address.port & 0xff) << 8));
	lkljs_diagnostic(line);
	lkljs_call(LKLJS_NR_close, connection);
	lkljs_call(LKLJS_NR_close, client);
	lkljs_call(LKLJS_NR_close, server);
	return 1;
}

static int case_udp(char *why)
{
	struct lkljs_sockaddr_in address, source;
	long source_length = sizeof(source);
	char buffer[16] = { 0 };
	long receiver, sender, count;

	receiver = lkljs_bound_socket(LKLJS_SOCK_DGRAM, &address);
	EXPECT(receiver >= 0, "binding a UDP socket returned %ld", receiver);
	sender = lkljs_call(LKLJS_NR_socket, LKLJS_AF_INET, LKLJS_SOCK_DGRAM, 0);
	EXPECT(sender >= 0, "socket returned %ld", sender);
	count = lkljs_call(LKLJS_NR_sendto, sender, "datagram", 8, 0, &address,
			   sizeof(address));
	EXPECT(count == 8, "sendto returned %ld", count);
	count = lkljs_call(LKLJS_NR_recvfrom, receiver, buffer, sizeof(buffer),
			   0, &source, &source_length);
	lkljs_call(LKLJS_NR_close, sender);
	lkljs_call(LKLJS_NR_close, receiver);
	EXPECT(count == 8 && !memcmp(buffer, "datagram", 8),
	       "recvfrom returned %ld: '%s'", count, buffer);
	EXPECT(source.family == LKLJS_AF_INET &&
	       source.address == LKLJS_INADDR_LOOPBACK,
	       "the datagram came from family %d address %x", source.family,
	       source.address);
	return 1;
}

/* wait4(pid) with its status; the PID it returned, or -errno. */
static long lkljs_wait(long pid, int *status)
{
	*status = -1;
	return lkljs_call(LKLJS_NR_wait4, pid, status, 0, 0);
}

/*
 * Runs a program with its standard output on a pipe, reads the output to
 * the end (NUL-terminated in output) and reaps it. Returns its PID or a
 * negative errno from the spawn or the wait.
 */
static long lkljs_run_program(const char *path, char *const argv[],
			      char *const envp[], char *output, long size,
			      int *status)
{
	int pipe_fds[2] = { -1, -1 };
	long pid, total = 0, count, reaped;

	/* Close-on-exec: the child keeps only the write end, as its fd 1. */
	if (lkljs_call(LKLJS_NR_pipe2, pipe_fds, LKLJS_O_CLOEXEC))
		return -LKLJS_EAGAIN;
	pid = lkljs_spawn(path, argv, envp,
			  (const int[3]){ 0, pipe_fds[1], 2 });
	lkljs_call(LKLJS_NR_close, pipe_fds[1]);
	while (pid > 0 && total < size - 1 &&
	       (count = lkljs_call(LKLJS_NR_read, pipe_fds[0], output + total,
				   size - 1 - total)) > 0)
		total += count;
	output[total] = 0;
	lkljs_call(LKLJS_NR_close, pipe_fds[0]);
	if (pid < 0)
		return pid;
	reaped = lkljs_wait(pid, status);
	return reaped == pid ? pid : (reaped < 0 ? reaped : -LKLJS_EINVAL);
}

/* Whether text has a line that is exactly line. */
static int lkljs_has_line(const char *text, const char *line)
{
	long length = strlen(line);

	for (; *text; text = strchr(text, '\n') ? strchr(text, '\n') + 1 : "")
		if (!strncmp(text, line, length) &&
		    (text[length] == '\n' || !text[length]))
			return 1;
	return 0;
}

/* The first line of text missing from output, or NULL. */
static const char *lkljs_missing_line(const char *output,
				      const char *const lines[])
{
	for (; *lines; lines++)
		if (!lkljs_has_line(output, *lines))
			return *lines;
	return NULL;
}

static int case_spawn_exit_status(char *why)
{
	int status;
	long pid = lkljs_spawn("/bin/lkljs-hello", NULL, NULL, NULL);
	long reaped;

	EXPECT(pid > 1, "lkljs_spawn returned %ld", pid);
	reaped = lkljs_wait(pid, &status);
	EXPECT(reaped == pid, "wait4(%ld) returned %ld", pid, reaped);
	EXPECT(LKLJS_WIFEXITED(status) && LKLJS_WEXITSTATUS(status) == 42,
	       "wait4's status is %#x, not an exit with 42", status);
	reaped = lkljs_wait(pid, &status);
	EXPECT(reaped == -LKLJS_ECHILD, "a second wait4 returned %ld", reaped);
	return 1;
}

static int case_spawn_argv_envp_pipe(char *why)
{
	char *const argv[] = { "lkljs-hello", "one", "two words", NULL };
	char *const envp[] = { "OTHER=x", "LKLJS_GREETING=hi there", NULL };
	char output[1024], hello[64];
	const char *missing;
	int status;
	long pid = lkljs_run_program("/bin/lkljs-hello", argv, envp, output,
				     sizeof(output), &status);

	EXPECT(pid > 1, "running lkljs-hello returned %ld", pid);
	EXPECT(LKLJS_WIFEXITED(status) && LKLJS_WEXITSTATUS(status) == 42,
	       "wait4's status is %#x", status);
	snprintf(hello, sizeof(hello), "hello from pid %ld, parent 1", pid);
	missing = lkljs_missing_line(output, (const char *const[]){
		hello, "argv[0]=lkljs-hello", "argv[1]=one",
		"argv[2]=two words", "LKLJS_GREETING=hi there",
		"execfn=/bin/lkljs-hello", NULL });
	EXPECT(!missing, "no line '%s' in the output: '%.120s'", missing, output);
	EXPECT(!strstr(output, "argv[3]"), "argv has more than 3 entries");
	return 1;
}

static int case_exec_chain(char *why)
{
	char *const argv[] = { "lkljs-exec", "extra", NULL };
	char *const envp[] = { "LKLJS_GREETING=chain", NULL };
	char output[1024], hello[64];
	const char *missing;
	int status;
	long pid = lkljs_run_program("/bin/lkljs-exec", argv, envp, output,
				     sizeof(output), &status);

	EXPECT(pid > 1, "running lkljs-exec returned %ld", pid);
	EXPECT(LKLJS_WIFEXITED(status) && LKLJS_WEXITSTATUS(status) == 42,
	       "wait4's status is %#x (output '%.100s')", status, output);
	/* The same process, now running the other program. */
	snprintf(hello, sizeof(hello), "hello from pid %ld, parent 1", pid);
	missing = lkljs_missing_line(output, (const char *const[]){
		hello, "argv[0]=lkljs-hello", "argv[1]=via-exec",
		"argv[2]=extra", "LKLJS_GREETING=chain",
		"execfn=/bin/lkljs-hello", "fd 10 open", "fd 11 closed",
		NULL });
	EXPECT(!missing, "no line '%s' in the output: '%.120s'", missing, output);
	return 1;
}

static int case_trap_kills_only_the_program(char *why)
{
	static const struct {
		const char *argument;
		int signal;
	} traps[] = {
		{ "out-of-bounds", LKLJS_SIGSEGV },
		{ "unreachable", LKLJS_SIGILL },
	};
	char output[256];
	int status;
	unsigned int i;
	long pid;

	for (i = 0; i < sizeof(traps) / sizeof(traps[0]); i++) {
		char *const argv[] = { "lkljs-trap", (char *)traps[i].argument, NULL };

		pid = lkljs_run_program("/bin/lkljs-trap", argv, NULL, output,
					sizeof(output), &status);
		EXPECT(pid > 1, "running lkljs-trap %s returned %ld",
		       traps[i].argument, pid);
		EXPECT(lkljs_has_line(output, "lkljs-trap: about to trap"),
		       "lkljs-trap wrote '%s'", output);
		EXPECT(!LKLJS_WIFEXITED(status) &&
		       LKLJS_WTERMSIG(status) == traps[i].signal,
		       "lkljs-trap %s: status %#x, not killed by signal %d",
		       traps[i].argument, status, traps[i].signal);
	}
	/* The kernel and its programs carry on. */
	EXPECT(lkljs_call(LKLJS_NR_getpid) == 1, "getpid fails after a trap");
	pid = lkljs_run_program("/bin/lkljs-true", NULL, NULL, output,
				sizeof(output), &status);
	EXPECT(pid > 1 && status == 0,
	       "lkljs-true after the traps: %ld, status %#x", pid, status);
	return 1;
}

static int case_efault(char *why)
{
	char output[256];
	int status;
	long pid = lkljs_run_program("/bin/lkljs-efault", NULL, NULL, output,
				     sizeof(output), &status);

	EXPECT(pid > 1, "running lkljs-efault returned %ld", pid);
	EXPECT(status == 0 &&
	       lkljs_has_line(output, "efault: all calls failed with EFAULT"),
	       "status %#x, output '%s'", status, output);
	EXPECT(lkljs_call(LKLJS_NR_getpid) == 1, "getpid fails afterwards");
	return 1;
}

static int case_proc_status_of_child(char *why)
{
	int input[2] = { -1, -1 }, output[2] = { -1, -1 }, status;
	char path[40] = "", text[1024] = "", echo[16] = { 0 };
	long pid, count = -1, reaped;
	int ok;

	EXPECT(!lkljs_call(LKLJS_NR_pipe2, input, LKLJS_O_CLOEXEC) &&
	       !lkljs_call(LKLJS_NR_pipe2, output, LKLJS_O_CLOEXEC),
	       "pipe2 failed");
	pid = lkljs_spawn("/bin/lkljs-cat", NULL, NULL,
			  (const int[3]){ input[0], output[1], 2 });
	lkljs_call(LKLJS_NR_close, input[0]);
	lkljs_call(LKLJS_NR_close, output[1]);
	if (pid > 0) {
		/* lkljs-cat waits for input: it is running now. */
		snprintf(path, sizeof(path), "/proc/%ld/status", pid);
		count = lkljs_read_file(path, text, sizeof(text));
		lkljs_call(LKLJS_NR_write, input[1], "ping\n", 5);
		lkljs_call(LKLJS_NR_read, output[0], echo, sizeof(echo) - 1);
	}
	lkljs_call(LKLJS_NR_close, input[1]);
	lkljs_call(LKLJS_NR_close, output[0]);
	EXPECT(pid > 1, "lkljs_spawn returned %ld", pid);
	reaped = lkljs_wait(pid, &status);
	EXPECT(count > 0, "reading %s returned %ld", path, count);
	ok = lkljs_has_line(text, "Name:\tlkljs-cat") &&
	     lkljs_has_line(text, "PPid:\t1");
	if (ok) {
		char line[60];

		snprintf(line, sizeof(line), "/proc/%ld/status: Name: lkljs-cat, PPid: 1", pid);
		lkljs_diagnostic(line);
	}
	EXPECT(ok, "%s lacks Name lkljs-cat or PPid 1: '%.150s'", path, text);
	EXPECT(!strcmp(echo, "ping\n"), "lkljs-cat echoed '%s'", echo);
	EXPECT(reaped == pid && status == 0,
	       "wait4 returned %ld with status %#x after end of input", reaped,
	       status);
	return 1;
}

static int case_user_mode_holds_no_cpu(char *why)
{
	char *const argv[] = { "lkljs-spin", "500", NULL };
	long long started = lkljs_monotonic_ns(), answered;
	long pid = lkljs_spawn("/bin/lkljs-spin", argv, NULL, NULL), running;
	char line[120];
	int status, i;

	EXPECT(pid > 1, "lkljs_spawn returned %ld", pid);
	/* The program computes without a system call; the kernel answers. */
	for (i = 0; i < 5; i++)
		EXPECT(lkljs_sleep_ms(10), "a 10 ms sleep failed");
	answered = lkljs_monotonic_ns() - started;
	running = lkljs_call(LKLJS_NR_wait4, pid, &status, LKLJS_WNOHANG, 0);
	EXPECT(lkljs_wait(pid, &status) == pid && status == 0,
	       "lkljs-spin: status %#x", status);
	EXPECT(running == 0,
	       "lkljs-spin had ended before five 10 ms sleeps did (wait4 returned %ld)",
	       running);
	snprintf(line, sizeof(line),
		 "five 10 ms sleeps took %lld ms while lkljs-spin computed for %lld ms",
		 answered / 1000000, (lkljs_monotonic_ns() - started) / 1000000);
	lkljs_diagnostic(line);
	return 1;
}

static int case_spawn_failures(char *why)
{
	int status;
	long result = lkljs_spawn("/no/such/program", NULL, NULL, NULL);

	static const char text[] = "neither wasm nor a #! script\n";
	long fd;

	EXPECT(result == -LKLJS_ENOENT, "a missing program: %ld, not -ENOENT", result);
	/* Executable, but neither wasm nor a script. */
	fd = lkljs_open("/tmp/not-a-program", LKLJS_O_WRONLY | LKLJS_O_CREAT | LKLJS_O_TRUNC, 0755);
	EXPECT(fd >= 0, "create /tmp/not-a-program: %ld", fd);
	EXPECT(lkljs_call(LKLJS_NR_write, fd, text, sizeof(text) - 1) == (long)sizeof(text) - 1,
	       "write /tmp/not-a-program");
	lkljs_call(LKLJS_NR_close, fd);
	result = lkljs_spawn("/tmp/not-a-program", NULL, NULL, NULL);
	EXPECT(result == -LKLJS_ENOEXEC, "/tmp/not-a-program: %ld, not -ENOEXEC", result);
	/*
	 * The host program, which only the host's process (here PID 1, which
	 * exists) may execute: to anyone else "#!lkljs-host" is a script whose
	 * interpreter, lkljs-host, does not exist.
	 */
	result = lkljs_spawn("/sbin/lkljs-host", NULL, NULL, NULL);
	EXPECT(result == -LKLJS_ENOENT, "/sbin/lkljs-host: %ld, not -ENOENT", result);
	result = lkljs_call(LKLJS_NR_wait4, -1, &status, LKLJS_WNOHANG, 0);
	EXPECT(result == -LKLJS_ECHILD, "a failed spawn left a child: wait4 returned %ld", result);
	return 1;
}

/* The libc's own test program (demo-build/libc/tests/hello.c), built with
 * Debian's musl ported to the user ABI, run by the real kernel: stdio,
 * malloc on memory.grow, setjmp, float formatting, files through the VFS. */
static int case_musl_program(char *why)
{
	char *const argv[] = { "musl-hello", "/tmp/musl-hello.txt", "--exit", "3", NULL };
	char *const envp[] = { "GREETING=bonjour", NULL };
	char output[4096];
	const char *missing;
	int status;
	long pid = lkljs_run_program("/bin/musl-hello", argv, envp, output,
				     sizeof(output), &status);

	EXPECT(pid > 1, "running musl-hello returned %ld", pid);
	EXPECT(LKLJS_WIFEXITED(status) && LKLJS_WEXITSTATUS(status) == 3,
	       "wait4's status is %#x; output: '%.200s'", status, output);
	missing = lkljs_missing_line(output, (const char *const[]){
		"hello from musl on lkljs", "constructor ran: 42, thread-local: 8",
		"argc=4", "argv[0]=musl-hello", "argv[1]=/tmp/musl-hello.txt",
		"GREETING=bonjour", "small blocks: ok",
		"large block: ok, pages reused, zeroed: yes",
		"setjmp: returned 42 on pass 2", "qsort: -100 -7 0 3 3 19 42 1000",
		"floats: 3.142 1.234568e+04 0.0001 0.3333333333 0x1p+0",
		"file: wrote 27, seek 0, read 27: written through the kernel",
		"fstat: 0, size 27, regular 1",
		"open missing: -1 No such file or directory", "exiting with 3",
		NULL });
	EXPECT(!missing, "no line '%s' in the output: '%.300s'", missing, output);
	return 1;
}

/*
 * Process creation by programs (ABI v2): /bin/proc-test, built with the libc
 * from demo-build/musl-programs/proc-test.c, runs one sub-command, which
 * checks what it does itself ("FAIL" lines, a non-zero exit) and prints
 * what it saw; the lines are checked here too.
 */
static int lkljs_program_test(char *why, const char *program,
			      const char *command, const char *count,
			      const char *const lines[])
{
	char *const argv[] = { (char *)program, (char *)command, (char *)count, NULL };
	char *const envp[] = { "PROC_TEST=1", NULL };
	static char output[4096];
	char path[64];
	const char *missing, *failed;
	int status;
	long pid;

	snprintf(path, sizeof(path), "/bin/%s", program);
	pid = lkljs_run_program(path, argv, envp, output, sizeof(output),
				&status);
	EXPECT(pid > 1, "running %s %s returned %ld", program, command, pid);
	/* What it found wrong first, else the start of its output. */
	failed = strstr(output, "FAIL ");
	EXPECT(LKLJS_WIFEXITED(status) && LKLJS_WEXITSTATUS(status) == 0,
	       "%s %s: status %#x; output: '%.300s'", program, command, status,
	       failed ? failed : output);
	missing = lkljs_missing_line(output, lines);
	EXPECT(!missing, "%s %s: no line '%s' in '%.300s'", program, command,
	       missing, output);
	return 1;
}

static int lkljs_proc_test(char *why, const char *command, const char *count,
			   const char *const lines[])
{
	return lkljs_program_test(why, "proc-test", command, count, lines);
}

/*
 * Signals (ABI v2): /bin/signal-test, from demo-build/musl-programs/
 * signal-test.c, one sub-command per case, checked the same way.
 */
static int lkljs_signal_test(char *why, const char *command,
			     const char *const lines[])
{
	return lkljs_program_test(why, "signal-test", command, NULL, lines);
}

static int case_spawn_statuses(char *why)
{
	return lkljs_proc_test(why, "statuses", NULL, (const char *const[]){
		"exit 0: exited 0", "exit 42: exited 42",
		"kill-self: killed by signal 15",
		"posix_spawn of a missing program: No such file or directory",
		"statuses: passed", NULL });
}

static int case_clone_callback(char *why)
{
	return lkljs_proc_test(why, "clone", NULL, (const char *const[]){
		"clone callback: exited 7",
		"parent's memory after the child wrote its copy: unchanged",
		"clone with CLONE_VM alone: Invalid argument",
		"fork: Function not implemented",
		"vfork: Function not implemented", "clone: passed", NULL });
}

static int case_spawn_argv_envp(char *why)
{
	return lkljs_proc_test(why, "argv-envp", NULL, (const char *const[]){
		"argv[0]=proc-test", "argv[1]=print-args", "argv[2]=one",
		"argv[3]=two words", "argv[4]=", "env GREETING=bonjour",
		"env EMPTY=", "parent is a program", "argv-envp: passed", NULL });
}

static int case_pipe_between_programs(char *why)
{
	return lkljs_proc_test(why, "pipe", NULL, (const char *const[]){
		"child read 100000 bytes, then end of file",
		"write without a reader: Broken pipe",
		"child writing without a reader: killed by signal 13",
		"pipe: passed", NULL });
}

static int case_process_groups(char *why)
{
	return lkljs_proc_test(why, "groups", NULL, (const char *const[]){
		"both children in the first one's group: yes",
		"setpgid on a child that has exec'd: Permission denied",
		"setpgid(child, child) before exec: group its own",
		"kill(-pgid, SIGTERM) ended 2 of 2 children",
		"setsid child: session leader yes, group leader yes",
		"groups: passed", NULL });
}

/* Entries of a directory whose names are numbers: tasks, in /proc. */
static long lkljs_count_numbered(const char *path)
{
	static char names[8192];
	long count = 0, entries = lkljs_list_directory(path, names, sizeof(names));
	const char *name = names;

	if (entries < 0)
		return entries;
	for (; *name; name = strchr(name, ' ') ? strchr(name, ' ') + 1 : "")
		if (*name >= '0' && *name <= '9')
			count++;
	return count;
}

static int case_hundred_processes(char *why)
{
	long before = lkljs_count_numbered("/proc"), after;
	int threads_before = lkljs_host_live_threads();

	if (!lkljs_proc_test(why, "many", "100", (const char *const[]){
		"100 children started and reaped", "many: passed", NULL }))
		return 0;
	after = lkljs_count_numbered("/proc");
	/* A kworker may come or go meanwhile; 100 leftovers may not. */
	EXPECT(before > 0 && after <= before + 2,
	       "/proc listed %ld tasks before and %ld after", before, after);
	EXPECT(lkljs_host_live_threads() <= threads_before + 2,
	       "%d host threads live after 100 processes, %d before",
	       lkljs_host_live_threads(), threads_before);
	{
		char line[120];

		snprintf(line, sizeof(line),
			 "tasks in /proc: %ld before, %ld after; live host threads: %d before, %d after",
			 before, after, threads_before, lkljs_host_live_threads());
		lkljs_diagnostic(line);
	}
	return 1;
}

static int case_proc_cmdline(char *why)
{
	return lkljs_proc_test(why, "cmdline", NULL, (const char *const[]){
		"child cmdline: proc-test sleep 20000 marker argument ",
		"child environ: MARKER=visible ",
		"child's stat names its parent: yes",
		"own cmdline: proc-test cmdline ", "cmdline: passed", NULL });
}

static int case_signal_handlers(char *why)
{
	return lkljs_signal_test(why, "handlers", (const char *const[]){
		"SIGINT handler ran: 1 time(s)", "SIGTERM handler ran: 1 time(s)",
		"SIGTERM blocked in its handler: yes, after it: no",
		"SA_SIGINFO: signo 10, code SI_USER, pid own, context ok",
		"blocked SIGUSR1: pending yes, handled 0",
		"after unblocking: handled 1",
		"in the handler: SIGUSR1 blocked yes, sa_mask's SIGUSR2 blocked yes",
		"after the handler: SIGUSR1 blocked no, SIGUSR2 blocked no",
		"SA_NODEFER: SIGUSR1 blocked in the handler no",
		"SA_RESETHAND: handler reset to SIG_DFL yes",
		"sigaction(SIGKILL): Invalid argument", "handlers: passed", NULL });
}

static int case_signal_eintr(char *why)
{
	return lkljs_signal_test(why, "eintr", (const char *const[]){
		"read without SA_RESTART: -1 Interrupted system call, handler ran yes",
		"pause: -1 Interrupted system call, handler ran yes",
		"sigsuspend: -1 Interrupted system call, handler ran yes, SIGUSR1 blocked again yes",
		"SA_RESTART: read returned 1 'x' after 2 handler runs",
		"eintr: passed", NULL });
}

static int case_signal_sigchld(char *why)
{
	return lkljs_signal_test(why, "sigchld", (const char *const[]){
		"SIGCHLD handler: from the child yes, CLD_EXITED, status 0",
		"then waitpid: exited 0", "sigchld: passed", NULL });
}

static int case_signal_alarm(char *why)
{
	return lkljs_signal_test(why, "alarm", (const char *const[]){
		"setitimer 50 ms: SIGALRM handled after at least 40 ms",
		"interval timer: 3 deliveries",
		"alarm(1): SIGALRM after at least 900 ms", "alarm: passed", NULL });
}

static int case_signal_sigkill(char *why)
{
	return lkljs_signal_test(why, "sigkill", (const char *const[]){
		"blocked and ignored signals: still running yes",
		"SIGKILL: killed by signal 9", "sigkill: passed", NULL });
}

static int case_signal_stop(char *why)
{
	return lkljs_signal_test(why, "stop", (const char *const[]){
		"SIGSTOP: stopped by signal 19", "SIGSTOP after SIGCONT: continued",
		"then SIGKILL: killed by signal 9", "SIGTSTP: stopped by signal 20", "SIGTSTP after SIGCONT: continued",
		"then SIGUSR1: exited 50", "stop: passed", NULL });
}

static int case_signal_defaults(char *why)
{
	return lkljs_signal_test(why, "defaults", (const char *const[]){
		"default action of SIGTERM: killed by signal 15",
		"default action of SIGINT: killed by signal 2",
		"default action of SIGQUIT (core): killed by signal 3",
		"default action of SIGUSR2: killed by signal 12",
		"default action of SIGCHLD (ignored): exited 0",
		"default action of SIGWINCH (ignored): exited 0",
		"SIGPIPE handler: write -1 Broken pipe, handler ran yes",
		"kill(-pgid, SIGUSR1): first exited 50, second exited 50",
		"defaults: passed", NULL });
}

static int case_signal_longjmp(char *why)
{
	return lkljs_signal_test(why, "longjmp", (const char *const[]){
		"siglongjmp out of a handler: value 10, SIGUSR1 blocked after no",
		"siglongjmp out of a blocked read: value 14; then getpid works yes",
		"without saving the mask: SIGUSR1 blocked after yes", "jumps: 2",
		"longjmp: passed", NULL });
}

static int case_signal_altstack(char *why)
{
	return lkljs_signal_test(why, "altstack", (const char *const[]){
		"at start: disabled yes",
		"smaller than MINSIGSTKSZ: -1 Out of memory",
		"set: flags 0, main stack on it no",
		"SA_ONSTACK handler on the stack yes, sigaltstack says SS_ONSTACK yes, uc_stack yes",
		"changing the stack in use: Operation not permitted",
		"nested SA_ONSTACK handler on the stack yes, below the first yes, SS_ONSTACK yes",
		"after the handlers: flags 0, back on the main stack yes",
		"handler without SA_ONSTACK on the stack no",
		"after siglongjmp out: flags 0, on the main stack yes",
		"then an SA_ONSTACK handler on the stack again yes",
		"SS_AUTODISARM: on the stack yes, disabled in the handler yes, armed after yes",
		"SS_DISABLE: SA_ONSTACK handler on the stack no, flags 2",
		"altstack: passed", NULL });
}

/*
 * The line discipline from a program (/bin/tty-test, demo-build/
 * musl-programs/tty-test.c) on a pty pair of its own: echo with an erase,
 * the line read, ^C to the foreground process group.
 */
static int case_tty_line_discipline(char *why)
{
	return lkljs_program_test(why, "tty-test", "pty", NULL, (const char *const[]){
		"tty-test: typed line echoed with its erase yes, read as abc yes",
		"tty-test: ^C echoed yes, reader killed by signal 2", NULL });
}

static int case_signal_cpu_bound(char *why)
{
	return lkljs_signal_test(why, "cpu-bound", (const char *const[]){
		"beside a spinning child: another child exited 0, five 10 ms sleeps in under a second yes",
		"spinning child, SIGSTOP: stopped by signal 19",
		"spinning child, SIGCONT: continued",
		"spinning child, SIGKILL: killed by signal 9",
		"spinning child with a SIGINT handler that exits: exited 42",
		"cpu-bound: passed", NULL });
}

static const struct lkljs_case {
	const char *name;
	int (*run)(char *why);
} lkljs_cases[] = {
	{ "getpid returns 1", case_getpid },
	{ "uname reports Linux 6.1 and the host name from /etc/hostname", case_uname },
	{ "umask sets and returns the mask", case_umask },
	{ "openat creates a file, close frees the fd", case_create_close },
	{ "a failing openat reports ENOENT and EEXIST", case_failing_open },
	{ "write then read returns the same bytes", case_read_write },
	{ "llseek with SEEK_SET, SEEK_CUR and SEEK_END", case_llseek },
	{ "fstat64 reports a regular file, its mode and size", case_fstat },
	{ "pread64 and ftruncate64 take 64-bit offsets in two slots", case_64bit_arguments },
	{ "mkdirat, fstatat64 and getdents64", case_directories },
	{ "pipe2 carries bytes, non-blocking read reports EAGAIN", case_pipe },
	{ "epoll reports a readable pipe", case_epoll },
	{ "clock_nanosleep sleeps 50 ms", case_nanosleep },
	{ "the calendar clock starts from the host's clock", case_realtime_clock },
	{ "mount proc, chdir into it, umount", case_mount_proc },
	{ "the initramfs is unpacked and proc, sysfs, devtmpfs, tmpfs mounted", case_rootfs },
	{ "/proc lists kthreadd, ksoftirqd/0 and a kworker", case_proc_tasks },
	{ "a second host thread calls as a thread of PID 1", case_second_thread },
	{ "8 host threads make 100 calls each at once", case_many_threads },
	{ "an interrupt makes a blocked read return EINTR", case_interrupt },
	{ "lo is brought up with SIOCSIFFLAGS", case_loopback_up },
	{ "TCP connect, accept, send and receive over 127.0.0.1", case_tcp },
	{ "UDP sendto and recvfrom over 127.0.0.1", case_udp },
	{ "a spawned program exits with 42 and wait4 reaps it", case_spawn_exit_status },
	{ "argv and envp reach a program; its output comes through a pipe", case_spawn_argv_envp_pipe },
	{ "execve carries argv, envp and descriptors; the PID stays", case_exec_chain },
	{ "a trap kills only its program (SIGSEGV, SIGILL)", case_trap_kills_only_the_program },
	{ "bad pointers to system calls fail with EFAULT", case_efault },
	{ "/proc/PID/status of a running program shows its parent", case_proc_status_of_child },
	{ "spawning a missing or non-wasm program fails cleanly", case_spawn_failures },
	{ "a program computing in user mode holds no CPU: the kernel answers meanwhile", case_user_mode_holds_no_cpu },
	{ "a program built with musl runs: stdio, malloc, setjmp, files", case_musl_program },
	{ "posix_spawn + exec + wait: exit 0, exit 42, killed by SIGTERM", case_spawn_statuses },
	{ "clone with a callback runs in a copy of memory; fork, vfork: ENOSYS", case_clone_callback },
	{ "argv and envp carry across posix_spawn and exec", case_spawn_argv_envp },
	{ "a pipe between programs: EOF on close, EPIPE and SIGPIPE", case_pipe_between_programs },
	{ "process groups and sessions: setpgid, setsid, kill(-pgid)", case_process_groups },
	{ "100 processes are started and reaped, leaving no task or thread", case_hundred_processes },
	{ "/proc/PID/cmdline, environ and stat of a live child", case_proc_cmdline },
	{ "signal handlers run in the program: SIGINT, SIGTERM, SIGUSR1, SA_SIGINFO, masks, SA_NODEFER, SA_RESETHAND", case_signal_handlers },
	{ "a handler cuts read, pause and sigsuspend short (EINTR); SA_RESTART restarts the read", case_signal_eintr },
	{ "a SIGCHLD handler sees its child exit", case_signal_sigchld },
	{ "SIGALRM from setitimer (one-shot and interval) and alarm", case_signal_alarm },
	{ "SIGKILL ends a process that blocks or ignores every other signal", case_signal_sigkill },
	{ "SIGSTOP, SIGTSTP and SIGCONT, seen by wait4 with WUNTRACED and WCONTINUED", case_signal_stop },
	{ "default actions (terminate, core, ignore), SIGPIPE with a handler, kill(-pgid)", case_signal_defaults },
	{ "siglongjmp out of a handler, and out of a blocked read", case_signal_longjmp },
	{ "sigaltstack: SA_ONSTACK handlers run on it, nested too; SS_ONSTACK, EPERM, SS_AUTODISARM, SS_DISABLE", case_signal_altstack },
	{ "a program that never makes a system call: its parent keeps running; SIGSTOP, SIGCONT, SIGKILL and SIGINT reach it", case_signal_cpu_bound },
	{ "the tty's line discipline: echo, erase, a line read, ^C kills the foreground job (a pty)", case_tty_line_discipline },
};

#define LKLJS_CASES ((long)(sizeof(lkljs_cases) / sizeof(lkljs_cases[0])))

int lkljs_selftest_run(void)
{
	int failed = 0;
	char plan[32];
	long i;

	/* selftest.js adds one case, the clean halt, after these. */
	snprintf(plan, sizeof(plan), "1..%ld\n", LKLJS_CASES + 1);
	lkljs_host_print(plan);
	/* The suite may take a while; a hang still ends in the watchdog. */
	lkljs_host_watchdog_set(120 * 1000);
	for (i = 0; i < LKLJS_CASES; i++) {
		char why[LKLJS_WHY_SIZE] = "";
		char line[LKLJS_WHY_SIZE + 120];

		if (lkljs_cases[i].run(why)) {
			snprintf(line, sizeof(line), "ok %ld - %s\n", i + 1,
				 lkljs_cases[i].name);
		} else {
			snprintf(line, sizeof(line), "not ok %ld - %s # %s\n",
				 i + 1, lkljs_cases[i].name, why);
			failed++;
		}
		lkljs_host_print(line);
	}
	return failed;
}

/* MemFree from /proc/meminfo in KiB, or -1. */
static long lkljs_mem_free_kib(void)
{
	char text[512];
	const char *line;

	if (lkljs_read_file("/proc/meminfo", text, sizeof(text)) <= 0)
		return -1;
	line = strstr(text, "MemFree:");
	return line ? strtol(line + 8, NULL, 10) : -1;
}

static unsigned long long lkljs_elapsed_ns(unsigned long long since)
{
	return lkljs_host_time_ns() - since;
}

static void lkljs_bench_figure(const char *name, double value)
{
	char line[120];

	/* The kernel's snprintf has no %f: print thousandths by hand. */
	long long thousandths = (long long)(value * 1000.0 + 0.5);

	snprintf(line, sizeof(line), "@@bench %s %lld.%03lld\n", name,
		 thousandths / 1000, thousandths % 1000);
	lkljs_host_print(line);
}

static int lkljs_compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double lkljs_median(double *values, int count)
{
	qsort(values, count, sizeof(values[0]), lkljs_compare_doubles);
	return values[count / 2];
}

static void *lkljs_one_call_thread(void *unused)
{
	lkljs_call(LKLJS_NR_getpid);
	return NULL;
}

/*
 * Runs /bin/PROGRAM COMMAND ARGUMENT, which computes its own medians and
 * prints "NAME VALUE" lines, into output; 0, or -1 if it failed.
 */
static int lkljs_program_figures(const char *program, const char *command,
				 const char *argument, char *output, long size)
{
	char *const argv[] = { (char *)program, (char *)command, (char *)argument, NULL };
	char path[64];
	int status;

	snprintf(path, sizeof(path), "/bin/%s", program);
	if (lkljs_run_program(path, argv, NULL, output, size, &status) < 0 ||
	    status != 0)
		return -1;
	return 0;
}

/* Prints figure as the value after "name " in output, scaled, if it is there. */
static void lkljs_output_figure(const char *output, const char *name,
				const char *figure, double scale)
{
	const char *found = strstr(output, name);

	if (found)
		lkljs_bench_figure(figure, strtod(found + strlen(name) + 1, NULL) * scale);
}

/*
 * Signals (ABI v2): a handler's round trip, SIGKILL to a child that never
 * makes a system call until it is reaped, and what the loop check costs on
 * a tight loop (signal-test is built with it and, as
 * signal-test-unchecked, without).
 */
static void lkljs_bench_signals(void)
{
	char output[512];

	if (!lkljs_program_figures("signal-test", "bench", "15", output,
				   sizeof(output))) {
		lkljs_output_figure(output, "signal_round_trip_ns",
				    "signal_round_trip_us", 1e-3);
		lkljs_output_figure(output, "kill_spinning_child_reaped_ns",
				    "kill_spinning_child_ms", 1e-6);
	}
	if (!lkljs_program_figures("signal-test", "loop", "50000000", output,
				   sizeof(output)))
		lkljs_output_figure(output, "tight_loop_ns_per_round",
				    "loop_check_ns_per_round", 1);
	if (!lkljs_program_figures("signal-test-unchecked", "loop", "50000000",
				   output, sizeof(output)))
		lkljs_output_figure(output, "tight_loop_ns_per_round",
				    "loop_unchecked_ns_per_round", 1);
}

#define LKLJS_BENCH_ROUNDS 7
#define LKLJS_BENCH_CALLS 1000
#define LKLJS_BENCH_THREADS 10

/*
 * Figures for src/benches/kernel_alive.rs: "@@bench NAME VALUE" lines.
 * Boot time is measured by the host from kernel start to PID 1's hand-over.
 */
void lkljs_bench_run(void)
{
	double samples[LKLJS_BENCH_ROUNDS];
	long mem_free, low_water = lkljs_mem_free_kib();
	int round, i;

	lkljs_host_watchdog_set(120 * 1000);
	lkljs_bench_figure("boot_to_pid1_ms", lkljs_host_ready_ns / 1e6);

	/*
	 * The calls are timed on a machine at rest. For about a second after
	 * the boot the spare workers start and the engine compiles the
	 * kernel's hot functions, on both cores, and a call now and then
	 * waits milliseconds for one: timed at once, a round's median call
	 * took 5 to 10 µs but its mean 20 to 50.
	 */
	lkljs_sleep_ms(1000);
	for (round = 0; round < LKLJS_BENCH_ROUNDS; round++) {
		unsigned long long start = lkljs_host_time_ns();

		for (i = 0; i < LKLJS_BENCH_CALLS; i++)
			lkljs_call(LKLJS_NR_getpid);
		samples[round] = lkljs_elapsed_ns(start) / 1e3 / LKLJS_BENCH_CALLS;
	}
	lkljs_bench_figure("getpid_round_trip_us",
			   lkljs_median(samples, LKLJS_BENCH_ROUNDS));

	/* A host thread, its kernel task (made on its first call), its end. */
	for (round = 0; round < LKLJS_BENCH_ROUNDS; round++) {
		unsigned long long start = lkljs_host_time_ns();

		for (i = 0; i < LKLJS_BENCH_THREADS; i++) {
			pthread_t thread;

			if (pthread_create(&thread, NULL, lkljs_one_call_thread,
					   NULL))
				break;
			pthread_join(thread, NULL);
		}
		samples[round] = lkljs_elapsed_ns(start) / 1e6 / LKLJS_BENCH_THREADS;
		mem_free = lkljs_mem_free_kib();
		if (mem_free >= 0 && mem_free < low_water)
			low_water = mem_free;
	}
	lkljs_bench_figure("thread_and_task_create_ms",
			   lkljs_median(samples, LKLJS_BENCH_ROUNDS));

	/* A program started, executed and reaped: spawn, exec, exit, wait4. */
	for (round = 0; round < LKLJS_BENCH_ROUNDS; round++) {
		unsigned long long start = lkljs_host_time_ns();
		long pid = lkljs_spawn("/bin/lkljs-true", NULL, NULL, NULL);
		int status;

		if (pid < 0 || lkljs_wait(pid, &status) != pid)
			break;
		samples[round] = lkljs_elapsed_ns(start) / 1e6;
		mem_free = lkljs_mem_free_kib();
		if (mem_free >= 0 && mem_free < low_water)
			low_water = mem_free;
	}
	if (round == LKLJS_BENCH_ROUNDS)
		lkljs_bench_figure("spawn_exec_wait_ms",
				   lkljs_median(samples, LKLJS_BENCH_ROUNDS));

	/* getppid in a loop inside a program, timed by the program itself. */
	for (round = 0; round < LKLJS_BENCH_ROUNDS; round++) {
		char *const argv[] = { "lkljs-syscall-loop", "10000", NULL };
		char output[128];
		long long calls = 0, elapsed_ns = 0;
		char *after;
		int status;

		if (lkljs_run_program("/bin/lkljs-syscall-loop", argv, NULL,
				      output, sizeof(output), &status) < 0 ||
		    status != 0)
			break;
		calls = strtoll(output, &after, 10);
		if (strncmp(after, " calls in ", 10) || calls <= 0)
			break;
		elapsed_ns = strtoll(after + 10, NULL, 10);
		samples[round] = elapsed_ns / 1e3 / calls;
	}
	if (round == LKLJS_BENCH_ROUNDS)
		lkljs_bench_figure("user_getppid_round_trip_us",
				   lkljs_median(samples, LKLJS_BENCH_ROUNDS));

	/* posix_spawn + exec + wait of lkljs-true by a program (ABI v2's clone). */
	for (round = 0; round < LKLJS_BENCH_ROUNDS; round++) {
		char *const argv[] = { "proc-test", "bench", "50", NULL };
		char output[256];
		const char *figure;
		int status;

		if (lkljs_run_program("/bin/proc-test", argv, NULL, output,
				      sizeof(output), &status) < 0 ||
		    status != 0 ||
		    !(figure = strstr(output, "spawn_exec_wait_us ")))
			break;
		samples[round] = strtoll(figure + 19, NULL, 10) / 1e3;
	}
	if (round == LKLJS_BENCH_ROUNDS)
		lkljs_bench_figure("program_spawn_exec_wait_ms",
				   lkljs_median(samples, LKLJS_BENCH_ROUNDS));
	lkljs_bench_signals();
	lkljs_bench_figure("mem_free_low_water_kib", low_water);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * proc-test: process creation on the kernel (ABI v2, demo-build/README.md),
 * exercised through musl's own posix_spawn, clone, pipes, process groups
 * and /proc, as a program would use them. host/selftest.c runs one
 * sub-command per case and checks the lines it prints; a sub-command also
 * exits non-zero with a "FAIL" line when something it checks is wrong.
 *
 *   proc-test statuses        children exit with 0 and 42, one is killed
 *   proc-test clone           clone() with a callback; fork and vfork fail
 *   proc-test argv-envp       argv and envp across posix_spawn and exec
 *   proc-test pipe            a pipe to a child, EOF, then EPIPE and SIGPIPE
 *   proc-test groups          setpgid, setsid, kill(-pgid) reaching a group
 *   proc-test many N          N children started and reaped
 *   proc-test cmdline         /proc/PID/cmdline, environ and stat of a child
 *   proc-test bench N         median of N posix_spawn + exec + wait, in µs
 * and the children's parts:
 *   proc-test exit N | kill-self | print-args ARG... | count-input |
 *   write-to-closed | sleep MS [ARG...] | print-session
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "test-support.h"

extern char **environ;

static const char self[] = "/bin/proc-test";

/* Starts proc-test with the arguments after argv0; its pid, or -1. */
static pid_t spawn_with(const posix_spawn_file_actions_t *actions,
			const posix_spawnattr_t *attr, char *const argv[],
			char *const envp[])
{
	pid_t pid;
	int err = posix_spawn(&pid, self, actions, attr, argv,
			      envp ? envp : environ);

	if (err) {
		printf("FAIL posix_spawn %s %s: %s\n", argv[0], argv[1] ? argv[1] : "",
		       strerror(err));
		failures++;
		return -1;
	}
	return pid;
}

static int wait_for(pid_t pid)
{
	int status = -1;
	pid_t reaped = waitpid(pid, &status, 0);

	CHECK(reaped == pid, "waitpid(%d) returned %d: %s", pid, reaped,
	      strerror(errno));
	return status;
}

/* A child's output through a pipe, read to its end. */
static pid_t spawn_reading(char *const argv[], char *const envp[], char *output,
			   size_t size)
{
	posix_spawn_file_actions_t actions;
	int fds[2];
	size_t total = 0;
	ssize_t count;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		printf("FAIL pipe2: %s\n", strerror(errno));
		failures++;
		return -1;
	}
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
	pid = spawn_with(&actions, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	while (total < size - 1 &&
	       (count = read(fds[0], output + total, size - 1 - total)) > 0)
		total += count;
	output[total] = 0;
	close(fds[0]);
	return pid;
}

/* --- the children's parts --------------------------------------------- */

static int child_part(int argc, char **argv)
{
	const char *part = argv[1];

	if (!strcmp(part, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(part, "kill-self")) {
		kill(getpid(), SIGTERM);
		return 99;
	}
	if (!strcmp(part, "print-args")) {
		for (int i = 0; i < argc; i++)
			printf("argv[%d]=%s\n", i, argv[i]);
		for (char **e = environ; *e; e++)
			printf("env %s\n", *e);
		printf("parent %s\n", getppid() > 1 ? "is a program" : "is the host");
		return 0;
	}
	if (!strcmp(part, "count-input")) {
		char buffer[4096];
		long total = 0;
		ssize_t count;

		while ((count = read(0, buffer, sizeof(buffer))) > 0)
			total += count;
		printf("read %ld bytes, then %s\n", total,
		       count == 0 ? "end of file" : strerror(errno));
		return count == 0 ? 0 : 1;
	}
	if (!strcmp(part, "write-to-closed")) {
		/* Its reader is gone: SIGPIPE, whose default action kills. */
		write(1, "x", 1);
		return 98;
	}
	if (!strcmp(part, "sleep") && argc > 2) {
		struct timespec pause = { .tv_sec = atoi(argv[2]) / 1000,
					  .tv_nsec = atoi(argv[2]) % 1000 * 1000000L };

		nanosleep(&pause, NULL);
		return 0;
	}
	if (!strcmp(part, "print-session")) {
		pid_t me = getpid();

		printf("session leader %s, group leader %s\n",
		       getsid(0) == me ? "yes" : "no",
		       getpgid(0) == me ? "yes" : "no");
		return 0;
	}
	return -1;
}

/* --- the tests ---------------------------------------------------------- */

static void test_statuses(void)
{
	pid_t zero = spawn_with(NULL, NULL, (char *[]){ "proc-test", "exit", "0", NULL }, NULL);
	pid_t answer = spawn_with(NULL, NULL, (char *[]){ "proc-test", "exit", "42", NULL }, NULL);
	pid_t killed = spawn_with(NULL, NULL, (char *[]){ "proc-test", "kill-self", NULL }, NULL);
	pid_t missing;
	int status;

	status = wait_for(zero);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	printf("exit 0: exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	status = wait_for(answer);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42, "status %#x", status);
	printf("exit 42: exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	status = wait_for(killed);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
	printf("kill-self: killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);

	/* posix_spawn reports the exec's failure through its pipe. */
	int err = posix_spawn(&missing, "/no/such/program", NULL, NULL,
			      (char *[]){ "missing", NULL }, environ);
	printf("posix_spawn of a missing program: %s\n", strerror(err));
	CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD,
	      "a child is left after the failed spawn");
	/* system() is posix_spawn of /bin/sh, which the rootfs has not yet. */
}

static int shared_value = 1;
/* Set by the parent at run time: the child must find its TLS block. */
static _Thread_local int thread_value;

static int clone_child(void *arg)
{
	int *on_parent_stack = arg;

	if (thread_value != 5)
		return 3;
	/* The child's memory is a copy: the parent sees neither change. */
	shared_value = 2;
	*on_parent_stack += 100;
	return *on_parent_stack == 107 && getppid() > 1 ? 7 : 1;
}

static void test_clone(void)
{
	static char stack[16384];
	int value = 7, status;
	thread_value = 5;
	pid_t pid = clone(clone_child, stack + sizeof(stack), SIGCHLD, &value);

	CHECK(pid > 0, "clone returned %d: %s", pid, strerror(errno));
	status = wait_for(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status %#x", status);
	printf("clone callback: exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	CHECK(shared_value == 1 && value == 7, "the child changed the parent's memory");
	printf("parent's memory after the child wrote its copy: %s\n",
	       shared_value == 1 && value == 7 ? "unchanged" : "changed");

	/* CLONE_VM without CLONE_VFORK would share a memory: refused. */
	pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | SIGCHLD, &value);
	printf("clone with CLONE_VM alone: %s\n", pid < 0 ? strerror(errno) : "started");
	CHECK(pid < 0 && errno == EINVAL, "clone(CLONE_VM) returned %d", pid);

	pid = fork();
	printf("fork: %s\n", pid < 0 ? strerror(errno) : "returned");
	CHECK(pid < 0 && errno == ENOSYS, "fork returned %d", pid);
	pid = vfork();
	printf("vfork: %s\n", pid < 0 ? strerror(errno) : "returned");
	CHECK(pid < 0 && errno == ENOSYS, "vfork returned %d", pid);
}

static void test_argv_envp(void)
{
	char output[2048];
	pid_t pid = spawn_reading((char *[]){ "proc-test", "print-args", "one",
					      "two words", "", NULL },
				  (char *[]){ "GREETING=bonjour", "EMPTY=", NULL },
				  output, sizeof(output));
	int status = wait_for(pid);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	fputs(output, stdout);
}

static void test_pipe(void)
{
	posix_spawn_file_actions_t actions;
	char output[256];
	int to_child[2], from_child[2], status;
	pid_t pid;

	/* A child reads our writes until we close: end of file. */
	pipe2(to_child, O_CLOEXEC);
	pipe2(from_child, O_CLOEXEC);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
	posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
	pid = spawn_with(&actions, NULL, (char *[]){ "proc-test", "count-input", NULL }, NULL);
	posix_spawn_file_actions_destroy(&actions);
	close(to_child[0]);
	close(from_child[1]);
	char block[1000];
	memset(block, 'p', sizeof(block));
	for (int i = 0; i < 100; i++)
		CHECK(write(to_child[1], block, sizeof(block)) == sizeof(block),
		      "write %d: %s", i, strerror(errno));
	close(to_child[1]);
	ssize_t count = read(from_child[0], output, sizeof(output) - 1);
	output[count > 0 ? count : 0] = 0;
	close(from_child[0]);
	status = wait_for(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	printf("child %s", output);

	/* The reader is gone: our write fails with EPIPE (SIGPIPE ignored). */
	int fds[2];
	pipe2(fds, O_CLOEXEC);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	count = write(fds[1], "x", 1);
	printf("write without a reader: %s\n", count < 0 ? strerror(errno) : "succeeded");
	CHECK(count < 0 && errno == EPIPE, "write returned %zd", count);
	signal(SIGPIPE, SIG_DFL);

	/* A child with SIGPIPE's default action dies of it. */
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
	pid = spawn_with(&actions, NULL, (char *[]){ "proc-test", "write-to-closed", NULL }, NULL);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	status = wait_for(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "status %#x", status);
	printf("child writing without a reader: killed by signal %d\n",
	       WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

static int sleeping_child(void *unused)
{
	sleep(20);
	return 0;
}

static void test_groups(void)
{
	posix_spawnattr_t attr;
	char output[256];
	pid_t first, second, pid;
	int status;

	/* Two sleepers in a new group led by the first. */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	first = spawn_with(NULL, &attr, (char *[]){ "proc-test", "sleep", "20000", NULL }, NULL);
	posix_spawnattr_setpgroup(&attr, first);
	second = spawn_with(NULL, &attr, (char *[]){ "proc-test", "sleep", "20000", NULL }, NULL);
	posix_spawnattr_destroy(&attr);
	CHECK(getpgid(first) == first && getpgid(second) == first,
	      "groups %d and %d, not %d", getpgid(first), getpgid(second), first);
	printf("both children in the first one's group: %s\n",
	       getpgid(first) == first && getpgid(second) == first ? "yes" : "no");
	CHECK(getpgid(0) != first, "the parent is in the children's group");

	/* setpgid from the parent: refused once the child has exec'd... */
	pid = spawn_with(NULL, NULL, (char *[]){ "proc-test", "sleep", "20000", NULL }, NULL);
	int err = setpgid(pid, pid) ? errno : 0;
	printf("setpgid on a child that has exec'd: %s\n", err ? strerror(err) : "succeeded");
	CHECK(err == EACCES, "setpgid returned %s", strerror(err));
	kill(pid, SIGKILL);
	status = wait_for(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	/* ...allowed before: a clone child that sleeps without exec'ing. */
	static char stack[16384];
	pid = clone(sleeping_child, stack + sizeof(stack), SIGCHLD, NULL);
	CHECK(pid > 0, "clone: %s", strerror(errno));
	CHECK(setpgid(pid, pid) == 0 && getpgid(pid) == pid, "setpgid: %s", strerror(errno));
	printf("setpgid(child, child) before exec: group %s\n",
	       getpgid(pid) == pid ? "its own" : "unchanged");
	kill(pid, SIGKILL);
	status = wait_for(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);

	/* One kill reaches the whole group. */
	CHECK(kill(-first, SIGTERM) == 0, "kill(-%d): %s", first, strerror(errno));
	int reached = 0;
	for (int i = 0; i < 2; i++) {
		pid = waitpid(-first, &status, 0);
		if ((pid == first || pid == second) && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGTERM)
			reached++;
	}
	CHECK(reached == 2, "kill(-pgid) ended %d of 2 children", reached);
	printf("kill(-pgid, SIGTERM) ended %d of 2 children\n", reached);

	/* A child in a session of its own. */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	posix_spawn_file_actions_t actions;
	int fds[2];
	pipe2(fds, O_CLOEXEC);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
	pid = spawn_with(&actions, &attr, (char *[]){ "proc-test", "print-session", NULL }, NULL);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	close(fds[1]);
	ssize_t count = read(fds[0], output, sizeof(output) - 1);
	output[count > 0 ? count : 0] = 0;
	close(fds[0]);
	status = wait_for(pid);
	printf("setsid child: %s", output);
	CHECK(!strcmp(output, "session leader yes, group leader yes\n"), "'%s'", output);
}

static void test_many(int count)
{
	int reaped = 0, status;

	for (int i = 0; i < count; i++) {
		pid_t pid;

		if (posix_spawn(&pid, "/bin/lkljs-true", NULL, NULL,
				(char *[]){ "lkljs-true", NULL }, environ)) {
			printf("FAIL spawn %d: %s\n", i, strerror(errno));
			failures++;
			break;
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			reaped++;
	}
	CHECK(reaped == count, "%d of %d reaped with status 0", reaped, count);
	CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD,
	      "a child is left");
	printf("%d children started and reaped\n", reaped);
}

/* A file's bytes with NULs shown as spaces. */
static long read_file(const char *path, char *text, size_t size)
{
	int fd = open(path, O_RDONLY);
	long total = 0, count;

	if (fd < 0)
		return -1;
	while (total < (long)size - 1 &&
	       (count = read(fd, text + total, size - 1 - total)) > 0)
		total += count;
	close(fd);
	for (long i = 0; i < total; i++)
		if (!text[i])
			text[i] = ' ';
	text[total] = 0;
	return total;
}

static void test_cmdline(void)
{
	char path[64], text[512];
	pid_t pid = spawn_with(NULL, NULL,
			       (char *[]){ "proc-test", "sleep", "20000", "marker argument", NULL },
			       (char *[]){ "MARKER=visible", NULL });
	int status;

	/* A moment for the child to exec (posix_spawn waits for that already). */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	read_file(path, text, sizeof(text));
	printf("child cmdline: %s\n", text);
	CHECK(!strcmp(text, "proc-test sleep 20000 marker argument "), "'%s'", text);
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	read_file(path, text, sizeof(text));
	printf("child environ: %s\n", text);
	CHECK(!strcmp(text, "MARKER=visible "), "'%s'", text);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	read_file(path, text, sizeof(text));
	int ppid = 0;
	char *after = strrchr(text, ')');
	CHECK(after && sscanf(after, ") %*c %d", &ppid) == 1 && ppid == getpid(),
	      "stat '%s'", text);
	printf("child's stat names its parent: %s\n", ppid == getpid() ? "yes" : "no");
	read_file("/proc/self/cmdline", text, sizeof(text));
	printf("own cmdline: %s\n", text);
	CHECK(!strcmp(text, "proc-test cmdline "), "'%s'", text);
	kill(pid, SIGKILL);
	status = wait_for(pid);
	CHECK(WIFSIGNALED(status), "status %#x", status);
}

static void bench(int runs)
{
	long long *samples = calloc(runs, sizeof(*samples));
	int status;

	for (int i = 0; i < runs; i++) {
		long long start = now_ns();
		pid_t pid;

		if (posix_spawn(&pid, "/bin/lkljs-true", NULL, NULL,
				(char *[]){ "lkljs-true", NULL }, environ) ||
		    waitpid(pid, &status, 0) != pid) {
			printf("FAIL spawn %d\n", i);
			failures++;
			return;
		}
		samples[i] = now_ns() - start;
	}
	printf("spawn_exec_wait_us %lld\n", median(samples, runs) / 1000);
	free(samples);
}

int main(int argc, char **argv)
{
	const char *command = argc > 1 ? argv[1] : "";
	int part;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(command, "statuses"))
		test_statuses();
	else if (!strcmp(command, "clone"))
		test_clone();
	else if (!strcmp(command, "argv-envp"))
		test_argv_envp();
	else if (!strcmp(command, "pipe"))
		test_pipe();
	else if (!strcmp(command, "groups"))
		test_groups();
	else if (!strcmp(command, "many") && argc > 2)
		test_many(atoi(argv[2]));
	else if (!strcmp(command, "cmdline"))
		test_cmdline();
	else if (!strcmp(command, "bench") && argc > 2)
		bench(atoi(argv[2]));
	else if (argc > 1 && (part = child_part(argc, argv)) >= 0)
		return part;
	else {
		fprintf(stderr, "proc-test: unknown command '%s'\n", command);
		return 2;
	}
	return test_verdict(command);
}

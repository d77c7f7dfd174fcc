// SPDX-License-Identifier: GPL-2.0-only
/*
 * /bin/tty-test: checks of the console tty from a program, which the console
 * tests (src/tests/console_tty.rs) start with Module.lkljs.spawn. Each mode
 * first makes the program the console's foreground job: a session of its
 * own with the console as its controlling terminal (TIOCSCTTY, taking it
 * from the shell's session, which root may), so that what the tty sends to
 * the foreground process group reaches it.
 *
 *   tty-test winch   prints "tty-test: COLUMNSxROWS, waiting" (TIOCGWINSZ),
 *                    then waits up to 20 s for SIGWINCH (blocked, taken with
 *                    sigtimedwait), sent when the host resizes the console,
 *                    and prints "tty-test: SIGWINCH, COLUMNSxROWS". Exit 0
 *                    after the signal, 1 if none came.
 *   tty-test read    prints "tty-test: reading" and reads the console; a
 *                    typed ^C ends it with SIGINT (the default action).
 *                    If the read returns, exit 0.
 *
 * and, for the self-test suite (host/selftest.c), with no console to take:
 *
 *   tty-test pty     the line discipline through a pty pair of its own
 *                    (devpts is mounted on /dev/pts if it is not): a child,
 *                    "tty-test pty-reader SLAVE", makes the slave its
 *                    controlling terminal in a session of its own and reads
 *                    lines; this side types a line with an erase into the
 *                    master, checks the echo and what the child read, then
 *                    types ^C, which must kill the child with SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int become_foreground_job(void)
{
	if (setsid() < 0 || ioctl(STDIN_FILENO, TIOCSCTTY, 1) < 0) {
		printf("tty-test: cannot take the console: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int window_size(char *text, size_t size)
{
	struct winsize window;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &window)) {
		snprintf(text, size, "TIOCGWINSZ failed: %s", strerror(errno));
		return -1;
	}
	snprintf(text, size, "%ux%u", window.ws_col, window.ws_row);
	return 0;
}

static int wait_for_winch(void)
{
	struct timespec timeout = { .tv_sec = 20 };
	char size[80];
	sigset_t winch;

	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	window_size(size, sizeof(size));
	printf("tty-test: %s, waiting\n", size);
	fflush(stdout);
	if (sigtimedwait(&winch, NULL, &timeout) != SIGWINCH) {
		printf("tty-test: no SIGWINCH: %s\n", strerror(errno));
		return 1;
	}
	window_size(size, sizeof(size));
	printf("tty-test: SIGWINCH, %s\n", size);
	return 0;
}

static int read_console(void)
{
	char buffer[256];
	ssize_t length;

	printf("tty-test: reading\n");
	fflush(stdout);
	length = read(STDIN_FILENO, buffer, sizeof(buffer));
	printf("tty-test: read returned %zd\n", length);
	return 0;
}

/* The child on the slave side: its controlling terminal, then lines. */
static int pty_reader(const char *slave_name)
{
	char line[128];
	ssize_t length;
	int slave;

	/* A session leader that opens a tty without one gets it as its own. */
	if (setsid() < 0 || (slave = open(slave_name, O_RDWR)) < 0)
		return 1;
	dup2(slave, STDIN_FILENO);
	dup2(slave, STDOUT_FILENO);
	for (;;) {
		printf("ready\n");
		fflush(stdout);
		length = read(STDIN_FILENO, line, sizeof(line) - 1);
		if (length <= 0)
			return 1;
		line[length] = 0;
		printf("got: %s", line);
	}
}

/* Reads the master until its output so far contains expected (or 5 s). */
static int master_until(int master, char *seen, size_t size, const char *expected)
{
	size_t used = strlen(seen);
	struct pollfd readable = { .fd = master, .events = POLLIN };

	while (!strstr(seen, expected)) {
		ssize_t length;

		if (used + 1 >= size || poll(&readable, 1, 5000) != 1)
			return 0;
		length = read(master, seen + used, size - used - 1);
		if (length <= 0)
			return 0;
		used += length;
		seen[used] = 0;
	}
	return 1;
}

static int pty_test(const char *self)
{
	static const char typed[] = "abx\x7f" "c\n";
	char slave_name[64], seen[1024] = "";
	char *argv[] = { "tty-test", "pty-reader", slave_name, NULL };
	int master, status, echoed, read_back, interrupted;
	pid_t reader;

	if (access("/dev/pts/ptmx", F_OK) &&
	    ((mkdir("/dev/pts", 0755) && errno != EEXIST) ||
	     mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666"))) {
		printf("tty-test: cannot mount devpts: %s\n", strerror(errno));
		return 1;
	}
	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, slave_name, sizeof(slave_name))) {
		printf("tty-test: no pty: %s\n", strerror(errno));
		return 1;
	}
	if (posix_spawn(&reader, self, NULL, NULL, argv, NULL)) {
		printf("tty-test: cannot start the reader\n");
		return 1;
	}
	/* A line with a typo erased: ECHOE echoes the erase as "\b \b". */
	master_until(master, seen, sizeof(seen), "ready\r\n");
	seen[0] = 0;
	write(master, typed, strlen(typed));
	read_back = master_until(master, seen, sizeof(seen), "got: abc\r\n");
	echoed = strstr(seen, "abx\b \bc\r\n") != NULL;
	printf("tty-test: typed line echoed with its erase %s, read as abc %s\n",
	       echoed ? "yes" : "no", read_back ? "yes" : "no");
	/* ^C: SIGINT to the foreground process group, echoed as "^C". */
	master_until(master, seen, sizeof(seen), "ready\r\n");
	seen[0] = 0;
	write(master, "\x03", 1);
	interrupted = master_until(master, seen, sizeof(seen), "^C");
	if (waitpid(reader, &status, 0) != reader)
		status = -1;
	printf("tty-test: ^C echoed %s, reader %s %d\n", interrupted ? "yes" : "no",
	       WIFSIGNALED(status) ? "killed by signal" : "exited", WIFSIGNALED(status) ?
	       WTERMSIG(status) : WEXITSTATUS(status));
	close(master);
	return !(echoed && read_back && interrupted && WIFSIGNALED(status) &&
		 WTERMSIG(status) == SIGINT);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pty-reader"))
		return pty_reader(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "pty"))
		return pty_test("/bin/tty-test");
	if (argc != 2 || (strcmp(argv[1], "winch") && strcmp(argv[1], "read"))) {
		fprintf(stderr, "usage: tty-test winch|read|pty\n");
		return 2;
	}
	if (become_foreground_job())
		return 1;
	return strcmp(argv[1], "winch") ? read_console() : wait_for_winch();
}

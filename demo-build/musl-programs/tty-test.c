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
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "winch") && strcmp(argv[1], "read"))) {
		fprintf(stderr, "usage: tty-test winch|read\n");
		return 2;
	}
	if (become_foreground_job())
		return 1;
	return strcmp(argv[1], "winch") ? read_console() : wait_for_winch();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * signal-test: signals on the kernel (ABI v2, demo-build/README.md,
 * "Signals"), exercised through musl as a program would use them.
 * host/selftest.c runs one sub-command per case and checks the lines it
 * prints; a sub-command also exits non-zero with a "FAIL" line when
 * something it checks is wrong.
 *
 *   signal-test handlers     SIGINT, SIGTERM, SIGUSR1 handlers; SA_SIGINFO;
 *                            masks, sa_mask, SA_NODEFER, SA_RESETHAND
 *   signal-test eintr        read and pause cut short (EINTR) or restarted
 *                            (SA_RESTART); sigsuspend
 *   signal-test sigchld      a SIGCHLD handler sees its child exit
 *   signal-test alarm        SIGALRM from setitimer (one-shot, interval)
 *                            and alarm(1)
 *   signal-test sigkill      SIGKILL ends a child that blocks everything
 *   signal-test stop         SIGSTOP, SIGTSTP, SIGCONT and
 *                            wait4(WUNTRACED | WCONTINUED)
 *   signal-test defaults     default actions: terminate, core, ignore;
 *                            SIGPIPE with a handler; kill(-pgid)
 *   signal-test longjmp      siglongjmp out of a handler, mask restored
 *   signal-test altstack     sigaltstack: SA_ONSTACK handlers on it, nested,
 *                            SS_ONSTACK, EPERM, SS_AUTODISARM, SS_DISABLE
 *   signal-test cpu-bound    a child that never makes a system call: the
 *                            parent keeps running; SIGSTOP/SIGCONT,
 *                            SIGINT with a handler and SIGKILL reach it
 *   signal-test bench N      figures: signal round trip, SIGKILL to reaped
 *   signal-test loop N       times N rounds of a tight loop (the loop
 *                            check's cost, with /bin/signal-test-unchecked)
 * and the children's parts:
 *   signal-test exit-after-signal SIG | block-all | spin | spin-sigint |
 *   raise SIG | send-after MS SIG PID [MS2] | write-after MS FD
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "test-support.h"

extern char **environ;

static const char self[] = "/bin/signal-test";

static void sleep_ms(long ms)
{
	struct timespec time = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&time, &time) && errno == EINTR)
		;
}

/* Starts signal-test with argv (argv[0] included), in group pgroup if >= 0. */
static pid_t spawn_part(char *const argv[], pid_t pgroup)
{
	posix_spawnattr_t attr;
	pid_t pid;
	int err;

	posix_spawnattr_init(&attr);
	if (pgroup >= 0) {
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&attr, pgroup);
	}
	err = posix_spawn(&pid, self, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (err) {
		printf("FAIL posix_spawn %s: %s\n", argv[1], strerror(err));
		failures++;
		return -1;
	}
	return pid;
}

/* "exited N", "killed by signal N", "stopped by N", "continued". */
static const char *describe(int status)
{
	static char text[64];

	if (WIFEXITED(status))
		snprintf(text, sizeof(text), "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(text, sizeof(text), "killed by signal %d", WTERMSIG(status));
	else if (WIFSTOPPED(status))
		snprintf(text, sizeof(text), "stopped by signal %d", WSTOPSIG(status));
	else if (WIFCONTINUED(status))
		snprintf(text, sizeof(text), "continued");
	else
		snprintf(text, sizeof(text), "status %#x", status);
	return text;
}

static int wait_for(pid_t pid, int options)
{
	int status = -1;
	pid_t reaped;

	do
		reaped = waitpid(pid, &status, options);
	while (reaped < 0 && errno == EINTR);
	CHECK(reaped == pid, "waitpid(%d) returned %d: %s", pid, reaped,
	      strerror(errno));
	return status;
}

static void set_handler(int sig, void (*handler)(int), int flags)
{
	struct sigaction action = { .sa_handler = handler, .sa_flags = flags };

	sigemptyset(&action.sa_mask);
	CHECK(!sigaction(sig, &action, NULL), "sigaction(%d): %s", sig,
	      strerror(errno));
}

static int blocked(int sig)
{
	sigset_t now;

	sigprocmask(SIG_SETMASK, NULL, &now);
	return sigismember(&now, sig);
}

static const char *yes(int condition)
{
	return condition ? "yes" : "no";
}

/*
 * Waiting for another process to be ready, instead of guessing a delay
 * (the machine may be busy): /proc/PID/status shows its signal masks, and
 * /proc/PID/stat its state, 'S' while it sleeps in a system call (a program
 * busy in user mode shows 'I').
 */
static int read_proc(pid_t pid, const char *file, char *text, size_t size)
{
	char path[64];
	ssize_t count;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	count = read(fd, text, size - 1);
	close(fd);
	if (count < 0)
		return -1;
	text[count] = 0;
	return 0;
}

/* Whether sig is in the mask on /proc/PID/status's line "field:\t...". */
static int in_proc_mask(pid_t pid, const char *field, int sig)
{
	char text[2048], *line;

	if (read_proc(pid, "status", text, sizeof(text)))
		return 0;
	line = strstr(text, field);
	if (!line)
		return 0;
	return (strtoull(line + strlen(field) + 1, NULL, 16) >> (sig - 1)) & 1;
}

static void wait_until_in_mask(pid_t pid, const char *field, int sig)
{
	int i;

	for (i = 0; i < 1000 && !in_proc_mask(pid, field, sig); i++)
		sleep_ms(5);
	CHECK(i < 1000, "process %d never had signal %d in %s", pid, sig, field);
}

static void wait_until_sleeping(pid_t pid)
{
	char text[512], *state;
	int i;

	for (i = 0; i < 1000; i++) {
		if (!read_proc(pid, "stat", text, sizeof(text)) &&
		    (state = strrchr(text, ')')) && state[1] && state[2] == 'S')
			return;
		sleep_ms(5);
	}
	CHECK(0, "process %d never slept in a system call", pid);
}

/* --- the children's parts --------------------------------------------- */

static void exit_on_signal(int sig)
{
	_exit(40 + sig);
}

/* The loop the loop check must interrupt: no system call in it. */
static void spin_forever(void)
{
	for (;;)
		;
}

static int child_part(int argc, char **argv)
{
	const char *part = argv[1];

	if (!strcmp(part, "exit-after-signal") && argc > 2) {
		/* Waits for the signal with pause(); exits 40 + its number. */
		set_handler(atoi(argv[2]), exit_on_signal, 0);
		for (;;)
			pause();
	}
	if (!strcmp(part, "block-all")) {
		sigset_t all;

		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		signal(SIGTERM, SIG_IGN);
		for (;;)
			sleep_ms(1000);
	}
	if (!strcmp(part, "spin"))
		spin_forever();
	if (!strcmp(part, "spin-sigint")) {
		set_handler(SIGINT, exit_on_signal, 0);
		spin_forever();
	}
	if (!strcmp(part, "raise") && argc > 2) {
		raise(atoi(argv[2]));
		return 0;
	}
	if (!strcmp(part, "send-after") && argc > 4) {
		/* Once the target sleeps in its system call, and MS later. */
		wait_until_sleeping(atoi(argv[4]));
		sleep_ms(atol(argv[2]));
		kill(atoi(argv[4]), atoi(argv[3]));
		if (argc > 5) {
			/* Then once more, for a restarted call to finish. */
			sleep_ms(atol(argv[5]));
			wait_until_sleeping(atoi(argv[4]));
			kill(atoi(argv[4]), atoi(argv[3]));
		}
		return failures ? 1 : 0;
	}
	return -1;
}

/* --- handlers ---------------------------------------------------------- */

static volatile int handler_count[_NSIG];
static volatile int usr2_blocked_in_handler, self_blocked_in_handler;
static siginfo_t last_info;
static volatile int info_context_ok;

static void count_signal(int sig)
{
	handler_count[sig]++;
	self_blocked_in_handler = blocked(sig);
	usr2_blocked_in_handler = blocked(SIGUSR2);
}

static void count_with_info(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;

	handler_count[sig]++;
	last_info = *info;
	/* The ucontext holds the mask to restore: SIGUSR1 was not blocked. */
	info_context_ok = uc && !sigismember(&uc->uc_sigmask, sig);
}

static void test_handlers(void)
{
	struct sigaction action = { .sa_sigaction = count_with_info,
				    .sa_flags = SA_SIGINFO }, old;
	sigset_t set;

	set_handler(SIGINT, count_signal, 0);
	set_handler(SIGTERM, count_signal, 0);
	raise(SIGINT);
	kill(getpid(), SIGTERM);
	printf("SIGINT handler ran: %d time(s)\n", handler_count[SIGINT]);
	printf("SIGTERM handler ran: %d time(s)\n", handler_count[SIGTERM]);
	CHECK(handler_count[SIGINT] == 1 && handler_count[SIGTERM] == 1,
	      "SIGINT %d, SIGTERM %d", handler_count[SIGINT],
	      handler_count[SIGTERM]);
	printf("SIGTERM blocked in its handler: %s, after it: %s\n",
	       yes(self_blocked_in_handler), yes(blocked(SIGTERM)));

	sigemptyset(&action.sa_mask);
	sigaction(SIGUSR1, &action, NULL);
	kill(getpid(), SIGUSR1);
	printf("SA_SIGINFO: signo %d, code %s, pid %s, context %s\n",
	       last_info.si_signo,
	       last_info.si_code == SI_USER ? "SI_USER" : "other",
	       last_info.si_pid == getpid() ? "own" : "other",
	       info_context_ok ? "ok" : "wrong");

	/* A blocked signal waits; unblocking delivers it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	sigpending(&set);
	printf("blocked SIGUSR1: pending %s, handled %d\n",
	       yes(sigismember(&set, SIGUSR1)), handler_count[SIGUSR1] - 1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("after unblocking: handled %d\n", handler_count[SIGUSR1] - 1);
	CHECK(handler_count[SIGUSR1] == 2, "SIGUSR1 handled %d times",
	      handler_count[SIGUSR1]);

	/* sa_mask is blocked during the handler; the signal itself too. */
	action.sa_handler = count_signal;
	action.sa_flags = 0;
	sigemptyset(&action.sa_mask);
	sigaddset(&action.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &action, NULL);
	raise(SIGUSR1);
	printf("in the handler: SIGUSR1 blocked %s, sa_mask's SIGUSR2 blocked %s\n",
	       yes(self_blocked_in_handler), yes(usr2_blocked_in_handler));
	printf("after the handler: SIGUSR1 blocked %s, SIGUSR2 blocked %s\n",
	       yes(blocked(SIGUSR1)), yes(blocked(SIGUSR2)));

	/* SA_NODEFER: the signal stays unblocked; SA_RESETHAND: once only. */
	sigemptyset(&action.sa_mask);
	action.sa_flags = SA_NODEFER | SA_RESETHAND;
	sigaction(SIGUSR1, &action, NULL);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &old);
	printf("SA_NODEFER: SIGUSR1 blocked in the handler %s\n",
	       yes(self_blocked_in_handler));
	printf("SA_RESETHAND: handler reset to SIG_DFL %s\n",
	       yes(old.sa_handler == SIG_DFL));

	CHECK(sigaction(SIGKILL, &action, NULL) == -1 && errno == EINVAL,
	      "sigaction(SIGKILL) succeeded");
	printf("sigaction(SIGKILL): %s\n", strerror(errno));
}

/* --- EINTR and SA_RESTART ---------------------------------------------- */

static void test_restart(void);

static void test_eintr(void)
{
	char pid_text[16], byte;
	int fds[2];
	ssize_t count;
	pid_t sender;
	sigset_t mask, old;

	snprintf(pid_text, sizeof(pid_text), "%d", getpid());
	CHECK(!pipe(fds), "pipe: %s", strerror(errno));

	/* Without SA_RESTART: the read ends with EINTR after the handler. */
	set_handler(SIGUSR1, count_signal, 0);
	sender = spawn_part((char *[]){ "signal-test", "send-after", "50", "10",
					pid_text, NULL }, -1);
	count = read(fds[0], &byte, 1);
	printf("read without SA_RESTART: %zd %s, handler ran %s\n", count,
	       count < 0 ? strerror(errno) : "", yes(handler_count[SIGUSR1] == 1));
	wait_for(sender, 0);

	/* pause() returns -1 EINTR once a handler has run. */
	handler_count[SIGUSR1] = 0;
	sender = spawn_part((char *[]){ "signal-test", "send-after", "30", "10",
					pid_text, NULL }, -1);
	count = pause();
	printf("pause: %zd %s, handler ran %s\n", count, strerror(errno),
	       yes(handler_count[SIGUSR1] == 1));
	wait_for(sender, 0);

	/* sigsuspend: waits with SIGUSR1 unblocked; the mask comes back. */
	handler_count[SIGUSR1] = 0;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sender = spawn_part((char *[]){ "signal-test", "send-after", "30", "10",
					pid_text, NULL }, -1);
	sigemptyset(&mask);
	count = sigsuspend(&mask);
	printf("sigsuspend: %zd %s, handler ran %s, SIGUSR1 blocked again %s\n",
	       count, strerror(errno), yes(handler_count[SIGUSR1] == 1),
	       yes(blocked(SIGUSR1)));
	sigprocmask(SIG_SETMASK, &old, NULL);
	wait_for(sender, 0);
	close(fds[0]);
	close(fds[1]);
	test_restart();
}

/*
 * With SA_RESTART the read goes on after the handler; a second signal,
 * whose handler writes a byte to the pipe, ends it.
 */
static int restart_pipe_write_fd = -1;

static void count_and_write(int sig)
{
	handler_count[sig]++;
	if (handler_count[sig] == 2 && restart_pipe_write_fd >= 0)
		write(restart_pipe_write_fd, "x", 1);
}

static void test_restart(void)
{
	char pid_text[16], byte = 0;
	int fds[2];
	ssize_t count;
	pid_t sender;

	snprintf(pid_text, sizeof(pid_text), "%d", getpid());
	CHECK(!pipe(fds), "pipe: %s", strerror(errno));
	restart_pipe_write_fd = fds[1];
	handler_count[SIGUSR1] = 0;
	set_handler(SIGUSR1, count_and_write, SA_RESTART);
	sender = spawn_part((char *[]){ "signal-test", "send-after", "50", "10",
					pid_text, "50", NULL }, -1);
	/* One read: the first signal's handler returns and it goes on. */
	count = read(fds[0], &byte, 1);
	printf("SA_RESTART: read returned %zd '%c' after %d handler runs\n",
	       count, count == 1 ? byte : '?', handler_count[SIGUSR1]);
	wait_for(sender, 0);
	close(fds[0]);
	close(fds[1]);
}

/* --- SIGCHLD ------------------------------------------------------------ */

static volatile pid_t sigchld_pid;
static volatile int sigchld_status = -1, sigchld_code;

static void on_sigchld(int sig, siginfo_t *info, void *context)
{
	sigchld_pid = info->si_pid;
	sigchld_status = info->si_status;
	sigchld_code = info->si_code;
}

static void test_sigchld(void)
{
	struct sigaction action = { .sa_sigaction = on_sigchld,
				    .sa_flags = SA_SIGINFO };
	sigset_t mask, old;
	pid_t child;

	sigemptyset(&action.sa_mask);
	sigaction(SIGCHLD, &action, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	child = spawn_part((char *[]){ "signal-test", "raise", "0", NULL }, -1);
	/* Exits 0 after raise(0) does nothing. */
	sigemptyset(&mask);
	while (!sigchld_pid)
		sigsuspend(&mask);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("SIGCHLD handler: from the child %s, %s, status %d\n",
	       yes(sigchld_pid == child),
	       sigchld_code == CLD_EXITED ? "CLD_EXITED" : "other code",
	       sigchld_status);
	printf("then waitpid: %s\n", describe(wait_for(child, 0)));
}

/* --- SIGALRM ------------------------------------------------------------ */

static void test_alarm(void)
{
	struct itimerval timer = { .it_value = { 0, 50000 } };
	long long started;
	int rounds;

	set_handler(SIGALRM, count_signal, 0);
	started = now_ns();
	if (setitimer(ITIMER_REAL, &timer, NULL)) {
		CHECK(0, "setitimer: %s", strerror(errno));
		return;
	}
	while (!handler_count[SIGALRM])
		pause();
	printf("setitimer 50 ms: SIGALRM handled after %s 40 ms\n",
	       now_ns() - started >= 40000000 ? "at least" : "less than");

	/* An interval timer: three deliveries, then it is switched off. */
	handler_count[SIGALRM] = 0;
	timer.it_interval.tv_usec = 20000;
	timer.it_value.tv_usec = 20000;
	setitimer(ITIMER_REAL, &timer, NULL);
	for (rounds = 0; handler_count[SIGALRM] < 3 && rounds < 100; rounds++)
		pause();
	memset(&timer, 0, sizeof(timer));
	setitimer(ITIMER_REAL, &timer, NULL);
	printf("interval timer: %d deliveries\n", handler_count[SIGALRM]);

	handler_count[SIGALRM] = 0;
	started = now_ns();
	alarm(1);
	while (!handler_count[SIGALRM])
		pause();
	printf("alarm(1): SIGALRM after %s 900 ms\n",
	       now_ns() - started >= 900000000 ? "at least" : "less than");
}

/* --- SIGKILL, stop and continue ------------------------------------------ */

static void test_sigkill(void)
{
	pid_t child = spawn_part((char *[]){ "signal-test", "block-all", NULL }, -1);
	int status;

	wait_until_in_mask(child, "SigIgn:", SIGTERM);
	kill(child, SIGTERM);
	kill(child, SIGUSR1);
	sleep_ms(50);
	CHECK(waitpid(child, &status, WNOHANG) == 0,
	      "the child that blocks everything ended on SIGTERM/SIGUSR1");
	printf("blocked and ignored signals: still running %s\n",
	       yes(waitpid(child, &status, WNOHANG) == 0));
	kill(child, SIGKILL);
	printf("SIGKILL: %s\n", describe(wait_for(child, 0)));
}

/* Stops and continues a child, watching with WUNTRACED | WCONTINUED. */
static void stop_and_continue(const char *what, pid_t child, int stop_signal)
{
	int status = wait_for(child, WUNTRACED);

	(void)stop_signal;
	printf("%s: %s\n", what, describe(status));
	kill(child, SIGCONT);
	printf("%s after SIGCONT: %s\n", what, describe(wait_for(child, WCONTINUED)));
}

static void test_stop(void)
{
	pid_t child = spawn_part((char *[]){ "signal-test", "block-all", NULL }, -1);
	pid_t waiter;

	/* block-all cannot block SIGSTOP; a sleeping child stops at once. */
	kill(child, SIGSTOP);
	stop_and_continue("SIGSTOP", child, SIGSTOP);
	kill(child, SIGKILL);
	printf("then SIGKILL: %s\n", describe(wait_for(child, 0)));

	/*
	 * SIGTSTP's default action stops too. Not in an orphaned process
	 * group, where Linux discards it: ours may be one (its members' parents
	 * are all inside it), so the child gets a group of its own.
	 */
	waiter = spawn_part((char *[]){ "signal-test", "exit-after-signal", "10",
					NULL }, 0);
	wait_until_in_mask(waiter, "SigCgt:", SIGUSR1);
	kill(waiter, SIGTSTP);
	stop_and_continue("SIGTSTP", waiter, SIGTSTP);
	kill(waiter, SIGUSR1);
	printf("then SIGUSR1: %s\n", describe(wait_for(waiter, 0)));
}

/* --- default actions, SIGPIPE, groups ----------------------------------- */

static void test_defaults(void)
{
	static const struct { int sig; const char *name; } cases[] = {
		{ SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT (core)" }, { SIGUSR2, "SIGUSR2" },
		{ SIGCHLD, "SIGCHLD (ignored)" }, { SIGWINCH, "SIGWINCH (ignored)" },
	};
	char number[8];
	unsigned i;
	int fds[2];
	pid_t first, second;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t child;

		snprintf(number, sizeof(number), "%d", cases[i].sig);
		child = spawn_part((char *[]){ "signal-test", "raise", number,
					       NULL }, -1);
		printf("default action of %s: %s\n", cases[i].name,
		       describe(wait_for(child, 0)));
	}

	/* SIGPIPE with a handler: the handler runs and write fails EPIPE. */
	set_handler(SIGPIPE, count_signal, 0);
	CHECK(!pipe(fds), "pipe: %s", strerror(errno));
	close(fds[0]);
	{
		ssize_t written = write(fds[1], "x", 1);
		int err = errno;

		printf("SIGPIPE handler: write %zd %s, handler ran %s\n",
		       written, strerror(err), yes(handler_count[SIGPIPE] == 1));
	}
	close(fds[1]);

	/* kill(-pgid): both members of a new group get it. */
	first = spawn_part((char *[]){ "signal-test", "exit-after-signal", "10",
				       NULL }, 0);
	second = spawn_part((char *[]){ "signal-test", "exit-after-signal", "10",
					NULL }, first);
	wait_until_in_mask(first, "SigCgt:", SIGUSR1);
	wait_until_in_mask(second, "SigCgt:", SIGUSR1);
	CHECK(!kill(-first, SIGUSR1), "kill(-%d): %s", first, strerror(errno));
	printf("kill(-pgid, SIGUSR1): first %s, ", describe(wait_for(first, 0)));
	printf("second %s\n", describe(wait_for(second, 0)));
}

/* --- siglongjmp ------------------------------------------------------------ */

static sigjmp_buf jump_target;

static void jump_out(int sig)
{
	siglongjmp(jump_target, sig);
}

static void test_longjmp(void)
{
	volatile int jumps = 0;
	int fds[2];
	char byte;
	int value;

	set_handler(SIGUSR1, jump_out, 0);
	value = sigsetjmp(jump_target, 1);
	if (value == 0) {
		raise(SIGUSR1);
		printf("FAIL the handler returned\n");
		failures++;
	} else {
		jumps++;
	}
	printf("siglongjmp out of a handler: value %d, SIGUSR1 blocked after %s\n",
	       value, yes(blocked(SIGUSR1)));

	/* Out of a blocking read, from a timer. */
	set_handler(SIGALRM, jump_out, 0);
	CHECK(!pipe(fds), "pipe: %s", strerror(errno));
	value = sigsetjmp(jump_target, 1);
	if (value == 0) {
		struct itimerval timer = { .it_value = { 0, 30000 } };

		if (setitimer(ITIMER_REAL, &timer, NULL)) {
			/* No timer: end the read at once rather than hang. */
			CHECK(0, "setitimer: %s", strerror(errno));
			close(fds[1]);
		}
		read(fds[0], &byte, 1);
		printf("FAIL the read returned\n");
		failures++;
	} else {
		jumps++;
	}
	printf("siglongjmp out of a blocked read: value %d; then getpid works %s\n",
	       value, yes(getpid() > 1));

	/* sigsetjmp(env, 0) leaves the handler's mask in place. */
	value = sigsetjmp(jump_target, 0);
	if (value == 0)
		raise(SIGUSR1);
	printf("without saving the mask: SIGUSR1 blocked after %s\n",
	       yes(blocked(SIGUSR1)));
	printf("jumps: %d\n", jumps);
	close(fds[0]);
	close(fds[1]);
}

/* --- the alternate signal stack -------------------------------------------- */

static char *alt_base;
static size_t alt_size;
static volatile uintptr_t outer_local, inner_local;
static volatile int outer_flags, inner_flags, change_errno, context_matches;

static int on_alt_stack(uintptr_t address)
{
	return address >= (uintptr_t)alt_base && address < (uintptr_t)alt_base + alt_size;
}

/* The flags sigaltstack reports for the caller, or -1 on failure. */
static int alt_flags_now(void)
{
	stack_t now;

	return sigaltstack(NULL, &now) ? -1 : now.ss_flags;
}

static void inner_handler(int sig)
{
	volatile char here;

	inner_local = (uintptr_t)&here;
	inner_flags = alt_flags_now();
}

static void outer_handler(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	volatile char here;
	stack_t other = { .ss_sp = alt_base, .ss_size = alt_size };

	outer_local = (uintptr_t)&here;
	outer_flags = alt_flags_now();
	context_matches = uc->uc_stack.ss_sp == alt_base && uc->uc_stack.ss_size == alt_size;
	/* The stack in use cannot change. */
	errno = 0;
	change_errno = sigaltstack(&other, NULL) ? errno : 0;
	/* A nested SA_ONSTACK signal stays on the stack, below this frame. */
	raise(SIGUSR2);
}

static sigjmp_buf alt_jump;

static void alt_jump_out(int sig)
{
	siglongjmp(alt_jump, 1);
}

/* The address of a local of a fresh frame: where the stack pointer is. */
static volatile uintptr_t stack_probe;

__attribute__((noinline)) static uintptr_t stack_here(void)
{
	volatile char here;

	stack_probe = (uintptr_t)&here;
	return stack_probe;
}

static void set_action(int sig, void (*action)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = action, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(sig, &sa, NULL), "sigaction(%d): %s", sig, strerror(errno));
}

static void test_altstack(void)
{
	stack_t ss, old;
	uintptr_t main_local = stack_here();

	CHECK(!sigaltstack(NULL, &old), "sigaltstack(NULL): %s", strerror(errno));
	printf("at start: disabled %s\n", yes(old.ss_flags == SS_DISABLE));
	ss = (stack_t){ .ss_sp = malloc(MINSIGSTKSZ - 1), .ss_size = MINSIGSTKSZ - 1 };
	errno = 0;
	printf("smaller than MINSIGSTKSZ: %d %s\n", sigaltstack(&ss, NULL), strerror(errno));
	free(ss.ss_sp);

	alt_size = 4 * SIGSTKSZ;
	alt_base = malloc(alt_size);
	ss = (stack_t){ .ss_sp = alt_base, .ss_size = alt_size };
	CHECK(!sigaltstack(&ss, &old), "sigaltstack: %s", strerror(errno));
	CHECK(!sigaltstack(NULL, &old) && old.ss_sp == alt_base && old.ss_size == alt_size,
	      "sigaltstack reads back another stack");
	printf("set: flags %d, main stack on it %s\n", old.ss_flags, yes(on_alt_stack(main_local)));

	set_action(SIGUSR1, outer_handler, SA_ONSTACK);
	set_handler(SIGUSR2, inner_handler, SA_ONSTACK);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler on the stack %s, sigaltstack says SS_ONSTACK %s, uc_stack %s\n",
	       yes(on_alt_stack(outer_local)), yes(outer_flags == SS_ONSTACK), yes(context_matches));
	printf("changing the stack in use: %s\n", strerror(change_errno));
	printf("nested SA_ONSTACK handler on the stack %s, below the first %s, SS_ONSTACK %s\n",
	       yes(on_alt_stack(inner_local)), yes(inner_local < outer_local),
	       yes(inner_flags == SS_ONSTACK));
	printf("after the handlers: flags %d, back on the main stack %s\n", alt_flags_now(),
	       yes(!on_alt_stack(stack_here())));

	/* Without SA_ONSTACK, the handler runs where the program was. */
	inner_local = 0;
	set_handler(SIGUSR2, inner_handler, 0);
	raise(SIGUSR2);
	printf("handler without SA_ONSTACK on the stack %s\n", yes(on_alt_stack(inner_local)));

	/* siglongjmp out of a handler on the stack leaves it. */
	set_handler(SIGUSR2, alt_jump_out, SA_ONSTACK);
	if (!sigsetjmp(alt_jump, 1)) {
		raise(SIGUSR2);
		printf("FAIL the handler returned\n");
		failures++;
	}
	printf("after siglongjmp out: flags %d, on the main stack %s\n", alt_flags_now(),
	       yes(!on_alt_stack(stack_here())));
	inner_local = 0;
	set_handler(SIGUSR2, inner_handler, SA_ONSTACK);
	raise(SIGUSR2);
	printf("then an SA_ONSTACK handler on the stack again %s\n", yes(on_alt_stack(inner_local)));

	/* SS_AUTODISARM: disarmed while its handler runs, armed again after. */
	ss.ss_flags = SS_AUTODISARM;
	CHECK(!sigaltstack(&ss, NULL), "sigaltstack(SS_AUTODISARM): %s", strerror(errno));
	inner_local = 0;
	raise(SIGUSR2);
	printf("SS_AUTODISARM: on the stack %s, disabled in the handler %s, armed after %s\n",
	       yes(on_alt_stack(inner_local)), yes(inner_flags == SS_DISABLE),
	       yes(alt_flags_now() == (int)SS_AUTODISARM));

	/* SS_DISABLE: SA_ONSTACK handlers run on the main stack. */
	ss.ss_flags = SS_DISABLE;
	CHECK(!sigaltstack(&ss, NULL), "sigaltstack(SS_DISABLE): %s", strerror(errno));
	inner_local = 0;
	raise(SIGUSR2);
	printf("SS_DISABLE: SA_ONSTACK handler on the stack %s, flags %d\n",
	       yes(on_alt_stack(inner_local)), alt_flags_now());
	free(alt_base);
}

/* --- a program that never enters the kernel ------------------------------- */

static void test_cpu_bound(void)
{
	pid_t spinner = spawn_part((char *[]){ "signal-test", "spin", NULL }, -1);
	pid_t other;
	long long started;
	int i, status;

	/* The parent keeps running beside it: sleeps and a child of its own. */
	started = now_ns();
	for (i = 0; i < 5; i++)
		sleep_ms(10);
	other = spawn_part((char *[]){ "signal-test", "raise", "0", NULL }, -1);
	printf("beside a spinning child: another child %s, ", describe(wait_for(other, 0)));
	printf("five 10 ms sleeps in under a second %s\n",
	       yes(now_ns() - started < 1000000000LL));
	CHECK(waitpid(spinner, &status, WNOHANG) == 0, "the spinner ended");

	kill(spinner, SIGSTOP);
	printf("spinning child, SIGSTOP: %s\n", describe(wait_for(spinner, WUNTRACED)));
	kill(spinner, SIGCONT);
	printf("spinning child, SIGCONT: %s\n", describe(wait_for(spinner, WCONTINUED)));
	kill(spinner, SIGKILL);
	printf("spinning child, SIGKILL: %s\n", describe(wait_for(spinner, 0)));

	spinner = spawn_part((char *[]){ "signal-test", "spin-sigint", NULL }, -1);
	wait_until_in_mask(spinner, "SigCgt:", SIGINT);
	kill(spinner, SIGINT);
	printf("spinning child with a SIGINT handler that exits: %s\n",
	       describe(wait_for(spinner, 0)));
}

/* --- figures ----------------------------------------------------------- */

static volatile int bench_count;

/* Nothing but the count: the round trip, not the handler, is measured. */
static void count_only(int sig)
{
	bench_count++;
}

static void bench(int runs)
{
	long long samples[64];
	int i, j;

	if (runs > 64)
		runs = 64;
	/* kill(self) -> handler -> rt_sigreturn -> kill returns, 100 at a time. */
	set_handler(SIGUSR1, count_only, 0);
	for (i = 0; i < runs; i++) {
		long long started = now_ns();

		for (j = 0; j < 100; j++)
			kill(getpid(), SIGUSR1);
		samples[i] = (now_ns() - started) / 100;
	}
	CHECK(bench_count == runs * 100, "%d handler runs for %d signals",
	      bench_count, runs * 100);
	printf("signal_round_trip_ns %lld\n", median(samples, runs));

	/* SIGKILL to a spinning child until waitpid has reaped it. */
	for (i = 0; i < runs && i < 15; i++) {
		pid_t spinner = spawn_part((char *[]){ "signal-test", "spin",
						       NULL }, -1);
		long long started;

		sleep_ms(5);
		started = now_ns();
		kill(spinner, SIGKILL);
		wait_for(spinner, 0);
		samples[i] = now_ns() - started;
	}
	printf("kill_spinning_child_reaped_ns %lld\n", median(samples, i));
}

/* A tight loop with no system call; what the loop check costs shows here. */
static unsigned tight_loop(unsigned rounds)
{
	unsigned value = 1;

	while (rounds--)
		value = value * 1103515245u + 12345u;
	return value;
}

static void loop_figure(unsigned rounds)
{
	long long samples[7];
	unsigned value = 0;
	int i;

	for (i = 0; i < 7; i++) {
		long long started = now_ns();

		value += tight_loop(rounds);
		samples[i] = now_ns() - started;
	}
	printf("tight_loop_ns_per_round %lld.%03lld (%u)\n",
	       median(samples, 7) / rounds,
	       median(samples, 7) * 1000 / rounds % 1000, value & 1);
}

int main(int argc, char **argv)
{
	const char *command = argc > 1 ? argv[1] : "";
	int part;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(command, "handlers"))
		test_handlers();
	else if (!strcmp(command, "eintr"))
		test_eintr();
	else if (!strcmp(command, "sigchld"))
		test_sigchld();
	else if (!strcmp(command, "alarm"))
		test_alarm();
	else if (!strcmp(command, "sigkill"))
		test_sigkill();
	else if (!strcmp(command, "stop"))
		test_stop();
	else if (!strcmp(command, "defaults"))
		test_defaults();
	else if (!strcmp(command, "longjmp"))
		test_longjmp();
	else if (!strcmp(command, "altstack"))
		test_altstack();
	else if (!strcmp(command, "cpu-bound"))
		test_cpu_bound();
	else if (!strcmp(command, "bench") && argc > 2)
		bench(atoi(argv[2]));
	else if (!strcmp(command, "loop") && argc > 2)
		loop_figure(strtoul(argv[2], NULL, 10));
	else if (argc > 1 && (part = child_part(argc, argv)) >= 0)
		return part;
	else {
		fprintf(stderr, "signal-test: unknown command '%s'\n", command);
		return 2;
	}
	return test_verdict(command);
}

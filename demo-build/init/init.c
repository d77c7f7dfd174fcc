// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init, PID 1: a small init written as a user program with the port's
 * libc (demo-build/README.md, "PID 1"). It
 *
 *  1. mounts proc, sysfs, devtmpfs, devpts and tmpfs, sets the host name from
 *     /etc/hostname, brings lo up, and reports the machine ready (the line
 *     "lkljs-init: PID 1 ready: ..." that tests and the page look for);
 *  2. asks the kernel for the host's process (/proc/lkljs/start-host), in
 *     which the host's C and JavaScript system calls run;
 *  3. starts the shell, /bin/sh (BusyBox hush), on /dev/console in a session
 *     of its own with the console as its controlling terminal, so that it
 *     has job control;
 *  4. reaps every process that ends up as its child (orphans), and when the
 *     shell exits, halts the machine with the shell's exit status (128 + N
 *     after signal N), which the host exits with.
 *
 * Processes are created with clone and a callback (ABI v2): there is no
 * fork. The messages go to the console, PID 1's descriptors 0, 1 and 2,
 * which the kernel opened on /dev/console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL "/bin/sh"

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *format, ...)
{
	char line[400];
	va_list arguments;
	int length;

	va_start(arguments, format);
	length = vsnprintf(line, sizeof(line), format, arguments);
	va_end(arguments);
	if (length > (int)sizeof(line) - 1)
		length = sizeof(line) - 1;
	if (length > 0 && write(STDOUT_FILENO, line, length) < 0)
		return;
}

static int mount_or_say(const char *source, const char *target,
			const char *type, unsigned long flags, const char *data)
{
	if (!mount(source, target, type, flags, data))
		return 1;
	say("lkljs-init: cannot mount %s on %s: %s\n", type, target,
	    strerror(errno));
	return 0;
}

static void set_hostname(void)
{
	char name[65];
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	ssize_t length;

	if (fd < 0)
		return;
	length = read(fd, name, sizeof(name) - 1);
	close(fd);
	while (length > 0 && (name[length - 1] == '\n' || name[length - 1] == ' '))
		length--;
	if (length > 0 && sethostname(name, length))
		say("lkljs-init: cannot set the host name: %s\n", strerror(errno));
}

static int loopback_up(void)
{
	struct ifreq request = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = -1;

	if (fd < 0)
		return -1;
	strcpy(request.ifr_name, "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &request)) {
		request.ifr_flags |= IFF_UP;
		err = ioctl(fd, SIOCSIFFLAGS, &request);
	}
	close(fd);
	return err;
}

static void set_up_machine(void)
{
	struct utsname name;
	int mounted = 1;

	mounted &= mount_or_say("proc", "/proc", "proc",
				MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mounted &= mount_or_say("sysfs", "/sys", "sysfs",
				MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mounted &= mount_or_say("devtmpfs", "/dev", "devtmpfs", MS_NOSUID,
				"mode=0755");
	mounted &= mount_or_say("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
				"mode=1777");
	if (mounted)
		say("lkljs-init: mounted proc on /proc, sysfs on /sys, devtmpfs on /dev, tmpfs on /tmp\n");
	/*
	 * Ptys for more terminals: the host opens /dev/ptmx for a page's
	 * second terminal (Module.lkljs.openTerminal) and starts a shell on
	 * the /dev/pts/N it gets.
	 */
	if (mkdir("/dev/pts", 0755) && errno != EEXIST)
		say("lkljs-init: cannot make /dev/pts: %s\n", strerror(errno));
	else if (mount_or_say("devpts", "/dev/pts", "devpts",
			      MS_NOSUID | MS_NOEXEC, "mode=0620,ptmxmode=0666"))
		say("lkljs-init: mounted devpts on /dev/pts\n");
	set_hostname();
	if (loopback_up())
		say("lkljs-init: cannot bring lo up: %s\n", strerror(errno));
	else
		say("lkljs-init: lo is up (127.0.0.1)\n");
	if (!uname(&name))
		say("lkljs-init: PID %d ready: %s %s %s %s\n", (int)getpid(),
		    name.sysname, name.nodename, name.release, name.machine);
}

/* Writes text to a file of /proc/lkljs; 0 or an errno. */
static int write_control(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int shell_main(void *unused)
{
	char *const argv[] = { "-sh", NULL };
	char *const envp[] = { "HOME=/root", "PATH=/bin:/sbin:/usr/bin:/usr/sbin",
			       "TERM=linux", "SHELL=" SHELL, "USER=root",
			       "LOGNAME=root", NULL };

	/*
	 * A session of its own whose controlling terminal is the console:
	 * then ^C, ^Z and job control reach the shell's foreground job.
	 */
	if (setsid() < 0 || ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
		say("lkljs-init: the shell gets no controlling terminal: %s\n",
		    strerror(errno));
	if (chdir("/root"))
		chdir("/");
	/* init ignores signals the shell must see with their defaults. */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
	execve(SHELL, argv, envp);
	say("lkljs-init: cannot execute %s: %s\n", SHELL, strerror(errno));
	return 127;
}

static pid_t start_shell(void)
{
	static char stack[16384];
	pid_t pid = clone(shell_main, stack + sizeof(stack), SIGCHLD, NULL);

	if (pid < 0)
		say("lkljs-init: cannot start %s: %s\n", SHELL, strerror(errno));
	return pid;
}

static void halt_machine(int status)
{
	char text[16];
	int err;

	snprintf(text, sizeof(text), "%d\n", status);
	err = write_control("/proc/lkljs/halt-status", text);
	if (err)
		say("lkljs-init: cannot hand the exit status to the host: %s\n",
		    strerror(err));
	sync();
	reboot(RB_HALT_SYSTEM);
	say("lkljs-init: the kernel refused to halt: %s\n", strerror(errno));
	for (;;)
		pause();
}

int main(void)
{
	int err, status, exit_status;
	pid_t shell, pid;

	/* Typed ^C and ^Z are for the shell's jobs, not for PID 1. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);

	set_up_machine();
	err = write_control("/proc/lkljs/start-host", "start\n");
	if (err)
		say("lkljs-init: cannot start the host's process: %s\n",
		    strerror(err));

	shell = start_shell();
	if (shell < 0)
		halt_machine(127);
	for (;;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			say("lkljs-init: wait failed: %s\n", strerror(errno));
			halt_machine(1);
		}
		if (pid != shell)
			continue;
		exit_status = WIFEXITED(status) ? WEXITSTATUS(status) :
			      128 + WTERMSIG(status);
		halt_machine(exit_status);
	}
}

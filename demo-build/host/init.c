// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's program: what runs once the host's process serves host calls
 * (kernel/host_calls.c). Usually PID 1 is the real init program
 * (demo-build/init/), which has set the machine up before it asked for the
 * host's process; then this only tells the page it may make its calls,
 * with no thread of its own (lkljs_host_program_start()). When
 * PID 1 is the host's process itself (the self-test suite and the
 * benchmark), this does init's work first with real system calls from a
 * host thread: it mounts the pseudo file systems, sets the host name from
 * /etc/hostname, brings lo up and reports, as init does.
 */
#include <emscripten.h>
#include <stdint.h>
#include <stdio.h>

#include <lkljs-host.h>
#include "host.h"
#include "lkljs.h"
#include "lkljs-syscall-numbers.h"
#include "lkljs-uapi.h"

/* Writes to PID 1's standard output, the console (fd 1 of init). */
static void lkljs_init_say(const char *text)
{
	long length = 0;

	while (text[length])
		length++;
	if (lkljs_call(LKLJS_NR_write, 1, text, length) != length)
		lkljs_host_print(text);
}

static int lkljs_init_mount(const char *source, const char *target,
			    const char *type, unsigned long flags,
			    const char *data)
{
	char message[160];
	long err = lkljs_call(LKLJS_NR_mount, source, target, type, flags, data);

	if (err) {
		snprintf(message, sizeof(message),
			 "lkljs-init: cannot mount %s on %s: error %ld\n",
			 type, target, -err);
		lkljs_init_say(message);
		return 0;
	}
	return 1;
}

static void lkljs_init_hostname(void)
{
	char name[65];
	long fd, length;

	fd = lkljs_call(LKLJS_NR_openat, LKLJS_AT_FDCWD, "/etc/hostname",
			LKLJS_O_RDONLY);
	if (fd < 0)
		return;
	length = lkljs_call(LKLJS_NR_read, fd, name, sizeof(name) - 1);
	lkljs_call(LKLJS_NR_close, fd);
	while (length > 0 && (name[length - 1] == '\n' || name[length - 1] == ' '))
		length--;
	if (length > 0)
		lkljs_call(LKLJS_NR_sethostname, name, length);
}

long lkljs_loopback_up(void)
{
	struct lkljs_ifreq request = { .name = "lo" };
	long fd, err;

	fd = lkljs_call(LKLJS_NR_socket, LKLJS_AF_INET, LKLJS_SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	err = lkljs_call(LKLJS_NR_ioctl, fd, LKLJS_SIOCGIFFLAGS, &request);
	if (!err) {
		request.flags |= LKLJS_IFF_UP;
		err = lkljs_call(LKLJS_NR_ioctl, fd, LKLJS_SIOCSIFFLAGS, &request);
	}
	lkljs_call(LKLJS_NR_close, fd);
	return err;
}

long lkljs_halt(void)
{
	lkljs_call(LKLJS_NR_sync);
	return lkljs_call(LKLJS_NR_reboot, LKLJS_REBOOT_MAGIC1,
			  LKLJS_REBOOT_MAGIC2, LKLJS_REBOOT_CMD_HALT, 0);
}

static void lkljs_init_report(void)
{
	struct lkljs_utsname name;
	char message[400];

	if (lkljs_call(LKLJS_NR_uname, &name))
		return;
	snprintf(message, sizeof(message),
		 "lkljs-init: PID %ld ready: %s %s %s %s\n",
		 lkljs_call(LKLJS_NR_getpid), name.sysname, name.nodename,
		 name.release, name.machine);
	lkljs_init_say(message);
}

/* init's work, for when PID 1 is the host's process. */
static void lkljs_host_init_machine(void)
{
	int mounted = 1;
	long err;

	mounted &= lkljs_init_mount("proc", "/proc", "proc",
				    LKLJS_MS_NOSUID | LKLJS_MS_NODEV |
				    LKLJS_MS_NOEXEC, 0);
	mounted &= lkljs_init_mount("sysfs", "/sys", "sysfs",
				    LKLJS_MS_NOSUID | LKLJS_MS_NODEV |
				    LKLJS_MS_NOEXEC, 0);
	mounted &= lkljs_init_mount("devtmpfs", "/dev", "devtmpfs",
				    LKLJS_MS_NOSUID, "mode=0755");
	mounted &= lkljs_init_mount("tmpfs", "/tmp", "tmpfs",
				    LKLJS_MS_NOSUID | LKLJS_MS_NODEV,
				    "mode=1777");
	if (mounted)
		lkljs_init_say("lkljs-init: mounted proc on /proc, sysfs on /sys, devtmpfs on /dev, tmpfs on /tmp\n");
	lkljs_init_hostname();
	err = lkljs_loopback_up();
	if (err)
		lkljs_host_print("lkljs-init: cannot bring lo up\n");
	else
		lkljs_init_say("lkljs-init: lo is up (127.0.0.1)\n");
	lkljs_init_report();
}

/*
 * Tells a page that keeps the kernel running (Module.lkljsKeepRunning)
 * that it may make its calls. Makes no call, so a kernel task may run it.
 */
static void lkljs_host_program_serving(void)
{
	if (!lkljs_options.keep_running)
		return;
	/* The page makes its calls through Module.lkljs now. */
	lkljs_host_watchdog_set(0);
	MAIN_THREAD_ASYNC_EM_ASM({
		if (Module.lkljsReady) Module.lkljsReady();
	});
}

/* On a host thread of its own; the argument is the host's process's PID. */
static void lkljs_host_program_main(void *pid)
{
	int is_pid1 = (intptr_t)pid == 1;

	if (is_pid1)
		lkljs_host_init_machine();

	switch (lkljs_options.program) {
	case LKLJS_PROGRAM_SELFTEST:
		lkljs_host_set_halt_status(lkljs_selftest_run() ? 1 : 0);
		break;
	case LKLJS_PROGRAM_BENCH:
		lkljs_bench_run();
		break;
	case LKLJS_PROGRAM_BOOT:
		/* PID 1 serves the page until the page halts the machine. */
		lkljs_host_program_serving();
		if (lkljs_options.keep_running) {
			lkljs_thread_detach();
			return;
		}
		break;
	}
	lkljs_halt();
	lkljs_host_print("lkljs-init: the kernel refused to halt\n");
	lkljs_host_exit(1);
}

void lkljs_host_program_start(int pid)
{
	/*
	 * Under a real init the boot's program makes no call (the init halts
	 * the machine when its shell exits), so it runs here, on the kernel's
	 * task: a thread of its own would cost a worker's start-up before the
	 * shell's prompt, and a second one for the task of its first call.
	 */
	if (pid != 1 && lkljs_options.program == LKLJS_PROGRAM_BOOT) {
		lkljs_host_program_serving();
		return;
	}
	if (lkljs_host_thread_create(lkljs_host_program_main, (void *)(intptr_t)pid))
		lkljs_host_print("lkljs: the host cannot start its program\n");
}

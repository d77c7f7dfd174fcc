/*
 * The system calls that the libc answers itself (see syscall_arch.h): the
 * memory calls, which belong to the process (src/mman/wasm32/memory.c),
 * and wait4 when the kernel does not have it.
 *
 * A 32-bit asm-generic table with 64-bit time only (riscv32's, and ours
 * unless the port adds wait4 back) has no wait4, because its struct rusage
 * carries 32-bit times; it has waitid, which reports the same child and the
 * same usage. On such a kernel wait4 is rebuilt on waitid here, so waitpid,
 * wait, pclose and syscall(SYS_wait4) all work.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "syscall.h"

hidden long __wasm32_memory_syscall(long, long, long, long, long, long, long);

#if WASM32_LIBC_WAIT4
static long wait4_by_waitid(pid_t pid, int *status, int options, struct rusage *ru)
{
	idtype_t type = P_PID;
	id_t id = pid;
	if (pid == -1) type = P_ALL, id = 0;
	else if (pid <= 0) type = P_PGID, id = -pid;

	/* The kernel's struct rusage: two old (long, long) timevals, then 14 longs. */
	long kru[18];
	siginfo_t info = { .si_pid = 0 };
	long r = __lkljs_syscall(SYS_waitid, type, id, (long)&info, options | WEXITED,
		ru ? (long)kru : 0, 0);
	if (r < 0) return r;
	if (!info.si_pid) return 0; /* WNOHANG, and no child has changed state */
	if (ru) {
		memset(ru, 0, sizeof *ru);
		ru->ru_utime = (struct timeval){ .tv_sec = kru[0], .tv_usec = kru[1] };
		ru->ru_stime = (struct timeval){ .tv_sec = kru[2], .tv_usec = kru[3] };
		char *slots = (char *)&ru->ru_maxrss;
		for (int i = 0; i < 14; i++)
			*(long *)(slots + i * sizeof(long)) = kru[4 + i];
	}
	if (status) {
		int s = info.si_status;
		switch (info.si_code) {
		case CLD_EXITED: *status = (s & 0xff) << 8; break;
		case CLD_KILLED: *status = s & 0x7f; break;
		case CLD_DUMPED: *status = (s & 0x7f) | 0x80; break;
		case CLD_STOPPED:
		case CLD_TRAPPED: *status = (s & 0xff) << 8 | 0x7f; break;
		case CLD_CONTINUED: *status = 0xffff; break;
		default: *status = 0;
		}
	}
	return info.si_pid;
}
#endif

hidden long __wasm32_libc_syscall(long n, long a, long b, long c, long d, long e, long f)
{
#if WASM32_LIBC_WAIT4
	if (n == SYS_wait4) return wait4_by_waitid(a, (int *)b, c, (struct rusage *)d);
#endif
	return __wasm32_memory_syscall(n, a, b, c, d, e, f);
}

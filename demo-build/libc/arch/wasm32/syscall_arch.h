/*
 * System calls on the lkljs user ABI (demo-build/README.md): one import,
 * lkljs.syscall(nr, a0..a5), with the kernel's own numbers, returning the
 * raw result or -errno. A 64-bit argument takes two consecutive slots, low
 * word first, with no alignment padding.
 *
 * A few calls are answered by the libc itself, whichever way they are made
 * (mmap(), malloc's direct __syscall(SYS_brk), or syscall(2) from a
 * program), by __wasm32_libc_syscall (src/internal/wasm32/libc_syscall.c):
 * - memory management (brk, mmap2, munmap, mremap, mprotect, madvise), the
 *   business of a process that owns its wasm memory (ABI section 4);
 * - wait4, which the kernel lacks (no 32-bit-time calls), on waitid.
 */
#define __SYSCALL_LL_E(x) \
((union { long long ll; long l[2]; }){ .ll = x }).l[0], \
((union { long long ll; long l[2]; }){ .ll = x }).l[1]
#define __SYSCALL_LL_O(x) __SYSCALL_LL_E((x))

__attribute__((__import_module__("lkljs"), __import_name__("syscall")))
long __lkljs_syscall(long, long, long, long, long, long, long);

hidden long __wasm32_libc_syscall(long, long, long, long, long, long, long);

static inline int __wasm32_is_libc_syscall(long n)
{
	return n == SYS_brk || n == SYS_mmap2 || n == SYS_munmap
		|| n == SYS_mremap || n == SYS_mprotect || n == SYS_madvise
		|| n == SYS_wait4;
}

static inline long __syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	if (__wasm32_is_libc_syscall(n))
		return __wasm32_libc_syscall(n, a, b, c, d, e, f);
	return __lkljs_syscall(n, a, b, c, d, e, f);
}

static inline long __syscall0(long n)
{
	return __syscall6(n, 0, 0, 0, 0, 0, 0);
}

static inline long __syscall1(long n, long a)
{
	return __syscall6(n, a, 0, 0, 0, 0, 0);
}

static inline long __syscall2(long n, long a, long b)
{
	return __syscall6(n, a, b, 0, 0, 0, 0);
}

static inline long __syscall3(long n, long a, long b, long c)
{
	return __syscall6(n, a, b, c, 0, 0, 0);
}

static inline long __syscall4(long n, long a, long b, long c, long d)
{
	return __syscall6(n, a, b, c, d, 0, 0);
}

static inline long __syscall5(long n, long a, long b, long c, long d, long e)
{
	return __syscall6(n, a, b, c, d, e, 0);
}

/* Anonymous mappings are made by the libc in 4 KiB pages (see memory.c). */
#define SYSCALL_MMAP2_UNIT 4096ULL

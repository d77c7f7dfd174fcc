// SPDX-License-Identifier: GPL-2.0-only
/*
 * The system calls asm-generic leaves to the architecture.
 */
#include <linux/mm.h>
#include <linux/syscalls.h>

/* 32-bit machines pass mmap offsets in 4 KiB units (asm-generic). */
SYSCALL_DEFINE6(mmap2, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags,
		unsigned long, fd, unsigned long, pgoff)
{
	return ksys_mmap_pgoff(addr, len, prot, flags, fd,
			       pgoff >> (PAGE_SHIFT - 12));
}

/*
 * Signal handlers would be host functions the kernel cannot call into, so
 * no signal frame is ever set up and there is nothing to return from.
 */
SYSCALL_DEFINE0(rt_sigreturn)
{
	return -ENOSYS;
}

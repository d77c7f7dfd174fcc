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


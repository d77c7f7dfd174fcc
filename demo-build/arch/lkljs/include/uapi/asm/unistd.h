/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * System call numbers: the asm-generic table with 32-bit numbering (long is
 * 32 bits in wasm32), 64-bit file offsets and times only.
 *
 * No include guard: the syscall table includes this file twice, once to
 * declare every entry and once to fill the table (kernel/syscall_table.c).
 */
/* fstat64 and fstatat64: the stat calls of 32-bit asm-generic machines. */
#define __ARCH_WANT_STAT64
#define __ARCH_WANT_SET_GET_RLIMIT
#define __ARCH_WANT_SYS_CLONE

#include <asm-generic/unistd.h>

/*
 * wait4, at asm-generic's own number. The 32-bit table leaves it out with
 * the calls that carry a 32-bit time (its struct rusage holds old
 * timevals), but it is the call that reaps a child with its exit status,
 * and libcs build waitpid on it. Defined on every inclusion, as the table
 * above is.
 */
#define __NR_wait4 260
__SYSCALL(__NR_wait4, sys_wait4)

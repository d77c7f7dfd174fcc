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

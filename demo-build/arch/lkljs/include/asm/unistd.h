/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_UNISTD_H
#define _ASM_LKLJS_UNISTD_H

#include <uapi/asm/unistd.h>

#define NR_syscalls (__NR_syscalls)

#endif

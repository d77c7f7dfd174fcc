/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_ELF_H
#define _ASM_LKLJS_ELF_H

#include <asm/ptrace.h>

/* No ELF binaries are loaded; these only describe the wasm32 target. */
#define ELF_ARCH		EM_NONE
#define ELF_CLASS		ELFCLASS32
#define ELF_DATA		ELFDATA2LSB
#define elf_check_arch(x)	0

typedef unsigned long elf_greg_t;
#define ELF_NGREG (sizeof(struct user_regs_struct) / sizeof(elf_greg_t))
typedef elf_greg_t elf_gregset_t[ELF_NGREG];
typedef struct { } elf_fpregset_t;

#define ELF_EXEC_PAGESIZE	4096
#define ELF_PLATFORM		(NULL)
#define ELF_HWCAP		(0)

#endif

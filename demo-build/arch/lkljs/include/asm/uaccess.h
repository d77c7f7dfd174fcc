/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_UACCESS_H
#define _ASM_LKLJS_UACCESS_H

/*
 * User memory. A wasm program has a WebAssembly.Memory of its own, which
 * the kernel cannot address: copies to and from it are host operations that
 * check bounds, so a bad pointer is -EFAULT and never a trap. Host code
 * that calls the kernel (PID 1's threads, Module.lkljs) shares the
 * kernel's memory, so for those tasks a "user" pointer is a plain pointer.
 * kernel/uaccess.c chooses by the current task.
 */
#include <linux/string.h>
#include <asm/unaligned.h>

unsigned long raw_copy_from_user(void *to, const void __user *from,
				 unsigned long n);
unsigned long raw_copy_to_user(void __user *to, const void *from,
			       unsigned long n);
unsigned long __clear_user(void __user *to, unsigned long n);
#define __clear_user __clear_user

/* Kernel memory is always the kernel's own: plain accesses. */
#define __get_kernel_nofault(dst, src, type, err_label)			\
do {									\
	*((type *)dst) = get_unaligned((type *)(src));			\
	if (0) /* make sure the label looks used to the compiler */	\
		goto err_label;						\
} while (0)

#define __put_kernel_nofault(dst, src, type, err_label)			\
do {									\
	put_unaligned(*((type *)src), (type *)(dst));			\
	if (0) /* make sure the label looks used to the compiler */	\
		goto err_label;						\
} while (0)

#include <asm-generic/uaccess.h>

#endif

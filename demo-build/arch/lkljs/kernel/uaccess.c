// SPDX-License-Identifier: GPL-2.0-only
/*
 * User memory (asm/uaccess.h). The current task's "user" memory is either
 * its wasm program's own memory, reached through host operations that
 * check bounds, or, for tasks that serve host code (PID 1 and its threads),
 * the kernel's own memory, where a user pointer is a plain pointer.
 */
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <lkljs-host.h>

static inline bool lkljs_user_memory_is_private(void)
{
	return current->thread.user_program;
}

unsigned long raw_copy_from_user(void *to, const void __user *from,
				 unsigned long n)
{
	if (lkljs_user_memory_is_private())
		return lkljs_host_user_read(to, (unsigned long)from, n);
	memcpy(to, (const void __force *)from, n);
	return 0;
}
EXPORT_SYMBOL(raw_copy_from_user);

unsigned long raw_copy_to_user(void __user *to, const void *from,
			       unsigned long n)
{
	if (lkljs_user_memory_is_private())
		return lkljs_host_user_write((unsigned long)to, from, n);
	memcpy((void __force *)to, from, n);
	return 0;
}
EXPORT_SYMBOL(raw_copy_to_user);

unsigned long __clear_user(void __user *to, unsigned long n)
{
	if (lkljs_user_memory_is_private())
		return lkljs_host_user_clear((unsigned long)to, n);
	memset((void __force *)to, 0, n);
	return 0;
}
EXPORT_SYMBOL(__clear_user);

/* The NUL's position within n bytes, n if none, -1 on a fault. */
static long lkljs_user_strnlen(const char __user *src, long n)
{
	const char *kernel_src = (const char __force *)src;

	if (lkljs_user_memory_is_private())
		return lkljs_host_user_strnlen((unsigned long)src, n);
	return strnlen(kernel_src, n);
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long length;

	if (count <= 0)
		return 0;
	length = lkljs_user_strnlen(src, count);
	if (length < 0)
		return -EFAULT;
	/* The NUL too, if it lies within count. */
	if (raw_copy_from_user(dst, src, length < count ? length + 1 : count))
		return -EFAULT;
	return length;
}
EXPORT_SYMBOL(strncpy_from_user);

long strnlen_user(const char __user *src, long n)
{
	long length;

	if (n <= 0)
		return 0;
	length = lkljs_user_strnlen(src, n);
	if (length < 0)
		return 0;
	/* With the NUL; more than n if the string is longer. */
	return length + 1;
}
EXPORT_SYMBOL(strnlen_user);

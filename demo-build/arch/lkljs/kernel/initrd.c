// SPDX-License-Identifier: GPL-2.0-only
/*
 * The initramfs. The host is the boot loader: it places the cpio archive
 * that the build generated (demo-build/initramfs.list) at the top of the
 * kernel's memory block, and the generic initramfs code unpacks it into
 * rootfs and frees its pages afterwards.
 *
 * The built-in initramfs that the generic linker script would provide is
 * empty here: it needs an assembler wasm does not have (patches/0004).
 */
#include <linux/init.h>
#include <linux/initrd.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <asm/lkljs.h>

char __initramfs_start[0];
unsigned long __initramfs_size;

static unsigned long lkljs_initrd, lkljs_initrd_size;

void __init lkljs_set_initrd(void *initrd, unsigned long size)
{
	lkljs_initrd = (unsigned long)initrd;
	lkljs_initrd_size = size;
}

/* Called once the memory block is known to memblock, before any alloc. */
void __init lkljs_reserve_initrd(void)
{
	if (!lkljs_initrd_size)
		return;
	memblock_reserve(lkljs_initrd, lkljs_initrd_size);
	initrd_start = lkljs_initrd;
	initrd_end = lkljs_initrd + lkljs_initrd_size;
	pr_info("lkljs: initramfs of %lu bytes from the host\n",
		lkljs_initrd_size);
}

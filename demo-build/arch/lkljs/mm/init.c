// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory: the host hands over one block of linear memory, which becomes the
 * only memblock region and the only zone. There is no MMU and no highmem.
 */
#include <linux/init.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <asm/lkljs.h>

void *empty_zero_page;
/* Bounds of the memory given to the kernel (asm-generic/page.h). */
unsigned long memory_start, memory_end;

void __init lkljs_setup_memory(void *memory, unsigned long size)
{
	unsigned long start = PAGE_ALIGN((unsigned long)memory);
	unsigned long end = ((unsigned long)memory + size) &
			    PAGE_MASK;
	unsigned long max_zone_pfn[MAX_NR_ZONES] = { 0 };

	memory_start = start;
	memory_end = end;
	/*
	 * Everything below the block (the module's static data and the host's
	 * heap) is described as reserved RAM. Flat memory then starts at pfn 0,
	 * which is what asm-generic/page.h assumes (ARCH_PFN_OFFSET 0), and
	 * every kernel address has a struct page.
	 */
	memblock_add(0, end);
	memblock_reserve(0, start);
	lkljs_reserve_initrd();

	min_low_pfn = 0;
	max_low_pfn = PFN_DOWN(end);
	max_pfn = max_low_pfn;
	max_mapnr = max_pfn;
	high_memory = (void *)end;

	empty_zero_page = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!empty_zero_page)
		panic("lkljs: no memory for the zero page");

	max_zone_pfn[ZONE_NORMAL] = max_pfn;
	free_area_init(max_zone_pfn);
}

void __init mem_init(void)
{
	memblock_free_all();
}


/*
 * brk, mmap2, munmap, mremap, mprotect and madvise inside the process: its
 * wasm memory is its own, so these never reach the kernel (ABI section 4).
 *
 * The heap is everything from the memory's size at the first call (the
 * loader puts the initial process block in pages it appended, so that is
 * above it) up to the memory's maximum. It is managed in 4 KiB pages:
 * - the break grows up from the heap's base, over pages nobody maps;
 * - anonymous mappings take the lowest run of free pages that fits, and
 *   otherwise pages appended with memory.grow (extending a free run that
 *   ends at the top);
 * - unmapped pages go back to the free set and are reused, zeroed.
 * The free set is a sorted array of disjoint runs. Should it ever be full,
 * a freed run that cannot be recorded is leaked rather than risked.
 * MAP_PRIVATE file mappings are read into anonymous pages with pread; there
 * is no shared file mapping (ENODEV) and no protection (mprotect succeeds,
 * as on a NOMMU kernel).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "syscall.h"

#define PAGE 4096UL
#define WASM_PAGE 65536UL
#define MAX_FREE_RUNS 512

struct run { unsigned long start, end; };

static struct run free_runs[MAX_FREE_RUNS];
static int free_count;
static unsigned long heap_base;
static unsigned long brk_end;   /* page-aligned end of the break's pages */
static unsigned long brk_current;

static unsigned long memory_end(void)
{
	return __builtin_wasm_memory_size(0) * WASM_PAGE;
}

static void init(void)
{
	if (heap_base) return;
	heap_base = brk_end = brk_current = memory_end();
}

static unsigned long page_round(unsigned long n)
{
	return (n + PAGE - 1) & -PAGE;
}

/* Grows the memory so that it ends at or after end; 0 on success. */
static int grow_to(unsigned long end)
{
	unsigned long have = memory_end();
	if (end <= have) return 0;
	unsigned long pages = (end - have + WASM_PAGE - 1) / WASM_PAGE;
	return __builtin_wasm_memory_grow(0, pages) == (unsigned long)-1 ? -1 : 0;
}

/* Removes [start, end) from the free set. */
static void take(unsigned long start, unsigned long end)
{
	int i = 0;
	while (i < free_count) {
		struct run *r = &free_runs[i];
		if (r->end <= start || r->start >= end) { i++; continue; }
		if (r->start < start && r->end > end) {
			if (free_count == MAX_FREE_RUNS) { r->end = start; return; }
			memmove(r + 2, r + 1, (free_count - i - 1) * sizeof *r);
			free_count++;
			r[1].start = end;
			r[1].end = r->end;
			r->end = start;
			return;
		}
		if (r->start < start) { r->end = start; i++; continue; }
		if (r->end > end) { r->start = end; i++; continue; }
		memmove(r, r + 1, (free_count - i - 1) * sizeof *r);
		free_count--;
	}
}

/* Adds [start, end) to the free set, merging with its neighbours. */
static void give(unsigned long start, unsigned long end)
{
	take(start, end);
	int i = 0;
	while (i < free_count && free_runs[i].end < start) i++;
	if (i < free_count && free_runs[i].end == start) {
		free_runs[i].end = end;
		if (i + 1 < free_count && free_runs[i + 1].start == end) {
			free_runs[i].end = free_runs[i + 1].end;
			memmove(&free_runs[i + 1], &free_runs[i + 2], (free_count - i - 2) * sizeof *free_runs);
			free_count--;
		}
		return;
	}
	if (i < free_count && free_runs[i].start == end) {
		free_runs[i].start = start;
		return;
	}
	if (free_count == MAX_FREE_RUNS) return;
	memmove(&free_runs[i + 1], &free_runs[i], (free_count - i) * sizeof *free_runs);
	free_count++;
	free_runs[i].start = start;
	free_runs[i].end = end;
}

/* True if [start, end) is free: in the free set or above the memory's end. */
static int is_free(unsigned long start, unsigned long end)
{
	unsigned long top = memory_end();
	if (start >= top) return 1;
	if (end > top) end = top;
	for (int i = 0; i < free_count; i++)
		if (free_runs[i].start <= start && free_runs[i].end >= end)
			return 1;
	return 0;
}

/*
 * Makes the free pages [start, end) in use and zeroed, growing the memory
 * if they reach past its end; pages that the growth adds beyond them (up to
 * the next 64 KiB) and any gap below start join the free set. 0 on success.
 */
static int claim(unsigned long start, unsigned long end)
{
	unsigned long top = memory_end();
	if (grow_to(end)) return -1;
	unsigned long new_top = memory_end();
	if (start > top) give(top, start);
	take(start, end);
	/* Pages that were already there may hold old data; grown ones are zero. */
	if (start < top) memset((void *)start, 0, (end < top ? end : top) - start);
	unsigned long fresh = end > top ? end : top;
	if (new_top > fresh) give(fresh, new_top);
	return 0;
}

/* Takes len bytes of free pages above the break, zeroed; 0 if there is no room. */
static unsigned long allocate(unsigned long len)
{
	unsigned long start = 0;
	for (int i = 0; i < free_count && !start; i++)
		if (free_runs[i].end - free_runs[i].start >= len) start = free_runs[i].start;
	if (!start) {
		/* A free run that ends at the top is extended rather than skipped. */
		unsigned long top = memory_end();
		start = top;
		if (free_count && free_runs[free_count - 1].end == top)
			start = free_runs[free_count - 1].start;
		if (start < brk_end) start = brk_end;
	}
	if (start + len < start) return 0;
	return claim(start, start + len) ? 0 : start;
}

static long do_brk(unsigned long want)
{
	if (want < heap_base) return brk_current;
	unsigned long end = page_round(want);
	if (end < want) return brk_current;
	if (end > brk_end) {
		if (!is_free(brk_end, end) || claim(brk_end, end)) return brk_current;
		brk_end = end;
	} else if (end < brk_end) {
		give(end, brk_end);
		brk_end = end;
	}
	return brk_current = want;
}

static long do_mmap(unsigned long addr, unsigned long len, int prot, int flags, int fd, unsigned long pgoff)
{
	if (!len) return -EINVAL;
	if (len > -PAGE - 1) return -ENOMEM;
	len = page_round(len);
	int anonymous = flags & MAP_ANONYMOUS;
	if (!anonymous && (flags & MAP_SHARED) && (prot & PROT_WRITE)) return -ENODEV;
	unsigned long start;
	if (flags & MAP_FIXED) {
		/* Only over pages above the break: below it are the program's
		 * own image and the break. */
		if (addr & (PAGE - 1)) return -EINVAL;
		if (addr < brk_end || addr + len < addr || claim(addr, addr + len)) return -ENOMEM;
		start = addr;
	} else if (!(start = allocate(len))) {
		return -ENOMEM;
	}
	if (!anonymous) {
		/* A private copy of the file, read with pread64 (the offset in
		 * SYSCALL_MMAP2_UNIT pages; 64 bits in two slots). */
		unsigned long long offset = (unsigned long long)pgoff * PAGE;
		unsigned long done = 0;
		while (done < len) {
			unsigned long long at = offset + done;
			long n = __lkljs_syscall(SYS_pread64, fd, start + done, len - done,
				(long)at, (long)(at >> 32), 0);
			if (n == -EINTR) continue;
			if (n < 0) { give(start, start + len); return n; }
			if (n == 0) break;
			done += n;
		}
	}
	return start;
}

static long do_munmap(unsigned long start, unsigned long len)
{
	if (start & (PAGE - 1) || !len) return -EINVAL;
	unsigned long end = page_round(start + len);
	if (end < start) return -EINVAL;
	/* Only pages above the break can be mapped; the rest never was. */
	if (start < brk_end) start = brk_end;
	if (end > memory_end()) end = memory_end();
	if (start < end) give(start, end);
	return 0;
}

static long do_mremap(unsigned long old, unsigned long old_len, unsigned long new_len, int flags)
{
	if (old & (PAGE - 1) || !new_len) return -EINVAL;
	old_len = page_round(old_len);
	new_len = page_round(new_len);
	if (new_len <= old_len) {
		if (new_len < old_len) do_munmap(old + new_len, old_len - new_len);
		return old;
	}
	if (old >= brk_end && old + new_len > old && is_free(old + old_len, old + new_len)
	    && !claim(old + old_len, old + new_len))
		return old;
	if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
	unsigned long start = allocate(new_len);
	if (!start) return -ENOMEM;
	memcpy((void *)start, (void *)old, old_len);
	do_munmap(old, old_len);
	return start;
}

hidden long __wasm32_memory_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	init();
	switch (n) {
	case SYS_brk: return do_brk(a);
	case SYS_mmap2: return do_mmap(a, b, c, d, e, f);
	case SYS_munmap: return do_munmap(a, b);
	case SYS_mremap: return do_mremap(a, b, c, d);
	case SYS_mprotect: return 0;
	case SYS_madvise: return 0;
	}
	return -ENOSYS;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linker script of the lkljs port, written in C.
 *
 * wasm-ld ignores linker scripts. It does, however, keep each data section
 * name as one output segment, concatenate the inputs of a segment in link
 * order, and lay the segments out in the order it first meets them. This
 * object is linked first, so the zero-sized markers below fix the order of
 * the kernel's table sections and give their boundaries the names the
 * generic code expects (__initcall6_start, __setup_start, ...). Every table
 * keeps link order within a level, as the generic linker script does.
 *
 * Each table is followed by a marker section of its own that holds only its
 * end marker, so the end lies exactly past the last entry. Link with
 * --no-gc-sections: the entries are referenced from nowhere else.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/compiler.h>
#include <asm/lkljs.h>

#define MARK(type, name, section) \
	type name[0] __used __section(section) __aligned(sizeof(void *))

/* Initcall levels, in the order of INIT_CALLS in vmlinux.lds.h. */
MARK(initcall_entry_t, __initcall_start, ".initcallearly.init");
MARK(initcall_entry_t, __initcall0_start, ".initcall0.init");
MARK(initcall_entry_t, __lkljs_initcall0s, ".initcall0s.init");
MARK(initcall_entry_t, __initcall1_start, ".initcall1.init");
MARK(initcall_entry_t, __lkljs_initcall1s, ".initcall1s.init");
MARK(initcall_entry_t, __initcall2_start, ".initcall2.init");
MARK(initcall_entry_t, __lkljs_initcall2s, ".initcall2s.init");
MARK(initcall_entry_t, __initcall3_start, ".initcall3.init");
MARK(initcall_entry_t, __lkljs_initcall3s, ".initcall3s.init");
MARK(initcall_entry_t, __initcall4_start, ".initcall4.init");
MARK(initcall_entry_t, __lkljs_initcall4s, ".initcall4s.init");
MARK(initcall_entry_t, __initcall5_start, ".initcall5.init");
MARK(initcall_entry_t, __lkljs_initcall5s, ".initcall5s.init");
MARK(initcall_entry_t, __lkljs_initcallrootfs, ".initcallrootfs.init");
MARK(initcall_entry_t, __initcall6_start, ".initcall6.init");
MARK(initcall_entry_t, __lkljs_initcall6s, ".initcall6s.init");
MARK(initcall_entry_t, __initcall7_start, ".initcall7.init");
MARK(initcall_entry_t, __lkljs_initcall7s, ".initcall7s.init");
MARK(initcall_entry_t, __initcall_end, ".lkljs.initcall_end");

MARK(initcall_entry_t, __con_initcall_start, ".con_initcall.init");
MARK(initcall_entry_t, __con_initcall_end, ".lkljs.con_initcall_end");

MARK(struct obs_kernel_param, __setup_start, ".init.setup");
MARK(struct obs_kernel_param, __setup_end, ".lkljs.setup_end");

/*
 * MODULE_VERSION() entries of built-in code, which sysfs lists. wasm-ld
 * names the bounds of this C-identifier section itself, but only when some
 * object has an entry; these markers make it exist in every configuration.
 */
MARK(struct module_version_attribute, __start___modver, "__modver");
MARK(struct module_version_attribute, __stop___modver, ".lkljs.modver_end");

/*
 * Scheduling classes, highest priority first: the scheduler walks them by
 * address and compares their addresses for priority (SCHED_DATA). The stop
 * class exists only on SMP. The type is opaque here, the alignment is that
 * of a structure of pointers, which DEFINE_SCHED_CLASS also uses.
 */
MARK(char, __sched_class_highest, "__dl_sched_class");
MARK(char, __lkljs_rt_sched_class, "__rt_sched_class");
MARK(char, __lkljs_fair_sched_class, "__fair_sched_class");
MARK(char, __lkljs_idle_sched_class, "__idle_sched_class");
MARK(char, __sched_class_lowest, ".lkljs.sched_class_end");

/*
 * Image boundaries. Code is not in linear memory under wasm, so these
 * delimit nothing; the memory report prints zero-sized kernel sections.
 */
char _text[0], _stext[0], _etext[0];
char _sdata[0], _edata[0];
char __bss_start[0], __bss_stop[0];
char __init_begin[0], __init_end[0];
char _sinittext[0], _einittext[0];
char __start_rodata[0], __end_rodata[0];
char __start_ro_after_init[0], __end_ro_after_init[0];
char _end[0];

/* Text sections that wasm cannot place anywhere: all empty ranges. */
char __sched_text_start[0], __sched_text_end[0];
char __cpuidle_text_start[0], __cpuidle_text_end[0];

/* No exception table: NOMMU user copies cannot fault. */
MARK(char, __start___ex_table, ".lkljs.ex_table");
MARK(char, __stop___ex_table, ".lkljs.ex_table");

/*
 * Function "addresses" in wasm are indices into the function table, and
 * wasm-ld hands them out from 1 in the order it meets address-taken
 * functions. The kernel assumes code addresses are at least 4096: kfree_rcu()
 * stores a small structure offset where a callback pointer would go and
 * tells the two apart by that bound. So the first 4096 table slots go to
 * padding functions that nothing calls, taken here in the first object of
 * the link; setup_arch() checks that the layout held.
 *
 * Their addresses are taken in the code of a function that nothing calls
 * rather than in an array, which would stay in the module's data (16 KB).
 * This file is compiled for plain wasm32 (Makefile), where `__used` keeps
 * the function through the link without exporting it, as Emscripten's
 * target would; binaryen then drops it, and the table slots stay.
 */
#define LKLJS_PAD_FUNCTION(n)	static void lkljs_table_pad_##n(void) { }
#define LKLJS_PAD_TAKE(n)	take(lkljs_table_pad_##n);
#define LKLJS_PAD16(m, p)						\
	m(p##0) m(p##1) m(p##2) m(p##3) m(p##4) m(p##5) m(p##6) m(p##7)	\
	m(p##8) m(p##9) m(p##a) m(p##b) m(p##c) m(p##d) m(p##e) m(p##f)
#define LKLJS_PAD256(m, p)						\
	LKLJS_PAD16(m, p##0) LKLJS_PAD16(m, p##1) LKLJS_PAD16(m, p##2)	\
	LKLJS_PAD16(m, p##3) LKLJS_PAD16(m, p##4) LKLJS_PAD16(m, p##5)	\
	LKLJS_PAD16(m, p##6) LKLJS_PAD16(m, p##7) LKLJS_PAD16(m, p##8)	\
	LKLJS_PAD16(m, p##9) LKLJS_PAD16(m, p##a) LKLJS_PAD16(m, p##b)	\
	LKLJS_PAD16(m, p##c) LKLJS_PAD16(m, p##d) LKLJS_PAD16(m, p##e)	\
	LKLJS_PAD16(m, p##f)
#define LKLJS_PAD4096(m)						\
	LKLJS_PAD256(m, 0) LKLJS_PAD256(m, 1) LKLJS_PAD256(m, 2)	\
	LKLJS_PAD256(m, 3) LKLJS_PAD256(m, 4) LKLJS_PAD256(m, 5)	\
	LKLJS_PAD256(m, 6) LKLJS_PAD256(m, 7) LKLJS_PAD256(m, 8)	\
	LKLJS_PAD256(m, 9) LKLJS_PAD256(m, a) LKLJS_PAD256(m, b)	\
	LKLJS_PAD256(m, c) LKLJS_PAD256(m, d) LKLJS_PAD256(m, e)	\
	LKLJS_PAD256(m, f)

LKLJS_PAD4096(LKLJS_PAD_FUNCTION)

void __used lkljs_table_padding_take(void (*take)(void (*)(void)))
{
	LKLJS_PAD4096(LKLJS_PAD_TAKE)
}

/* After lkljs_table_padding_take(), so that its addresses come first. */
bool lkljs_table_padding_holds(void)
{
	return (unsigned long)lkljs_table_pad_000 == 1 &&
	       (unsigned long)lkljs_table_pad_fff == LKLJS_TABLE_PADDING;
}

/*
 * The program's entry, included by musl's crt/crt1.c. The kernel calls the
 * export _start(sp) once per exec, with sp pointing at the initial process
 * block (argc, argv, NULL, envp, NULL, auxv): exactly what _start_c takes.
 */
void _start_c(long *p);

/* wasm-ld's synthesized initialiser of thread-local storage (a shared memory
 * always has one). Its block is carved from fresh pages above the memory
 * the program started with, before the heap's first page is chosen. */
void __wasm_init_tls(void *);

__attribute__((__export_name__("_start")))
void _start(long *sp)
{
	unsigned long size = __builtin_wasm_tls_size();
	if (size) {
		unsigned long align = __builtin_wasm_tls_align();
		unsigned long bytes = size + align;
		unsigned long base = __builtin_wasm_memory_grow(0, (bytes + 65535) / 65536);
		if (base == (unsigned long)-1) __builtin_trap();
		__wasm_init_tls((void *)((base * 65536 + align - 1) & -align));
	}
	_start_c(sp);
}

/*
 * clang names a wasm program's int main(int, char **) __main_argc_argv and
 * int main(void) __main_void (and defines no "main" for the first). crt1.c
 * hands "main" to __libc_start_main, which calls it with three arguments;
 * wasm checks the type of an indirect call, so the program's main is
 * reached through this three-argument function of exactly that type.
 *
 * The reference to __main_argc_argv is a strong undefined one, so that the
 * linker fetches main from an archive (BusyBox keeps its main in libbb's
 * lib.a); a program whose main takes no arguments gets libc.a's
 * __main_argc_argv (src/env/wasm32/__main_argc_argv.c), which calls it. A
 * weak fallback here in crt1.o would satisfy the reference before any
 * archive is searched.
 */
int __main_argc_argv(int argc, char **argv);

static int __wasm32_main(int argc, char **argv, char **envp)
{
	return __main_argc_argv(argc, argv);
}
#define main __wasm32_main

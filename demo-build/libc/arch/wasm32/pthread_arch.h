/*
 * wasm has no thread-pointer register. ABI version 1 is single-threaded, so
 * the thread pointer is a variable of the libc, set once by
 * __set_thread_area (src/thread/wasm32/__set_thread_area.c) to the static
 * struct pthread that __init_tls places in builtin_tls.
 */
extern hidden uintptr_t __wasm32_thread_pointer;

static inline uintptr_t __get_tp(void)
{
	return __wasm32_thread_pointer;
}

/* No program counter: cancellation by signal is ABI version 2. */
#define MC_PC regs.regs[0]

/*
 * setjmp/longjmp on WebAssembly exception handling. A program that calls
 * setjmp is compiled with -mexception-handling -mllvm -wasm-enable-sjlj
 * (bin/lkljs-cc does so): clang then turns each setjmp into a call to
 * saveSetjmp and each longjmp into __wasm_longjmp, which throws, and the
 * function that called setjmp catches. saveSetjmp, testSetjmp and
 * __wasm_longjmp come from LLVM's compiler-rt as Emscripten ships it
 * (emscripten_setjmp.c, built into lib/libcompiler_rt.a by build-libc.sh);
 * the two small pieces of runtime they expect of the JavaScript side in
 * Emscripten are here, in the module. There is no setjmp function: calling
 * setjmp from code compiled without those flags fails to link, rather than
 * failing at run time.
 *
 * longjmp itself is still a function, for calls the compiler did not see
 * (through a pointer, or from code built without the flags).
 */
#include <setjmp.h>
#include <stdint.h>

void __wasm_longjmp(void *env, int val);

_Noreturn void longjmp(jmp_buf env, int val)
{
	__wasm_longjmp(env, val ? val : 1);
	__builtin_unreachable();
}

_Noreturn void _longjmp(jmp_buf env, int val)
{
	longjmp(env, val);
}

/* The second result of a call, which the lowering passes through a global:
 * the size of the setjmp table after saveSetjmp. One thread: one value. */
static uint32_t temp_ret0;

void setTempRet0(uint32_t value)
{
	temp_ret0 = value;
}

uint32_t getTempRet0(void)
{
	return temp_ret0;
}

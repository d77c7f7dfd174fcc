/* Room for a future setjmp/longjmp (ABI version 2): wasm has no registers
 * to save, so a jump buffer only needs to identify the setjmp call. */
typedef unsigned long __jmp_buf[8];

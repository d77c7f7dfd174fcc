/*
 * sigsetjmp on wasm is a macro (include/setjmp.h, patch 0004): this saves
 * the mask, then setjmp runs in the caller. siglongjmp.c restores it.
 */
#include <setjmp.h>
#include <signal.h>
#include "syscall.h"

int __wasm_sigsetjmp_save(sigjmp_buf env, int savemask)
{
	env->__fl = savemask != 0;
	if (savemask)
		__syscall(SYS_rt_sigprocmask, SIG_SETMASK, 0, env->__ss, _NSIG/8);
	return 0;
}

/*
 * siglongjmp on wasm: the buffer's mask (saved by sigsetjmp's
 * __wasm_sigsetjmp_save) comes back before the jump, since the caller of
 * sigsetjmp, where the jump lands, is not libc code that could restore it
 * afterwards as other archs' sigsetjmp does.
 */
#include <setjmp.h>
#include <signal.h>
#include "syscall.h"

_Noreturn void siglongjmp(sigjmp_buf env, int val)
{
	if (env->__fl)
		__syscall(SYS_rt_sigprocmask, SIG_SETMASK, env->__ss, 0, _NSIG/8);
	longjmp(env, val);
}

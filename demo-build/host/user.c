// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host half of wasm programs, C side: the host operations the kernel
 * calls (lkljs-host.h), which run in the calling thread's worker and act on
 * that thread's program (lkljs-user.js), and the kernel entry points that
 * the user-mode loop in lkljs-user.js calls.
 */
#include <emscripten.h>

#include <lkljs-host.h>

EM_JS(int, lkljs_host_user_image_find,
      (const char *key, unsigned long *min_pages, unsigned long *max_pages), {
	return Module.lkljsUser.imageFind(UTF8ToString(key), min_pages, max_pages);
});

EM_JS(int, lkljs_host_user_image_begin, (unsigned long size), {
	return Module.lkljsUser.imageBegin(size >>> 0);
});

EM_JS(void, lkljs_host_user_image_append,
      (const void *bytes, unsigned long length), {
	Module.lkljsUser.imageAppend(bytes, length >>> 0);
});

EM_JS(int, lkljs_host_user_image_compile,
      (unsigned long *min_pages, unsigned long *max_pages, char *why,
       unsigned long why_size), {
	return Module.lkljsUser.imageCompile(min_pages, max_pages, why, why_size);
});

EM_JS(void, lkljs_host_user_image_drop, (void), {
	Module.lkljsUser.imageDrop();
});

EM_JS(int, lkljs_host_user_image_load, (struct task_struct *task), {
	return Module.lkljsUser.imageLoad(task);
});

EM_JS(long, lkljs_host_user_memory_grow, (unsigned long pages), {
	return Module.lkljsUser.memoryGrow(pages >>> 0);
});

EM_JS(void, lkljs_host_user_set_start, (unsigned long sp), {
	Module.lkljsUser.setStart(sp >>> 0);
});

EM_JS(int, lkljs_host_user_can_clone, (void), {
	return Module.lkljsUser.canClone();
});

EM_JS(void, lkljs_host_user_set_clone_start, (unsigned long sp), {
	Module.lkljsUser.setCloneStart(sp >>> 0);
});

EM_JS(int, lkljs_host_user_signal, (unsigned long frame), {
	return Module.lkljsUser.signal(frame >>> 0);
});

EM_JS(unsigned long, lkljs_host_user_read,
      (void *to, unsigned long from, unsigned long n), {
	return Module.lkljsUser.read(to, from >>> 0, n >>> 0);
});

EM_JS(unsigned long, lkljs_host_user_write,
      (unsigned long to, const void *from, unsigned long n), {
	return Module.lkljsUser.write(to >>> 0, from, n >>> 0);
});

EM_JS(unsigned long, lkljs_host_user_clear, (unsigned long to, unsigned long n), {
	return Module.lkljsUser.clear(to >>> 0, n >>> 0);
});

EM_JS(long, lkljs_host_user_strnlen, (unsigned long from, unsigned long n), {
	return Module.lkljsUser.strnlen(from >>> 0, n >>> 0);
});

/*
 * Each wasm frame that the throw unwinds costs V8's unwinder about 0.4 µs
 * (node 20), so the throw starts here, in __switch_to()'s own call, with no
 * C wrapper frame; lkljs-host.h declares it noreturn.
 */
EM_JS(void, lkljs_host_user_leave, (void), {
	Module.lkljsUser.leave();
});

/*
 * For the same reason the leave's schedule() is called from JavaScript,
 * which catches the throw right above the scheduler's frames rather than
 * above every frame of the system call (build-kernel.sh exports schedule).
 */
EM_JS(int, lkljs_host_schedule_to_leave, (void), {
	return Module.lkljsUser.scheduleToLeave();
});

EM_JS(void, lkljs_host_user_run_js, (struct task_struct *task), {
	Module.lkljsUser.run(task);
});

void lkljs_host_user_run(struct task_struct *task)
{
	lkljs_host_user_run_js(task);
	__builtin_unreachable();
}

/* The thread is ending: its worker forgets the program (host.c). */
EM_JS(void, lkljs_host_user_forget, (void), {
	if (Module.lkljsUser) Module.lkljsUser.forget();
});

/*
 * Entry points for lkljs-user.js. A system call, a host call and the first
 * leave return once the task is off the CPU; a fault does not return.
 */
EMSCRIPTEN_KEEPALIVE void lkljs_user_syscall_entry(struct task_struct *task,
						   long nr, long a0, long a1,
						   long a2, long a3, long a4,
						   long a5)
{
	lkljs_user_syscall(task, nr, a0, a1, a2, a3, a4, a5);
}

EMSCRIPTEN_KEEPALIVE void lkljs_call_on_caller_entry(struct lkljs_host_call *call)
{
	lkljs_call_on_caller(call);
}

EM_JS(void, lkljs_host_call_here, (struct lkljs_host_call *call), {
	Module.lkljsUser.callHere(call);
});

EMSCRIPTEN_KEEPALIVE void lkljs_user_leave_entry(void)
{
	lkljs_user_leave();
}

EMSCRIPTEN_KEEPALIVE void lkljs_user_fault_entry(struct task_struct *task,
						 int signal)
{
	lkljs_user_fault(task, signal);
}

EMSCRIPTEN_KEEPALIVE long *lkljs_user_result_slot_entry(struct task_struct *task)
{
	return lkljs_user_result_slot(task);
}

EMSCRIPTEN_KEEPALIVE int lkljs_user_work_pending_entry(struct task_struct *task)
{
	return lkljs_user_work_pending(task);
}

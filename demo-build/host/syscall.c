// SPDX-License-Identifier: GPL-2.0-only
/*
 * lkljs_syscall(): system calls from any host thread (lkljs.h). Each host
 * thread has a record in a TLS slot: its kernel task, a semaphore to sleep
 * on while the kernel makes the task, and the call itself. Once the task
 * exists, calls run on the thread itself as that task
 * (kernel/host_calls.c). The TLS destructor ends the task when the thread
 * exits.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <lkljs-host.h>
#include "lkljs.h"
#include "host.h"

struct lkljs_host_thread {
	struct lkljs_task *task;
	struct lkljs_host_sem *done;
	struct lkljs_host_call call;
	struct lkljs_host_call interrupt;
};

static pthread_key_t lkljs_thread_key;
static pthread_once_t lkljs_thread_key_once = PTHREAD_ONCE_INIT;

static pthread_mutex_t lkljs_ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lkljs_ready_changed = PTHREAD_COND_INITIALIZER;
static int lkljs_pid1_ready;

void lkljs_host_mark_ready(void)
{
	pthread_mutex_lock(&lkljs_ready_lock);
	lkljs_pid1_ready = 1;
	pthread_cond_broadcast(&lkljs_ready_changed);
	pthread_mutex_unlock(&lkljs_ready_lock);
}

static void lkljs_wait_ready(void)
{
	pthread_mutex_lock(&lkljs_ready_lock);
	while (!lkljs_pid1_ready)
		pthread_cond_wait(&lkljs_ready_changed, &lkljs_ready_lock);
	pthread_mutex_unlock(&lkljs_ready_lock);
}

/* Runs one call on the thread's task (or PID 1's, while task is NULL). */
static long lkljs_run_call(struct lkljs_host_thread *thread, long nr,
			   const long args[6])
{
	struct lkljs_host_call *call = &thread->call;
	int i;

	call->task = thread->task;
	call->nr = nr;
	for (i = 0; i < 6; i++)
		call->args[i] = args ? args[i] : 0;
	call->done = thread->done;
	/* Once the thread has a task, it is that task's host thread. */
	if (call->task) {
		lkljs_host_call_here(call);
		return call->result;
	}
	lkljs_call_submit(call);
	lkljs_host_sem_down(thread->done);
	return call->result;
}

static void lkljs_thread_end(void *thread_pointer)
{
	struct lkljs_host_thread *thread = thread_pointer;

	lkljs_run_call(thread, LKLJS_CALL_EXIT, NULL);
	lkljs_host_sem_free(thread->done);
	free(thread);
}

static void lkljs_make_thread_key(void)
{
	pthread_key_create(&lkljs_thread_key, lkljs_thread_end);
}

struct lkljs_host_thread *lkljs_this_thread(void)
{
	struct lkljs_host_thread *thread;
	long result;

	pthread_once(&lkljs_thread_key_once, lkljs_make_thread_key);
	thread = pthread_getspecific(lkljs_thread_key);
	if (thread)
		return thread;

	lkljs_wait_ready();
	thread = calloc(1, sizeof(*thread));
	if (!thread)
		return NULL;
	thread->done = lkljs_host_sem_alloc(0);
	if (!thread->done) {
		free(thread);
		return NULL;
	}
	/* With no task yet, the call goes to PID 1's main thread. */
	result = lkljs_run_call(thread, LKLJS_CALL_NEW_THREAD, NULL);
	if (result < 0 && result > -4096) {
		lkljs_host_sem_free(thread->done);
		free(thread);
		return NULL;
	}
	thread->task = (struct lkljs_task *)result;
	thread->interrupt.task = thread->task;
	thread->interrupt.nr = LKLJS_CALL_INTERRUPT;
	pthread_setspecific(lkljs_thread_key, thread);
	return thread;
}

long lkljs_syscall(long nr, long args[6])
{
	struct lkljs_host_thread *thread = lkljs_this_thread();

	if (!thread)
		return -EAGAIN;
	/* The LKLJS_CALL_* numbers are not system calls. */
	if (nr < 0)
		return -ENOSYS;
	return lkljs_run_call(thread, nr, args);
}

void lkljs_thread_detach(void)
{
	struct lkljs_host_thread *thread;

	pthread_once(&lkljs_thread_key_once, lkljs_make_thread_key);
	thread = pthread_getspecific(lkljs_thread_key);
	if (!thread)
		return;
	pthread_setspecific(lkljs_thread_key, NULL);
	lkljs_thread_end(thread);
}

void lkljs_interrupt(struct lkljs_host_thread *thread)
{
	/* At most once in the kernel's list at a time. */
	if (!__atomic_exchange_n(&thread->interrupt.queued, 1, __ATOMIC_ACQ_REL))
		lkljs_call_submit(&thread->interrupt);
}

long lkljs_spawn(const char *path, char *const argv[], char *const envp[],
		 const int fds[3])
{
	struct lkljs_host_thread *thread = lkljs_this_thread();
	char *const default_argv[] = { (char *)path, 0 };
	char *const no_environment[] = { 0 };
	long args[6] = {
		(long)path,
		(long)(argv ? argv : default_argv),
		(long)(envp ? envp : no_environment),
		(long)fds,
	};

	if (!thread)
		return -EAGAIN;
	return lkljs_run_call(thread, LKLJS_CALL_SPAWN, args);
}

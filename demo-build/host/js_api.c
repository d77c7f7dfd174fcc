// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels: the C half of Module.lkljs (contract B, lkljs-api.js). The
 * browser's main thread must never block, so each channel is a host
 * pthread with its own kernel task. The main thread hands it one request
 * at a time and returns at once; the channel thread makes the system call
 * and posts the result back to the main thread, where it resolves the
 * request's Promise (Module.lkljs._complete(token, result)).
 */
#include <emscripten.h>
#include <errno.h>
#include <stdlib.h>

#include <lkljs-host.h>
#include "host.h"
#include "lkljs.h"

#define LKLJS_CHANNEL_STACK (64 * 1024)
/* A request that is lkljs_spawn(args[0..3]) rather than a system call. */
#define LKLJS_CHANNEL_SPAWN (-1)

struct lkljs_channel {
	struct lkljs_host_sem *request;
	/* Set by the channel thread once its kernel task exists. */
	struct lkljs_host_thread *thread;
	/* The request: written by the main thread before it posts request. */
	int token;
	int closing;
	long nr;
	long args[6];
};

static void lkljs_channel_complete(int token, long result)
{
	MAIN_THREAD_ASYNC_EM_ASM({ Module.lkljs._complete($0, $1); },
				 token, result);
}

static void lkljs_channel_main(void *channel_pointer)
{
	struct lkljs_channel *channel = channel_pointer;

	channel->thread = lkljs_this_thread();
	lkljs_channel_complete(channel->token, channel->thread ? 0 : -EAGAIN);
	if (!channel->thread)
		return;
	for (;;) {
		lkljs_host_sem_down(channel->request);
		if (channel->closing)
			break;
		lkljs_channel_complete(channel->token,
				       channel->nr == LKLJS_CHANNEL_SPAWN ?
				       lkljs_spawn((const char *)channel->args[0],
						   (char *const *)channel->args[1],
						   (char *const *)channel->args[2],
						   (const int *)channel->args[3]) :
				       lkljs_syscall(channel->nr, channel->args));
	}
	lkljs_thread_detach();
	lkljs_channel_complete(channel->token, 0);
	lkljs_host_sem_free(channel->request);
	free(channel);
}

/* Answers token with 0 once the channel can take calls (or -errno). */
EMSCRIPTEN_KEEPALIVE struct lkljs_channel *lkljs_channel_open(int token)
{
	struct lkljs_channel *channel = calloc(1, sizeof(*channel));

	if (!channel)
		return NULL;
	channel->request = lkljs_host_sem_alloc(0);
	if (!channel->request) {
		free(channel);
		return NULL;
	}
	channel->token = token;
	/* It only hands calls over: a small stack is plenty. */
	if (lkljs_host_start_thread(lkljs_channel_main, channel,
				    LKLJS_CHANNEL_STACK)) {
		lkljs_host_sem_free(channel->request);
		free(channel);
		return NULL;
	}
	return channel;
}

EMSCRIPTEN_KEEPALIVE void lkljs_channel_submit(struct lkljs_channel *channel,
					       int token, long nr, long a0,
					       long a1, long a2, long a3,
					       long a4, long a5)
{
	channel->token = token;
	channel->nr = nr;
	channel->args[0] = a0;
	channel->args[1] = a1;
	channel->args[2] = a2;
	channel->args[3] = a3;
	channel->args[4] = a4;
	channel->args[5] = a5;
	lkljs_host_sem_up(channel->request);
}

EMSCRIPTEN_KEEPALIVE void lkljs_channel_interrupt(struct lkljs_channel *channel)
{
	struct lkljs_host_thread *thread =
		__atomic_load_n(&channel->thread, __ATOMIC_ACQUIRE);

	if (thread)
		lkljs_interrupt(thread);
}

/* Ends the channel's task and thread; answers token with 0. */
EMSCRIPTEN_KEEPALIVE void lkljs_channel_close(struct lkljs_channel *channel,
					      int token)
{
	channel->token = token;
	channel->closing = 1;
	lkljs_host_sem_up(channel->request);
}

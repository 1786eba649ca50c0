/* replay_port.c: `--port replay:SESSION`: a recorded transcript played back
 * as if it were the adapter, served in a thread behind a link pair like the
 * simulator, so a user's bug report can be reproduced without their car.
 * Commands that were never recorded get NO DATA (or ? for AT commands);
 * each is noted and the notes reach the session's events on close. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "session/replay.h"
#include "util/buf.h"

#define REPLAY_POLL_MS 50
#define REPLAY_WRITE_MS 5000

/* A replay served by a thread. */
struct app_replay {
	pthread_t thread;
	struct session_replay *replay;
	struct link *link;           /* the replay's end */
	pthread_mutex_t lock;
	bool stop;
	struct buf notes;            /* "replay: ..." lines for the events */
};

/* Keeps a note about an unrecorded command (called on the replay thread). */
static void replay_note(void *arg, const char *text)
{
	struct app_replay *r = arg;

	pthread_mutex_lock(&r->lock);
	buf_printf(&r->notes, "%s\n", text);
	pthread_mutex_unlock(&r->lock);
}

/* True when the console asked the thread to stop. */
static bool replay_stopped(struct app_replay *r)
{
	bool stop;

	pthread_mutex_lock(&r->lock);
	stop = r->stop;
	pthread_mutex_unlock(&r->lock);
	return stop;
}

/* The thread: console bytes in, recorded answers out, until EOF or stop. */
static void *replay_thread(void *arg)
{
	struct app_replay *r = arg;
	struct buf out = { 0 };
	uint8_t in[1024];
	struct error e;
	long n;

	while (!replay_stopped(r)) {
		n = link_read(r->link, in, sizeof in, REPLAY_POLL_MS, &e);
		if (n < 0)
			break;
		if (n == 0)
			continue;
		buf_reset(&out);
		session_replay_answer(r->replay, in, (size_t)n, &out);
		if (out.len && link_write(r->link, out.data, out.len, REPLAY_WRITE_MS, &e) < 0)
			break;
	}
	buf_free(&out);
	return NULL;
}

/* Opens a recorded session and serves it on a new link pair. */
int app_replay_start(const char *what, struct link **console, struct app_replay **out,
		     struct error *e)
{
	struct app_replay *r = calloc(1, sizeof *r);

	*out = NULL;
	if (r == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	if (session_replay_open(what, &r->replay, e) < 0) {
		free(r);
		return error_wrap(e, "replay");
	}
	pthread_mutex_init(&r->lock, NULL);
	session_replay_set_note(r->replay, replay_note, r);
	if (link_pair(console, &r->link, "replay", e) < 0 ||
	    pthread_create(&r->thread, NULL, replay_thread, r) != 0) {
		if (*console == NULL)
			error_set(e, ERR_NOMEM, "replay: cannot start");
		link_close(*console);
		link_close(r->link);
		*console = NULL;
		session_replay_close(r->replay);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return -(int)(e->kind ? e->kind : ERR_NOMEM);
	}
	*out = r;
	return 0;
}

/* Stops the thread (after the console closed its end), hands the notes to
 * the session's events, and frees the replay. */
void app_replay_stop(struct app_replay *r, struct session *s)
{
	const char *p, *nl;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	for (p = buf_str(&r->notes); s && (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		session_event(s, "%.*s", (int)(nl - p), p);
	if (s)
		session_event(s, "replay: %zu recorded commands, %zu not recorded",
			      session_replay_commands(r->replay), session_replay_unknown(r->replay));
	link_close(r->link);
	session_replay_close(r->replay);
	buf_free(&r->notes);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

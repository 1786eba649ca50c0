/* worker.h: the one thread that runs long operations (connect and scan,
 * fault codes, live data, coding, flashing, typed adapter commands) so the
 * console keeps reading keys while the adapter works.
 *
 * The app's hooks run on this thread. They do not draw: message() queues
 * an event; confirm() and ask() queue a question and block until the
 * console answers it (or stops the worker, which answers No / cancel);
 * progress() keeps the latest figures and queues at most one event every
 * UI_PROGRESS_MS (and always the last one). A job may also post data of
 * its own (live samples). Stopping a job is the app's: app_request_cancel. Each queued event writes one byte to a pipe, so the console's
 * poll() loop wakes up and takes events with ui_worker_next(). No terminal
 * needed. */
#ifndef OBDCON_UI_WORKER_H
#define OBDCON_UI_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "util/error.h"

/* Least time between two progress events (a bar redrawn ten times a second). */
#define UI_PROGRESS_MS 100

struct ui_worker;
struct ui_job;

/* Runs on the worker thread; returns 0 or -kind with e filled in. */
typedef int (*ui_job_run_fn)(struct ui_job *job, struct error *e);

/* An operation for the worker. The submitter allocates it and gets it back
 * in the UI_EV_DONE event, with rc and err filled in. */
struct ui_job {
	const char *title;   /* what it does, for the progress line: "coding" */
	bool cancellable;    /* may be stopped at a safe point when it starts */
	ui_job_run_fn run;
	void *arg;           /* whatever run and the submitter need */
	int rc;
	struct error err;
};

/* Kinds of event the worker sends to the console. */
enum ui_event_kind {
	UI_EV_MESSAGE,  /* level + text */
	UI_EV_CONFIRM,  /* title + text; answer with ui_worker_answer */
	UI_EV_ASK,      /* title (the question) + choices; answer with ui_worker_choose */
	UI_EV_PROGRESS, /* progress (its step in title) */
	UI_EV_DATA,     /* data posted by the job (ui_worker_post) */
	UI_EV_DONE,     /* job finished */
};

/* One event from the worker. */
struct ui_event {
	enum ui_event_kind kind;
	enum app_level level;
	char *title;
	char *text;
	char **choices;           /* UI_EV_ASK */
	size_t nchoices;
	struct app_progress progress; /* UI_EV_PROGRESS (step points at title) */
	void *data;               /* UI_EV_DATA, freed with free_data */
	void (*free_data)(void *data);
	struct ui_job *job;
	struct ui_event *next;
};

/* Starts the thread and its pipe. */
int ui_worker_start(struct ui_worker **out, struct error *e);
/* The descriptor poll() watches: readable when events wait. */
int ui_worker_fd(const struct ui_worker *w);
/* Hooks for the app that report through this worker. */
struct app_hooks ui_worker_hooks(struct ui_worker *w);
/* Hands a job to the thread; -ERR_BUSY while another one runs. */
int ui_worker_submit(struct ui_worker *w, struct ui_job *job, struct error *e);
/* True from submit until the job's UI_EV_DONE has been taken. */
bool ui_worker_busy(const struct ui_worker *w);
/* The running job, or NULL (console thread only). */
struct ui_job *ui_worker_job(const struct ui_worker *w);
/* Whether the running job may be stopped now. */
bool ui_worker_cancellable(const struct ui_worker *w);
/* Called by a job on the worker thread when it passes (or leaves) a point
 * where stopping would be unsafe. */
void ui_worker_set_cancellable(struct ui_worker *w, bool cancellable);
/* Queues data for the console (any thread); free_data frees it when the
 * event is freed. False (data freed) when out of memory. */
bool ui_worker_post(struct ui_worker *w, void *data, void (*free_data)(void *data));
/* The next event, or NULL; the caller frees it with ui_event_free. */
struct ui_event *ui_worker_next(struct ui_worker *w);
/* Frees an event (not its job). */
void ui_event_free(struct ui_event *ev);
/* Answers the yes/no question the worker waits on; ignored when none waits. */
void ui_worker_answer(struct ui_worker *w, bool yes);
/* Answers the choice question the worker waits on with a choice's index,
 * or -1 to cancel; ignored when none waits. */
void ui_worker_choose(struct ui_worker *w, int choice);
/* True while the worker waits for an answer. */
bool ui_worker_asking(const struct ui_worker *w);
/* From now on every question is answered No at once (leaving). */
void ui_worker_refuse_questions(struct ui_worker *w);
/* Answers No to any question, waits for the running job and stops the
 * thread; a job still unreported is returned through *unfinished (NULL
 * when none) for the caller to free. The hooks stay usable (questions are
 * answered No) until ui_worker_free. */
void ui_worker_stop(struct ui_worker *w, struct ui_job **unfinished);
/* Frees a stopped worker and the events nobody took. */
void ui_worker_free(struct ui_worker *w);

#endif
